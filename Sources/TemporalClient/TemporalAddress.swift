/// Where a Temporal frontend listens: `host:port`, as the original's configuration (`temporal.host`,
/// `temporal.port`) and Temporal's own CLI (`--address`) name it. Every error of this module names
/// the address, so a misconfigured worker says which server it could not reach.
public struct TemporalAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `host:port` (the form TESTBENCH_TEMPORAL_ADDRESS and scripts/temporal-server.sh use).
    /// The port is after the last colon, so a bracketed IPv6 literal (`[::1]:7233`) works too.
    public init(parsing text: String) throws(TemporalClientError) {
        guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            throw .invalidAddress(text)
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
