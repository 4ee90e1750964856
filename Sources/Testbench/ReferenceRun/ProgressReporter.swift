import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of a batch of requests on standard error: a redrawn bar when standard error is a
/// terminal, otherwise a log line every 10 % (at most one per 5 s) and at the end.
public actor ProgressReporter {
    private let label: String
    private let total: Int
    private let terminal: Bool
    private let write: @Sendable (String) -> Void
    private let started = ContinuousClock.now
    private var done = 0
    private var failed = 0
    private var lastLine = ContinuousClock.now
    private var lastDecile = 0

    /// - Parameters:
    ///   - terminal: draw a bar (default: whether standard error is a TTY).
    ///   - write: where text goes (default: standard error).
    public init(label: String, total: Int, terminal: Bool = isatty(STDERR_FILENO) == 1,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = total
        self.terminal = terminal
        self.write = write
    }

    /// Counts one finished request.
    public func advance(failed requestFailed: Bool) {
        done += 1
        if requestFailed { failed += 1 }
        if terminal {
            write("\r" + bar())
            if done == total { write("\n") }
            return
        }
        let decile = total == 0 ? 10 : done * 10 / total
        let now = ContinuousClock.now
        if done == total || (decile > lastDecile && now - lastLine >= .seconds(5)) {
            lastDecile = decile
            lastLine = now
            write(line() + "\n")
        }
    }

    /// Requests finished so far and how many failed.
    public var counts: (done: Int, failed: Int) { (done, failed) }

    private var rate: String {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? String(format: "%.1f/s", Double(done) / seconds) : "-"
    }

    private func bar() -> String {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let failures = failed > 0 ? ", \(failed) failed" : ""
        return "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total)\(failures) \(rate)"
    }

    private func line() -> String {
        let failures = failed > 0 ? " (\(failed) failed)" : ""
        return "\(label): \(done)/\(total) requests done\(failures), \(rate)"
    }
}
