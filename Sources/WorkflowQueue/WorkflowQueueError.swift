import WorkflowDefinitions
import Postgres

/// Why a queue operation failed, with a message a user can act on.
public enum WorkflowQueueError: Error, Sendable, CustomStringConvertible {
    /// The type is not in the registry; `known` lists the registered types.
    case unknownWorkflowType(String, known: [String])
    /// The input was rejected before anything was queued.
    case invalidInput(type: String, reason: String)
    /// An argument (workflow id, task queue, limit, schema name, option) is not acceptable.
    case invalidArgument(String)
    /// The id has a run that is still queued or running (Temporal's default id reuse policy).
    case workflowAlreadyRunning(workflowID: String, runID: String, status: WorkflowStatus)
    /// No run has this workflow id.
    case workflowNotFound(String)
    /// The database refused or the connection failed.
    case database(PostgresError)
    /// A stored row could not be read back (e.g. an unknown status written by hand).
    case corruptRow(String)

    /// The queue's form of a definition's refusal (same cases, same messages).
    public init(_ error: WorkflowDefinitionError) {
        switch error {
        case let .unknownWorkflowType(type, known): self = .unknownWorkflowType(type, known: known)
        case let .invalidInput(type, reason): self = .invalidInput(type: type, reason: reason)
        case let .invalidArgument(reason): self = .invalidArgument(reason)
        }
    }

    public var description: String {
        switch self {
        case let .unknownWorkflowType(type, known):
            WorkflowDefinitionError.unknownWorkflowType(type, known: known).description
        case let .invalidInput(type, reason):
            WorkflowDefinitionError.invalidInput(type: type, reason: reason).description
        case let .invalidArgument(reason):
            reason
        case let .workflowAlreadyRunning(workflowID, runID, status):
            "workflow id '\(workflowID)' is already \(status.rawValue) (run \(runID)); wait for it to finish or cancel it before reusing the id"
        case let .workflowNotFound(id):
            "no workflow with id '\(id)'"
        case let .database(error):
            "workflow queue database error: \(error)"
        case let .corruptRow(reason):
            "unreadable workflow row: \(reason)"
        }
    }
}

/// Runs a definitions check, giving its refusal in the queue's error type.
func queueError<T>(_ body: () throws(WorkflowDefinitionError) -> T) throws(WorkflowQueueError) -> T {
    do { return try body() } catch { throw WorkflowQueueError(error) }
}
