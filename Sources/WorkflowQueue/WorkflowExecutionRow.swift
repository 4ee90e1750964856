import Foundation
import JSON
import Postgres
import WorkflowDefinitions

/// A run as the queue's `workflow_runs` table stores it.
extension WorkflowExecution {
    /// Columns `init(row:)` reads, in order, for `SELECT … FROM workflow_runs r`.
    static let selectColumns = """
        r.run_id::text, r.workflow_id, r.workflow_type, r.task_queue, r.input, r.status, r.attempt, r.max_attempts,
        r.scheduled_at, r.created_at, r.started_at, r.finished_at, r.heartbeat_at, r.lease_expires_at, r.worker_id,
        r.progress, r.result, r.last_error, r.cancel_requested
        """

    init(row: PostgresRow) throws(WorkflowQueueError) {
        do {
            let statusText = try row.decode(String.self, at: 5)
            guard let status = WorkflowStatus(rawValue: statusText) else {
                throw WorkflowQueueError.corruptRow("unknown status '\(statusText)'")
            }
            self.init(
                workflowID: try row.decode(String.self, at: 1), runID: try row.decode(String.self, at: 0),
                type: try row.decode(String.self, at: 2), taskQueue: try row.decode(String.self, at: 3),
                input: try row.decode(JSONValue.self, at: 4), status: status,
                attempt: try row.decode(Int.self, at: 6), maxAttempts: try row.decode(Int.self, at: 7),
                scheduledAt: try row.decode(Date.self, at: 8), createdAt: try row.decode(Date.self, at: 9),
                startedAt: try row.decode(Date?.self, at: 10), finishedAt: try row.decode(Date?.self, at: 11),
                heartbeatAt: try row.decode(Date?.self, at: 12), leaseExpiresAt: try row.decode(Date?.self, at: 13),
                workerID: try row.decode(String?.self, at: 14), progress: try row.optionalJSON(at: 15),
                result: try row.optionalJSON(at: 16), lastError: try row.optionalJSON(at: 17).flatMap(WorkflowFailure.init(json:)),
                cancelRequested: try row.decode(Bool.self, at: 18))
        } catch let error as WorkflowQueueError {
            throw error
        } catch {
            throw .corruptRow(String(describing: error))
        }
    }
}

extension PostgresRow {
    /// A nullable json/jsonb column: SQL NULL is nil, JSON null is `.null`.
    func optionalJSON(at column: Int) throws(PostgresError) -> JSONValue? {
        // Not `isNull ? nil : …`: JSONValue is nil-literal expressible, so that nil would become `.null`.
        if try isNull(at: column) { return JSONValue?.none }
        return try decode(JSONValue.self, at: column)
    }
}
