import Foundation

/// Every indexed task resolved (includes, templates compiled, functions bound) and classified.
public struct ResolutionReport: Sendable {
    public enum Status: Sendable {
        case resolved
        case unsupported(LMEvalError)
    }

    public struct Entry: Sendable {
        public let task: String
        public let file: String?
        public let status: Status
        /// Scoring-only `!function`s of a resolved task (process_results, metrics, filters), not ported yet.
        public let scoringFunctions: [FunctionReference]
    }

    /// One entry per task name, sorted by name.
    public let entries: [Entry]
    /// Scanned config files that cannot be loaded, so whatever they define is missing from `entries`.
    public let brokenFiles: [TaskIndex.BrokenFile]

    public var resolvedCount: Int { entries.filter { if case .resolved = $0.status { true } else { false } }.count }
    public var unsupportedCount: Int { entries.count - resolvedCount }

    /// Unsupported tasks per error kind.
    public var unsupportedByKind: [LMEvalError.Kind: Int] {
        var counts: [LMEvalError.Kind: Int] = [:]
        for entry in entries {
            if case let .unsupported(error) = entry.status { counts[error.kind, default: 0] += 1 }
        }
        return counts
    }

    /// Resolves every task (YAML and Python-class) of `index`, using all cores.
    public static func build(index: TaskIndex, natives: NativeFunctionRegistry = .standard) -> ResolutionReport {
        let names = index.taskNames
        let placeholder = Entry(task: "", file: nil, status: .resolved, scoringFunctions: [])
        var results = [Entry](repeating: placeholder, count: names.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, names.count))
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = ReportSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < names.count {
                    slots.set(i, resolveOne(names[i], index: index, natives: natives))
                    i += workers
                }
            }
        }
        return ResolutionReport(entries: results, brokenFiles: index.brokenFiles)
    }

    private static func resolveOne(_ name: String, index: TaskIndex, natives: NativeFunctionRegistry) -> Entry {
        let file = index.entry(name)?.file
        do {
            guard let reference = try index.expand(name).first else {
                return Entry(task: name, file: file, status: .unsupported(index.unknown(name)), scoringFunctions: [])
            }
            let task = try index.resolve(reference, natives: natives)
            return Entry(task: name, file: file, status: .resolved, scoringFunctions: task.scoringFunctions)
        } catch {
            return Entry(task: name, file: file, status: .unsupported(error.inTask(name)), scoringFunctions: [])
        }
    }

    /// A short text summary: counts, reasons by kind, and the most frequent messages.
    public func summary(topReasons: Int = 15) -> String {
        var lines = ["tasks: \(entries.count), resolved: \(resolvedCount), unsupported: \(unsupportedCount)"]
        for (kind, count) in unsupportedByKind.sorted(by: { $0.value > $1.value }) {
            lines.append("  \(kind.rawValue): \(count)")
        }
        var messages: [String: Int] = [:]
        for entry in entries {
            if case let .unsupported(error) = entry.status {
                messages[Self.genericMessage(error), default: 0] += 1
            }
        }
        lines.append("most frequent reasons:")
        for (message, count) in messages.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }).prefix(topReasons) {
            lines.append("  \(count) × \(message)")
        }
        // Every one, not the most frequent: each hides the tasks it defines.
        lines.append("config files that cannot be loaded: \(brokenFiles.count)")
        for broken in brokenFiles {
            let cause = broken.error.file == broken.path ? broken.error.message : broken.error.description
            lines.append("  \(broken.path): [\(broken.error.kind.rawValue)] \(cause)")
        }
        return lines.joined(separator: "\n")
    }

    /// The message with the module path cut to its last two folders, so reasons of one module group.
    private static func genericMessage(_ error: LMEvalError) -> String {
        var message = error.message
        if let open = message.range(of: " (/"), let close = message.range(of: ")", range: open.upperBound..<message.endIndex) {
            let path = message[open.upperBound..<close.lowerBound].split(separator: "/")
            message.replaceSubrange(open.lowerBound..<close.upperBound, with: " (" + path.suffix(3).joined(separator: "/") + ")")
        }
        return "[\(error.kind.rawValue)] " + message
    }
}

private struct ReportSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<ResolutionReport.Entry>
    func set(_ index: Int, _ value: ResolutionReport.Entry) { buffer[index] = value }
}
