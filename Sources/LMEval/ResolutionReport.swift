import Foundation
import Scoring

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
        /// Why a resolved task's filters and metrics cannot be built natively; nil when they can.
        public let scoringProblem: String?

        /// Resolved: every prompt-side `!function` has a native counterpart, so prompts build.
        public var buildsPrompts: Bool { if case .resolved = status { true } else { false } }
        /// Prompts build and the native scorer takes the task's filters, metrics and process_results.
        public var scoresNatively: Bool { buildsPrompts && scoringProblem == nil }
    }

    /// One entry per task name, sorted by name.
    public let entries: [Entry]
    /// Scanned config files that cannot be loaded, so whatever they define is missing from `entries`.
    public let brokenFiles: [TaskIndex.BrokenFile]

    public var resolvedCount: Int { entries.filter(\.buildsPrompts).count }
    public var nativeScoringCount: Int { entries.filter(\.scoresNatively).count }
    public var unsupportedCount: Int { entries.count - resolvedCount }

    /// Unsupported tasks per error kind.
    public var unsupportedByKind: [LMEvalError.Kind: Int] {
        var counts: [LMEvalError.Kind: Int] = [:]
        for entry in entries {
            if case let .unsupported(error) = entry.status { counts[error.kind, default: 0] += 1 }
        }
        return counts
    }

    /// Resolves every task (YAML and Python-class) of `index`, or the tasks `names` lists (a group
    /// or tag there stands for its leaf tasks; an unknown name is an unsupported entry), using all cores.
    public static func build(index: TaskIndex, names requested: [String]? = nil, natives: NativeFunctionRegistry = .standard) -> ResolutionReport {
        let names = requested.map { expandedNames($0, index: index) } ?? index.taskNames
        let placeholder = Entry(task: "", file: nil, status: .resolved, scoringFunctions: [], scoringProblem: nil)
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

    /// The listed names with groups and tags replaced by their leaf tasks, each once, sorted.
    private static func expandedNames(_ names: [String], index: TaskIndex) -> [String] {
        var out = Set<String>()
        for name in names {
            if index.entry(name)?.kind == .task || index.entry(name)?.kind == .pythonTask {
                out.insert(name)
            } else if let leaves = try? index.leafTaskNames(name), !leaves.isEmpty {
                out.formUnion(leaves)
            } else {
                out.insert(name)
            }
        }
        return out.sorted()
    }

    private static func resolveOne(_ name: String, index: TaskIndex, natives: NativeFunctionRegistry) -> Entry {
        let file = index.entry(name)?.file
        do {
            guard let reference = try index.expand(name).first else {
                return Entry(task: name, file: file, status: .unsupported(index.unknown(name)), scoringFunctions: [], scoringProblem: nil)
            }
            let resolver = index.resolver(for: reference, natives: natives)
            let task = try resolver.resolve(reference)
            return Entry(task: name, file: file, status: .resolved, scoringFunctions: task.scoringFunctions,
                         scoringProblem: scoringProblem(task, resolver: resolver))
        } catch {
            return Entry(task: name, file: file, status: .unsupported(error.inTask(name)), scoringFunctions: [], scoringProblem: nil)
        }
    }

    /// Builds the native scorer the Evaluator would (without documents) and returns its error, if any.
    private static func scoringProblem(_ task: ResolvedTask, resolver: TaskResolver) -> String? {
        do {
            let spec = try resolver.scoringSpec(for: task)
            if spec.outputType == .generateUntil {
                _ = try TaskScorer(taskName: task.name, outputType: spec.outputType.rawValue, filterList: spec.filterList,
                                   metricList: spec.metricList, processResults: spec.processResults, hasChoices: spec.hasChoices)
            } else {
                _ = try LoglikelihoodScorer(taskName: task.name, outputType: spec.outputType.rawValue, metricList: spec.metricList,
                                            processResults: spec.processResults)
            }
            return nil
        } catch let error as LMEvalError {
            return error.message
        } catch let error as ScoringError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// One line per task: name, whether prompts build, whether scoring is native, and the reason when not.
    public func table() -> String {
        var lines = ["task\tprompts\tnative scoring\treason"]
        for entry in entries {
            let reason: String
            switch entry.status {
            case let .unsupported(error): reason = Self.genericMessage(error)
            case .resolved: reason = entry.scoringProblem ?? ""
            }
            lines.append([entry.task, entry.buildsPrompts ? "yes" : "no", entry.scoresNatively ? "yes" : "no", reason].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n")
    }

    /// A short text summary: counts, reasons by kind, and the most frequent messages.
    public func summary(topReasons: Int = 15) -> String {
        var lines = ["tasks: \(entries.count), resolved: \(resolvedCount), unsupported: \(unsupportedCount), scored natively: \(nativeScoringCount)"]
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
        var scoring: [String: Int] = [:]
        for entry in entries {
            if let problem = entry.scoringProblem { scoring[Self.genericMessage(problem), default: 0] += 1 }
        }
        lines.append("most frequent reasons prompts build but scoring is not native:")
        for (message, count) in scoring.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }).prefix(topReasons) {
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
        "[\(error.kind.rawValue)] " + genericMessage(error.message)
    }

    private static func genericMessage(_ text: String) -> String {
        var message = text
        if let open = message.range(of: " (/"), let close = message.range(of: ")", range: open.upperBound..<message.endIndex) {
            let path = message[open.upperBound..<close.lowerBound].split(separator: "/")
            message.replaceSubrange(open.lowerBound..<close.upperBound, with: " (" + path.suffix(3).joined(separator: "/") + ")")
        }
        return message
    }
}

private struct ReportSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<ResolutionReport.Entry>
    func set(_ index: Int, _ value: ResolutionReport.Entry) { buffer[index] = value }
}
