import Foundation
import JSON
import Logging
import WorkflowDefinitions

/// The Register workflow's input, the same JSON the original Temporal workflow took:
/// `{"framework": "lmeh", "tasks": "a,b,group_or_tag"}`.
public struct RegisterInput: Sendable, Equatable {
    /// Task, group or tag names.
    public var tasks: [String]
    /// Extra task folders (the original's `include_path`), searched after the configured ones.
    public var includePaths: [String]
    /// The original's `verbosity` (`CRITICAL`, `ERROR` — its default —, `WARNING`, `INFO`, `DEBUG`),
    /// which it hands lm-eval's task manager; here the registration's log level. nil: the worker's own.
    public var verbosity: Logger.Level?
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
            verbosity = try Self.verbosity(&reader)
            // The original's pydantic models ignore unknown keys; so do we, but we name them in the log.
            ignoredKeys = reader.object.keys.filter { !["framework", "tasks", "include_path", "verbosity"].contains($0) }
        } catch {
            throw ApplicationError(message: "invalid Register input: \(error)", type: "BadParams", nonRetryable: true)
        }
    }

    /// Checks `framework` as the original's Register workflow does: `"lmeh" in framework`.
    static func requireLMEHFramework(_ reader: inout JSONFieldReader) throws(JSONFieldError) {
        guard let framework = try reader.string("framework") else { throw JSONFieldError(path: "framework", problem: .missing) }
        guard framework.contains("lmeh") else {
            throw reader.invalid("framework", "Unsupported framework \(framework): only \"lmeh\" variants (lm-eval-harness) are supported")
        }
    }

    /// `verbosity`: one of the original's five level names, or null.
    static func verbosity(_ reader: inout JSONFieldReader) throws(JSONFieldError) -> Logger.Level? {
        guard let name = try reader.string("verbosity") else { return nil }
        let levels: [String: Logger.Level] = ["CRITICAL": .critical, "ERROR": .error, "WARNING": .warning, "INFO": .info, "DEBUG": .debug]
        guard let level = levels[name] else {
            throw reader.invalid("verbosity", "must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG, got \"\(name)\"")
        }
        return level
    }

    /// Splits the comma-separated `tasks` string; an empty list is an error.
    static func taskNames(_ tasks: String) throws(JSONFieldError) -> [String] {
        let names = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw JSONFieldError(path: "tasks", problem: .invalid("names no task")) }
        return names
    }
}
