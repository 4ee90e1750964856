import Foundation
import JSON
import WorkflowQueue

/// The Register workflow's input, the same JSON the original Temporal workflow took:
/// `{"framework": "lmeh", "tasks": "a,b,group_or_tag"}`.
public struct RegisterInput: Sendable, Equatable {
    /// Task, group or tag names.
    public var tasks: [String]
    /// Extra task folders (the original's `include_path`), searched after the configured ones.
    public var includePaths: [String]
    /// Keys the original accepts but this port ignores (logged).
    public var ignoredKeys: [String]

    /// Parses and validates; problems are non-retryable application errors.
    public init(_ value: JSONValue) throws(ApplicationError) {
        do {
            var reader = try JSONFieldReader(value)
            try Self.requireLMEHFramework(&reader)
            guard let tasks = try reader.string("tasks") else { throw JSONFieldError(path: "tasks", problem: .missing) }
            self.tasks = try Self.taskNames(tasks)
            includePaths = try reader.stringList("include_path") ?? []
            // The original's pydantic models ignore unknown keys; so do we, but we name them in the log.
            ignoredKeys = reader.object.keys.filter { !["framework", "tasks", "include_path"].contains($0) }
        } catch {
            throw ApplicationError(message: "invalid Register input: \(error)", type: "BadParams", nonRetryable: true)
        }
    }

    /// Checks `framework`, which must be the original's only value.
    static func requireLMEHFramework(_ reader: inout JSONFieldReader) throws(JSONFieldError) {
        guard let framework = try reader.string("framework") else { throw JSONFieldError(path: "framework", problem: .missing) }
        guard framework == "lmeh" else { throw reader.invalid("framework", "only \"lmeh\" (lm-eval-harness) is supported, got \"\(framework)\"") }
    }

    /// Splits the comma-separated `tasks` string; an empty list is an error.
    static func taskNames(_ tasks: String) throws(JSONFieldError) -> [String] {
        let names = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw JSONFieldError(path: "tasks", problem: .invalid("names no task")) }
        return names
    }
}
