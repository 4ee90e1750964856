import Foundation
import JSON
import Scoring

/// A reference run's recorded responses, JSON Lines of either form:
/// `{"doc_id": <int>, "response": "<text>"}` for generate_until tasks, or
/// `{"doc_id": <int>, "idx": <int>, "loglikelihood": <number>, "is_greedy": <bool>}` for
/// multiple_choice, loglikelihood and loglikelihood_rolling tasks (one line per lm-eval instance,
/// `idx` numbered as lm-eval numbers a document's instances; `is_greedy` may be left out).
/// Either form takes an optional `"task"`, which must be present when the run names several tasks.
public struct ResponsesFile: Sendable {
    /// task name ("" when the line names none) → doc id → response text.
    public private(set) var responses: [String: [Int: String]] = [:]
    /// task name ("" when the line names none) → doc id → idx → the instance's loglikelihood.
    public private(set) var loglikelihoods: [String: [Int: [Int: ContinuationScore]]] = [:]
    public let path: String

    /// Reads and checks every line; a problem names the file and line.
    public init(path: String) throws(ReferenceRunError) {
        self.path = path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReferenceRunError("--responses \(path): cannot read the file (\(error.localizedDescription))")
        }
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fail = { (message: String) in ReferenceRunError("--responses \(path), line \(lineNumber): \(message)") }
            let value: JSONValue
            do { value = try JSONValue.parse(trimmed) } catch { throw fail("not JSON (\(error))") }
            guard case let .object(object) = value else {
                throw fail("expected an object {\"doc_id\": …, \"response\": \"…\"} or {\"doc_id\": …, \"idx\": …, \"loglikelihood\": …}")
            }
            guard let docID = object["doc_id"]?.intValue, docID >= 0 else { throw fail("doc_id must be a non-negative integer") }
            var task = ""
            if let name = object["task"], !name.isNull {
                guard case let .string(s) = name else { throw fail("task must be a string") }
                task = s
            }
            let of = task.isEmpty ? "" : " of task \(task)"
            if let loglikelihood = object["loglikelihood"] {
                guard object["response"] == nil else { throw fail("a line has either \"response\" or \"loglikelihood\", not both") }
                guard let value = loglikelihood.doubleValue, !value.isNaN, value <= 0 else {
                    throw fail("loglikelihood must be a number ≤ 0 (a sum of log-probabilities)")
                }
                guard let idx = object["idx"]?.intValue, idx >= 0 else { throw fail("idx must be a non-negative integer (the instance's number within its document)") }
                var greedy: Bool?
                if let flag = object["is_greedy"], !flag.isNull {
                    guard case let .bool(b) = flag else { throw fail("is_greedy must be true or false") }
                    greedy = b
                }
                if loglikelihoods[task]?[docID]?[idx] != nil {
                    throw fail("a second loglikelihood for doc \(docID) idx \(idx)\(of)")
                }
                loglikelihoods[task, default: [:]][docID, default: [:]][idx] = ContinuationScore(loglikelihood: value, isGreedy: greedy)
            } else {
                guard case let .string(response)? = object["response"] else {
                    throw fail("response must be a string (or give \"idx\" and \"loglikelihood\" for a loglikelihood task)")
                }
                if responses[task]?[docID] != nil { throw fail("a second response for doc \(docID)\(of)") }
                responses[task, default: [:]][docID] = response
            }
        }
    }

    /// The responses for `task`: lines naming it, plus lines naming no task when the run has one task.
    public func responses(for task: String, singleTask: Bool) throws(ReferenceRunError) -> [Int: String] {
        try Self.merged(responses, task: task, singleTask: singleTask, path: path)
    }

    /// The loglikelihoods for `task` by doc id and idx, merged as `responses(for:singleTask:)` merges.
    public func loglikelihoods(for task: String, singleTask: Bool) throws(ReferenceRunError) -> [Int: [Int: ContinuationScore]] {
        try Self.merged(loglikelihoods, task: task, singleTask: singleTask, path: path)
    }

    private static func merged<Value>(_ table: [String: [Int: Value]], task: String, singleTask: Bool, path: String) throws(ReferenceRunError) -> [Int: Value] {
        var out = table[task] ?? [:]
        if let unnamed = table[""], !unnamed.isEmpty {
            guard singleTask else {
                throw ReferenceRunError("--responses \(path): lines without \"task\" are ambiguous when several tasks run; add \"task\" to every line")
            }
            for (docID, value) in unnamed {
                guard out[docID] == nil else { throw ReferenceRunError("--responses \(path): doc \(docID) of \(task) has two responses") }
                out[docID] = value
            }
        }
        return out
    }

    /// Task names the file mentions.
    public var taskNames: [String] { Set(responses.keys).union(loglikelihoods.keys).filter { !$0.isEmpty }.sorted() }
}
