import WorkflowDefinitions
import Foundation
import JSON
import Postgres

/// A started run: the workflow id (given or generated) and the id of this execution.
public struct WorkflowRun: Sendable, Hashable {
    public let workflowID: String
    public let runID: String
}


/// Starts, inspects, waits for and cancels workflows. Type names, options and inputs are
/// checked against `registry` before anything is queued.
public struct WorkflowClient: Sendable {
    public let schema: WorkflowQueueSchema
    public let registry: WorkflowRegistry
    private let pool: PostgresConnectionPool

    /// A client using connections from `pool` (two suffice: `result(wait:)` holds one while it waits).
    public init(pool: PostgresConnectionPool, registry: WorkflowRegistry, schema: WorkflowQueueSchema = .default) {
        self.pool = pool
        self.registry = registry
        self.schema = schema
    }

    /// Applies the queue's migrations (idempotent; safe when several processes start at once).
    public func migrate() async throws(WorkflowQueueError) {
        let schema = self.schema
        _ = try await database { try await pool.withConnection { connection in try await schema.migrate(on: connection) } }
    }

    /// Queues a run of `type` with `input` (an object) and returns its ids. A workflow id that
    /// has a queued or running run is refused with `.workflowAlreadyRunning`; a finished one is
    /// reused by a new run. Without `workflowID` a UUID is generated; without `taskQueue` the
    /// type's default queue is used.
    public func start(type: String, input: JSONValue, workflowID: String? = nil, taskQueue: String? = nil) async throws(WorkflowQueueError) -> WorkflowRun {
        let registration = try queueError { () throws(WorkflowDefinitionError) in try registry.validated(type: type, input: input) }
        let id = workflowID ?? UUID().uuidString.lowercased()
        try queueError { () throws(WorkflowDefinitionError) in try WorkflowNames.validateWorkflowID(id) }
        let queue = taskQueue ?? registration.options.taskQueue
        try queueError { () throws(WorkflowDefinitionError) in try WorkflowNames.validateTaskQueue(queue) }
        let options = registration.options
        let sql = """
            WITH inserted AS (
                INSERT INTO \(schema.runsTable) (workflow_id, workflow_type, task_queue, input, \(Self.optionColumns))
                VALUES ($1, $2, $3, $4, \(Self.optionValues(from: 5)))
                RETURNING run_id::text, task_queue)
            SELECT inserted.run_id, pg_notify($\(5 + Self.optionCount), inserted.task_queue) FROM inserted
            """
        let params: [PostgresValue] = [.string(id), .string(type), .string(queue), .json(input)] + Self.optionParameters(options) + [.string(schema.wakeChannel)]
        do {
            let rows = try await database { try await pool.withConnection { connection in try await connection.query(sql, params) } }
            return WorkflowRun(workflowID: id, runID: try Self.decode { () throws(PostgresError) in try rows.scalar(String.self) })
        } catch let error {
            throw await refinedStartError(error, workflowID: id)
        }
    }

    /// Queues one run of `type` per input in one statement (ids generated); all or none are queued.
    public func startMany(type: String, inputs: [JSONValue], taskQueue: String? = nil) async throws(WorkflowQueueError) -> [WorkflowRun] {
        guard !inputs.isEmpty else { return [] }
        var registration: WorkflowRegistration?
        for input in inputs { registration = try queueError { () throws(WorkflowDefinitionError) in try registry.validated(type: type, input: input) } }
        guard let options = registration?.options else { return [] }
        let queue = taskQueue ?? options.taskQueue
        try queueError { () throws(WorkflowDefinitionError) in try WorkflowNames.validateTaskQueue(queue) }
        let ids = inputs.map { _ in UUID().uuidString.lowercased() }
        let sql = """
            WITH inserted AS (
                INSERT INTO \(schema.runsTable) (workflow_id, workflow_type, task_queue, input, \(Self.optionColumns))
                SELECT u.workflow_id, $2, $3, u.input::jsonb, \(Self.optionValues(from: 5))
                FROM unnest($1::text[], $4::text[]) AS u(workflow_id, input)
                RETURNING run_id::text, workflow_id)
            SELECT inserted.run_id, inserted.workflow_id, n.sent FROM inserted, (SELECT pg_notify($\(5 + Self.optionCount), $3) AS sent) AS n
            """
        let params: [PostgresValue] = [.stringArray(ids), .string(type), .string(queue), .stringArray(inputs.map { $0.serialized(.compact) })]
            + Self.optionParameters(options) + [.string(schema.wakeChannel)]
        let rows = try await database { try await pool.withConnection { connection in try await connection.query(sql, params) } }
        var runIDs: [String: String] = [:]
        for row in rows {
            let (runID, workflowID) = try Self.decode { () throws(PostgresError) in (try row.decode(String.self, at: 0), try row.decode(String.self, at: 1)) }
            runIDs[workflowID] = runID
        }
        return ids.compactMap { id in runIDs[id].map { WorkflowRun(workflowID: id, runID: $0) } }
    }

    /// Runs, newest first, optionally only those with `status` and/or `type`.
    public func list(status: WorkflowStatus? = nil, type: String? = nil, limit: Int = 50) async throws(WorkflowQueueError) -> [WorkflowExecution] {
        guard limit >= 0 else { throw .invalidArgument("limit must not be negative, got \(limit)") }
        let sql = """
            SELECT \(WorkflowExecution.selectColumns) FROM \(schema.runsTable) AS r
            WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.workflow_type = $2)
            ORDER BY r.seq DESC LIMIT $3
            """
        let params: [PostgresValue] = [status.map { .string($0.rawValue) } ?? .null, type.map { .string($0) } ?? .null, .int(limit)]
        let rows = try await database { try await pool.withConnection { connection in try await connection.query(sql, params) } }
        var executions: [WorkflowExecution] = []
        for row in rows { executions.append(try WorkflowExecution(row: row)) }
        return executions
    }

    /// The latest run of `workflowID`.
    public func describe(_ workflowID: String) async throws(WorkflowQueueError) -> WorkflowExecution {
        let schema = self.schema
        return try await database { try await pool.withConnection { connection in try await Self.latest(workflowID, schema: schema, on: connection) } }
    }

    /// The latest run of `workflowID`; with `wait`, first waits up to that long (on LISTEN, not
    /// by polling) for it to finish. Check `status` of what comes back: it is still queued or
    /// running when the wait ran out.
    public func result(_ workflowID: String, wait: Duration? = nil) async throws(WorkflowQueueError) -> WorkflowExecution {
        let first = try await describe(workflowID)
        guard let wait, !first.status.isFinished else { return first }
        let schema = self.schema
        return try await database {
            try await pool.withConnection { connection in
                try await connection.listen(schema.doneChannel)
                // Ask for a notification, then read again: a finish before the flag was set notified no one.
                var current = first
                var flagged: String?
                while !current.status.isFinished && current.runID != flagged {
                    try await connection.execute(
                        "UPDATE \(schema.runsTable) SET notify_on_finish = true WHERE run_id = $1::uuid AND NOT notify_on_finish",
                        [.string(current.runID)])
                    flagged = current.runID
                    current = try await Self.latest(workflowID, schema: schema, on: connection)
                }
                let clock = ContinuousClock()
                let deadline = clock.now.advanced(by: wait)
                while !current.status.isFinished {
                    let remaining = clock.now.duration(to: deadline)
                    guard remaining > .zero, let notification = try await connection.waitForNotification(timeout: remaining) else { break }
                    if notification.payload == "*" || notification.payload.contains(current.runID) {
                        current = try await Self.latest(workflowID, schema: schema, on: connection)
                    }
                }
                return current
            }
        }
    }

    /// Cancels the latest run of `workflowID`: a queued run is canceled at once; a running one
    /// gets `cancel_requested` and stops at its activity's next heartbeat.
    @discardableResult
    public func cancel(_ workflowID: String) async throws(WorkflowQueueError) -> WorkflowCancelOutcome {
        let schema = self.schema
        return try await database {
            try await pool.withConnection { connection in
                try await connection.transaction { connection in
                    let rows = try connection.query(
                        "SELECT r.run_id::text, r.status FROM \(schema.runsTable) AS r WHERE r.run_id = \(Self.latestRunID(schema)) FOR UPDATE",
                        [.string(workflowID)])
                    guard let row = rows.first else { throw WorkflowQueueError.workflowNotFound(workflowID) }
                    let runID = try row.decode(String.self, at: 0)
                    let statusText = try row.decode(String.self, at: 1)
                    guard let status = WorkflowStatus(rawValue: statusText) else { throw WorkflowQueueError.corruptRow("unknown status '\(statusText)'") }
                    switch status {
                    case .queued:
                        try connection.execute(
                            "UPDATE \(schema.runsTable) SET status = 'canceled', cancel_requested = true, finished_at = now() WHERE run_id = $1::uuid",
                            [.string(runID)])
                        try connection.notify(schema.doneChannel, payload: runID)
                        return .canceled
                    case .running:
                        try connection.execute("UPDATE \(schema.runsTable) SET cancel_requested = true WHERE run_id = $1::uuid", [.string(runID)])
                        try connection.notify(schema.wakeChannel, payload: "cancel")
                        return .cancelRequested
                    case .completed, .failed, .canceled, .timedOut:
                        return .alreadyFinished(status)
                    }
                }
            }
        }
    }

    // MARK: - Helpers

    static let optionColumns = """
        max_attempts, retry_initial_interval, retry_backoff_coefficient, retry_maximum_interval, start_to_close_timeout, heartbeat_timeout,
        retry_non_retryable_error_types
        """

    /// How many parameters `optionParameters` binds.
    static let optionCount = 7

    /// SQL for the option values bound from `$first` on.
    static func optionValues(from first: Int) -> String {
        "$\(first), make_interval(secs => $\(first + 1)), $\(first + 2), make_interval(secs => $\(first + 3)), "
            + "make_interval(secs => $\(first + 4)), make_interval(secs => $\(first + 5)), $\(first + 6)::text[]"
    }

    static func optionParameters(_ options: WorkflowOptions) -> [PostgresValue] {
        let retry = options.retryPolicy
        return [
            .int(retry.maximumAttempts), .double(retry.initialInterval.inSeconds), .double(retry.backoffCoefficient),
            .double(retry.effectiveMaximumInterval.inSeconds), .double(options.startToCloseTimeout.inSeconds),
            .double(options.heartbeatTimeout.inSeconds), .stringArray(retry.nonRetryableErrorTypes),
        ]
    }

    /// SQL for the id of the latest run of workflow id `$1`: its open run, else its newest finished one.
    /// Each half has its own partial index, so claiming and finishing a run touch one index fewer.
    static func latestRunID(_ schema: WorkflowQueueSchema) -> String {
        """
        COALESCE(
            (SELECT o.run_id FROM \(schema.runsTable) AS o WHERE o.workflow_id = $1 AND o.status IN ('queued', 'running')),
            (SELECT f.run_id FROM \(schema.runsTable) AS f WHERE f.workflow_id = $1 AND f.status NOT IN ('queued', 'running')
                ORDER BY f.seq DESC LIMIT 1))
        """
    }

    static func latest(_ workflowID: String, schema: WorkflowQueueSchema, on connection: PostgresConnection) async throws -> WorkflowExecution {
        let rows = try await connection.query(
            "SELECT \(WorkflowExecution.selectColumns) FROM \(schema.runsTable) AS r WHERE r.run_id = \(latestRunID(schema))",
            [.string(workflowID)])
        guard let row = rows.first else { throw WorkflowQueueError.workflowNotFound(workflowID) }
        return try WorkflowExecution(row: row)
    }

    private func refinedStartError(_ error: WorkflowQueueError, workflowID: String) async -> WorkflowQueueError {
        guard case let .database(postgresError) = error, postgresError.isUniqueViolation else { return error }
        let open = try? await database {
            try await pool.withConnection { connection in
                try await connection.query(
                    "SELECT run_id::text, status FROM \(schema.runsTable) WHERE workflow_id = $1 AND status IN ('queued', 'running') LIMIT 1",
                    [.string(workflowID)])
            }
        }
        guard let row = open?.first, let runID = try? row.decode(String.self, at: 0),
            let status = (try? row.decode(String.self, at: 1)).flatMap(WorkflowStatus.init(rawValue:))
        else {
            // The open run finished in between; still a conflict at the time of the insert.
            return .workflowAlreadyRunning(workflowID: workflowID, runID: "?", status: .running)
        }
        return .workflowAlreadyRunning(workflowID: workflowID, runID: runID, status: status)
    }

    static func decode<T>(_ body: () throws(PostgresError) -> T) throws(WorkflowQueueError) -> T {
        do { return try body() } catch { throw .corruptRow(error.description) }
    }
}

/// Runs database work, mapping every error to a `WorkflowQueueError`.
func database<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws(WorkflowQueueError) -> T {
    do {
        return try await body()
    } catch let error as WorkflowQueueError {
        throw error
    } catch let error as PostgresError {
        throw .database(error)
    } catch {
        throw .database(PostgresError(code: .server, message: String(describing: error)))
    }
}
