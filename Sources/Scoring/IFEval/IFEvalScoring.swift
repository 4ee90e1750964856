import JSON
import Python

/// lm-eval 0.4.9's `ifeval/utils.py`: `process_results` (strict and loose instruction following,
/// at prompt and instruction level) and `agg_inst_level_acc`. `leaderboard_ifeval` uses the same.
public enum IFEvalScoring {
    /// The metrics `process_results` returns, in its order.
    public static let metricNames = ["prompt_level_strict_acc", "inst_level_strict_acc", "prompt_level_loose_acc", "inst_level_loose_acc"]

    /// `process_results(doc, results)`: the prompt-level values are bools, the instruction-level
    /// ones lists of bools (one per instruction).
    public static func processResults(doc: JSONObject, results: [JSONValue], task: String = "ifeval") throws(ScoringError) -> [(name: String, value: JSONValue)] {
        guard case let .string(response)? = results.first else {
            throw ScoringError(.sample, task: task, "IFEval process_results needs the response text, got \(results.first.map { PythonValue.repr($0) } ?? "no result")")
        }
        let instructions = try self.instructions(doc, task: task)
        let strict = try following(instructions, [response], task: task)
        let loose = try following(instructions, looseVariants(response), task: task)
        return [
            ("prompt_level_strict_acc", .bool(!strict.contains(false))),
            ("inst_level_strict_acc", .array(strict.map(JSONValue.bool))),
            ("prompt_level_loose_acc", .bool(!loose.contains(false))),
            ("inst_level_loose_acc", .array(loose.map(JSONValue.bool))),
        ]
    }

    /// `agg_inst_level_acc(items)`: the mean over every instruction of every document.
    public static func instructionLevelAccuracy(_ items: [JSONValue], task: String = "ifeval") throws(ScoringError) -> Double {
        var followed = 0, count = 0
        for item in items {
            guard case let .array(values) = item else {
                throw ScoringError(.sample, task: task, "agg_inst_level_acc needs a list of bools per document, got \(PythonValue.repr(item))")
            }
            for value in values {
                switch value {
                case let .bool(b): followed += b ? 1 : 0
                case let .int(i): followed += i
                default: throw ScoringError(.sample, task: task, "agg_inst_level_acc cannot add \(PythonValue.repr(value))")
                }
                count += 1
            }
        }
        guard count > 0 else { throw ScoringError(.sample, task: task, "agg_inst_level_acc: no instructions to average (lm-eval divides by zero)") }
        return Double(followed) / Double(count)
    }

    /// The document's instructions, built from `instruction_id_list` and `kwargs`.
    static func instructions(_ doc: JSONObject, task: String) throws(ScoringError) -> [IFEvalInstruction] {
        guard case let .array(ids)? = doc["instruction_id_list"] else {
            throw ScoringError(.sample, task: task, "IFEval document has no instruction_id_list list")
        }
        guard case let .array(kwargs)? = doc["kwargs"], kwargs.count >= ids.count else {
            throw ScoringError(.sample, task: task, "IFEval document needs a kwargs list with one entry per instruction id")
        }
        var out: [IFEvalInstruction] = []
        for (index, id) in ids.enumerated() {
            guard case let .string(name) = id else { throw ScoringError(.sample, task: task, "IFEval instruction ids must be strings, got \(PythonValue.repr(id))") }
            let arguments: JSONObject
            switch kwargs[index] {
            case let .object(object): arguments = object
            case .null: arguments = [:]
            case let other: throw ScoringError(.sample, task: task, "IFEval kwargs entries must be dicts, got \(PythonValue.repr(other))")
            }
            out.append(try IFEvalInstruction(id: name, kwargs: arguments, task: task))
        }
        return out
    }

    /// Per instruction: whether some variant that is not blank follows it.
    static func following(_ instructions: [IFEvalInstruction], _ variants: [String], task: String) throws(ScoringError) -> [Bool] {
        var out: [Bool] = []
        for instruction in instructions {
            var followed = false
            for variant in variants where !PyText.strip(variant).isEmpty {
                if try instruction.isFollowed(by: variant, task: task) {
                    followed = true
                    break
                }
            }
            out.append(followed)
        }
        return out
    }

    /// `test_instruction_following_loose`'s eight variants: the response, without `*`, without
    /// its first line, its last line or both, and those without `*`.
    static func looseVariants(_ response: String) -> [String] {
        let lines = PyText.split(response, sep: "\n", maxSplit: -1)
        let removeFirst = PyText.strip(lines.dropFirst().joined(separator: "\n"))
        let removeLast = PyText.strip(lines.dropLast().joined(separator: "\n"))
        let removeBoth = lines.count > 2 ? PyText.strip(lines[1..<(lines.count - 1)].joined(separator: "\n")) : ""
        func unstarred(_ s: String) -> String { PyText.replace(s, "*", "") }
        return [response, unstarred(response), removeFirst, removeLast, removeBoth,
                unstarred(removeFirst), unstarred(removeLast), unstarred(removeBoth)]
    }
}
