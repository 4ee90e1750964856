/// A task that cannot be indexed, resolved or rendered, naming the task, the file and the cause.
public struct LMEvalError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The YAML file does not parse.
        case yamlSyntax
        /// An `include:` chain comes back to a file already being loaded.
        case includeCycle
        /// An `include:` names a file that does not exist.
        case missingInclude
        /// `output_type` is not one of lm-eval's four.
        case unknownOutputType
        /// A key has a value lm-eval could not use (wrong type, missing `metric`, ...).
        case invalidConfig
        /// The name is not an indexed task, group or tag.
        case unknownTask
        /// A Jinja template failed to compile or render.
        case template
        /// A template used a name the document does not have (StrictUndefined).
        case undefinedVariable
        /// A `!function` reference has no Swift implementation.
        case missingFunction
        /// A feature lm-eval has but this port does not (Python class tasks, promptsource, images...).
        case unsupported
        /// The documents do not fit the task (missing split, a field of the wrong type, too few few-shot rows).
        case documents
    }

    public var kind: Kind
    public var task: String?
    public var file: String?
    public var message: String

    public init(_ kind: Kind, task: String? = nil, file: String? = nil, _ message: String) {
        self.kind = kind
        self.task = task
        self.file = file
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let task { parts.append("task \(task)") }
        if let file { parts.append(file) }
        return parts.isEmpty ? message : parts.joined(separator: ", ") + ": " + message
    }

    /// The same error, attributed to `task` when it has no task yet.
    func inTask(_ name: String?) -> LMEvalError {
        var copy = self
        if copy.task == nil { copy.task = name }
        return copy
    }
}
