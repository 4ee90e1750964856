import WorkflowQueue

/// Why a sample could not be taken. `type` names the failure as the original's
/// `ApplicationError` types do (`BadParams`, `UnsupportedPath`, `TaskNotFound`, …).
public struct SamplerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var type: String
    /// False when retrying may help (a database that could not be reached).
    public var nonRetryable: Bool

    public init(_ message: String, type: String = "BadParams", nonRetryable: Bool = true) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
    }

    /// A bad input: non-retryable `BadParams`.
    static func badParams(_ message: String) -> SamplerError { SamplerError(message, type: "BadParams") }

    /// The workflow error the activity throws.
    public var applicationError: ApplicationError {
        ApplicationError(message: message, type: type, nonRetryable: nonRetryable)
    }

    public var description: String { "\(type): \(message)" }
}
