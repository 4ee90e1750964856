import Foundation
import JSON

/// A reference run's recorded responses: JSON Lines of `{"doc_id": <int>, "response": "<text>"}`,
/// with an optional `"task"` that must be present when the run names several tasks.
public struct ResponsesFile: Sendable {
    /// task name ("" when the line names none) → doc id → response text.
    public private(set) var responses: [String: [Int: String]] = [:]
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
            guard case let .object(object) = value else { throw fail("expected an object {\"doc_id\": …, \"response\": \"…\"}") }
            guard let docID = object["doc_id"]?.intValue, docID >= 0 else { throw fail("doc_id must be a non-negative integer") }
            guard case let .string(response)? = object["response"] else { throw fail("response must be a string") }
            var task = ""
            if let name = object["task"], !name.isNull {
                guard case let .string(s) = name else { throw fail("task must be a string") }
                task = s
            }
            if responses[task]?[docID] != nil {
                throw fail("a second response for doc \(docID)\(task.isEmpty ? "" : " of task \(task)")")
            }
            responses[task, default: [:]][docID] = response
        }
    }

    /// The responses for `task`: lines naming it, plus lines naming no task when the run has one task.
    public func responses(for task: String, singleTask: Bool) throws(ReferenceRunError) -> [Int: String] {
        var out = responses[task] ?? [:]
        if let unnamed = responses[""], !unnamed.isEmpty {
            guard singleTask else {
                throw ReferenceRunError("--responses \(path): lines without \"task\" are ambiguous when several tasks run; add \"task\" to every line")
            }
            for (docID, text) in unnamed {
                guard out[docID] == nil else { throw ReferenceRunError("--responses \(path): doc \(docID) of \(task) has two responses") }
                out[docID] = text
            }
        }
        return out
    }

    /// Task names the file mentions.
    public var taskNames: [String] { responses.keys.filter { !$0.isEmpty }.sorted() }
}
