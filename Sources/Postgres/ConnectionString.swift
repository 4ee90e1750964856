import CLibPQ

extension PostgresConnection {
    /// Why libpq cannot read `conninfo` (a `postgresql://` URI or `key=value` pairs), or nil when it can.
    public static func connectionStringProblem(_ conninfo: String) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { if let error { PQfreemem(error) } }
            return error.map { String(cString: $0).trimmingTrailingNewlines } ?? "libpq cannot parse it"
        }
        PQconninfoFree(options)
        return nil
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last?.isNewline == true { text = text.dropLast() }
        return String(text)
    }
}
