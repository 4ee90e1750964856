import WorkflowQueue

/// Why an evaluation stopped before writing a result. `type` names the failure as the original's
/// `ApplicationError` types do (`BadParams`, `TaskNotFound`, `UnsupportedPath`, `LMEH`, …).
public struct EvaluatorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var type: String
    /// False when retrying may help (a document store that could not be reached).
    public var nonRetryable: Bool

    public init(_ message: String, type: String = "BadParams", nonRetryable: Bool = true) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
    }

    /// The workflow error the activity throws.
    public var applicationError: ApplicationError {
        ApplicationError(message: message, type: type, nonRetryable: nonRetryable)
    }

    public var description: String { "\(type): \(message)" }
}
