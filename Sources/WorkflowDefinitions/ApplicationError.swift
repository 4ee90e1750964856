import JSON

/// An error an activity throws on purpose, as in Temporal: `nonRetryable` fails the workflow
/// at once; otherwise the attempt is retried under the retry policy.
public struct ApplicationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for the user.
    public var message: String
    /// A short name for the kind of failure (e.g. `InvalidInput`), stored with the error.
    public var type: String
    /// True when retrying cannot help (bad input, missing task); the workflow fails now.
    public var nonRetryable: Bool

    /// Creates an application error; `type` defaults to `ApplicationError`.
    public init(message: String, type: String = "ApplicationError", nonRetryable: Bool = false) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
    }

    public var description: String { "\(type): \(message)" }
}

/// The last error of a run as stored in `last_error`: message, type, whether it was
/// non-retryable, and the attempt that raised it.
public struct WorkflowFailure: Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var type: String
    public var nonRetryable: Bool
    public var attempt: Int

    /// Creates a failure record.
    public init(message: String, type: String, nonRetryable: Bool, attempt: Int) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
        self.attempt = attempt
    }

    /// Describes any error thrown by an activity in an attempt.
    public init(error: any Error, attempt: Int) {
        if let application = error as? ApplicationError {
            self.init(message: application.message, type: application.type, nonRetryable: application.nonRetryable, attempt: attempt)
        } else {
            self.init(message: String(describing: error), type: String(describing: Swift.type(of: error)), nonRetryable: false, attempt: attempt)
        }
    }

    /// The failure as the application error an activity would throw.
    public var applicationError: ApplicationError {
        ApplicationError(message: message, type: type, nonRetryable: nonRetryable)
    }

    /// The stored JSON form: `{"message", "type", "non_retryable", "attempt"}`.
    public var json: JSONValue {
        ["message": .string(message), "type": .string(type), "non_retryable": .bool(nonRetryable), "attempt": .int(attempt)]
    }

    /// Reads the stored JSON form; nil when it is not an object.
    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        self.init(
            message: json["message"]?.stringValue ?? "",
            type: json["type"]?.stringValue ?? "Error",
            nonRetryable: json["non_retryable"]?.boolValue ?? false,
            attempt: json["attempt"]?.intValue ?? 0)
    }

    public var description: String {
        "\(type): \(message) (attempt \(attempt)\(nonRetryable ? ", non-retryable" : ""))"
    }
}
