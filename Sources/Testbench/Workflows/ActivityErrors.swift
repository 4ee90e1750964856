import Datasets
import Mongo
import Postgres
import WorkflowDefinitions

// Register, Sampler and Evaluator all fail with WorkflowQueue's `ApplicationError`, typed as the
// original's Temporal activities name their failures (`BadParams`, `TaskNotFound`, `SQLError`, …).
extension ApplicationError {
    /// A failure named `type`; non-retryable unless said, since most are about the input or the task.
    init(_ message: String, type: String, nonRetryable: Bool = true) {
        self.init(message: message, type: type, nonRetryable: nonRetryable)
    }

    /// A failure caused by `cause`, retryable exactly when the cause is transient.
    init(_ message: String, type: String, cause: any Error) {
        self.init(message: message, type: type, nonRetryable: !Self.isTransient(cause))
    }

    /// A bad input: non-retryable `BadParams`.
    static func badParams(_ message: String) -> ApplicationError { ApplicationError(message, type: "BadParams") }

    /// Whether trying again may help, from each engine's own policy (`PostgresError.isTransient`,
    /// `MongoError.isTransient`) or the domain error built from it; anything unknown is not transient.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError: error.isTransient
        case let error as MongoError: error.isTransient
        case let error as DatasetError: error.isRetryable
        case let error as DocumentStoreError: error.isRetryable
        case let error as ApplicationError: !error.nonRetryable
        default: false
        }
    }
}
