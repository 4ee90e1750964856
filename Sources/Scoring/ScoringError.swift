/// Why a task could not be set up for scoring, or a sample could not be scored.
public struct ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem; configuration problems surface when the task is loaded.
    public enum Kind: Sendable, Equatable {
        /// `filter_list` / `metric_list` / `output_type` is malformed or names something unknown.
        case configuration
        /// A sample's responses, target or document do not fit the task (lm-eval would raise).
        case sample
    }

    public let kind: Kind
    public let task: String
    public let message: String

    public init(_ kind: Kind, task: String, _ message: String) {
        self.kind = kind
        self.task = task
        self.message = message
    }

    public var description: String { "task '\(task)': \(message)" }
}
