// What the benchmark executables share: their command-line reading, timing and memory readings.
import Foundation

/// A benchmark that cannot go on, with the reason it prints.
public struct BenchFailure: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

/// The value after `name` on the command line (`--sizes 1000,10000`), nil when absent.
public func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// A duration in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Resets the kernel's peak-RSS mark (Linux `clear_refs` 5) so each case reports its own peak.
public func resetPeakRSS() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// Peak resident set size since the last reset (else since the process started), in MiB (`VmHWM`).
public func peakRSSMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kib / 1024
}

/// Runs `executable` and returns the last line it printed on standard output; standard error goes
/// to a temporary log shown only when it fails.
public func lastOutputLine(of executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(getpid())-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    process.standardError = try FileHandle(forWritingTo: log)
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw BenchFailure(description: "\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus):\n\(stderr)")
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
}
