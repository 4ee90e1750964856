import WorkflowDefinitions
import JSON
import Postgres

/// A run a worker claimed: what it needs to execute one attempt.
struct ClaimedJob: Sendable {
    let runID: String
    let workflowID: String
    let type: String
    let taskQueue: String
    let input: JSONValue
    let attempt: Int
    let maxAttempts: Int
    let startToCloseTimeout: Duration
    let heartbeatTimeout: Duration
    let retryPolicy: RetryPolicy
    let progress: JSONValue?
}

/// How an attempt ended, ready to store.
struct Completion: Sendable {
    let runID: String
    let attempt: Int
    /// queued means "retry after `retryDelay`".
    let status: WorkflowStatus
    let result: JSONValue?
    let error: WorkflowFailure?
    let retryDelay: Duration
    let progress: JSONValue?
}

/// One running attempt's heartbeat: the progress to store, if any changed.
struct Heartbeat: Sendable {
    let runID: String
    let attempt: Int
    let progress: JSONValue?
}

/// The worker's SQL. Every statement is fenced by worker id, attempt and status, so a worker
/// whose lease lapsed cannot overwrite the run another worker took over.
struct WorkerStore: Sendable {
    let schema: WorkflowQueueSchema
    let workerID: String
    let taskQueues: [String]

    /// Stores `completions` and claims up to `limit` runs, in one round trip; with
    /// `reclaimLapsed`, runs whose worker stopped heartbeating come first.
    func completeAndClaim(
        _ completions: [Completion], limit: Int, reclaimLapsed: Bool, on connection: PostgresConnection
    ) async throws(PostgresError) -> [ClaimedJob] {
        let sql = """
            SELECT * FROM \(schema.function("workflow_complete_and_claim"))(
                $1, $2::text[], $3::integer, $4::uuid[], $5::integer[], $6::text[], $7::text[], $8::text[], $9::double precision[], $10::text[], $11::boolean)
            """
        let params: [PostgresValue] = [
            .string(workerID), .stringArray(taskQueues), .int(limit),
            .stringArray(completions.map(\.runID)),
            .int64Array(completions.map { Int64($0.attempt) }),
            .stringArray(completions.map(\.status.rawValue)),
            .stringArray(completions.map { $0.result?.serialized(.compact) }),
            .stringArray(completions.map { $0.error?.json.serialized(.compact) }),
            .doubleArray(completions.map { $0.retryDelay.inSeconds }),
            .stringArray(completions.map { $0.progress?.serialized(.compact) }),
            .bool(reclaimLapsed),
        ]
        let rows = try await connection.query(prepared: "workflow_complete_and_claim:\(schema.name)", sql, params)
        var jobs: [ClaimedJob] = []
        jobs.reserveCapacity(rows.count)
        for row in rows {
            let maximumSeconds = try row.decode(Double.self, at: 11)
            jobs.append(ClaimedJob(
                runID: try row.decode(String.self, at: 0),
                workflowID: try row.decode(String.self, at: 1),
                type: try row.decode(String.self, at: 2),
                taskQueue: try row.decode(String.self, at: 3),
                input: try row.decode(JSONValue.self, at: 4),
                attempt: try row.decode(Int.self, at: 5),
                maxAttempts: try row.decode(Int.self, at: 6),
                startToCloseTimeout: .seconds(try row.decode(Double.self, at: 7)),
                heartbeatTimeout: .seconds(try row.decode(Double.self, at: 8)),
                retryPolicy: RetryPolicy(
                    maximumAttempts: try row.decode(Int.self, at: 6),
                    initialInterval: .seconds(try row.decode(Double.self, at: 9)),
                    backoffCoefficient: try row.decode(Double.self, at: 10),
                    maximumInterval: .seconds(maximumSeconds),
                    nonRetryableErrorTypes: try row.decode([String].self, at: 13)),
                progress: try row.optionalJSON(at: 12)))
        }
        return jobs
    }

    /// Extends the leases of running attempts and stores their progress; returns, for each run
    /// still held by this worker, whether cancel was requested. Runs missing from the answer were lost.
    func heartbeat(_ beats: [Heartbeat], on connection: PostgresConnection) async throws(PostgresError) -> [String: Bool] {
        let sql = """
            UPDATE \(schema.runsTable) AS r SET
                heartbeat_at = now(), lease_expires_at = now() + r.heartbeat_timeout,
                progress = COALESCE(u.progress::jsonb, r.progress)
            FROM unnest($2::uuid[], $3::integer[], $4::text[]) AS u(run_id, attempt, progress)
            WHERE r.run_id = u.run_id AND r.attempt = u.attempt AND r.worker_id = $1 AND r.status = 'running'
            RETURNING r.run_id::text, r.cancel_requested
            """
        let rows = try await connection.query(sql, [
            .string(workerID), .stringArray(beats.map(\.runID)), .int64Array(beats.map { Int64($0.attempt) }),
            .stringArray(beats.map { $0.progress?.serialized(.compact) }),
        ])
        var held: [String: Bool] = [:]
        for row in rows { held[try row.decode(String.self, at: 0)] = try row.decode(Bool.self, at: 1) }
        return held
    }

    /// Puts unfinished attempts back in the queue without counting them and wakes other workers.
    func release(_ runs: [(runID: String, attempt: Int)], on connection: PostgresConnection) async throws(PostgresError) -> Int {
        let sql = """
            WITH released AS (
                UPDATE \(schema.runsTable) AS r SET
                    status = 'queued', attempt = r.attempt - 1, worker_id = NULL, lease_expires_at = NULL,
                    scheduled_at = now(), started_at = NULL
                FROM unnest($2::uuid[], $3::integer[]) AS u(run_id, attempt)
                WHERE r.run_id = u.run_id AND r.attempt = u.attempt AND r.worker_id = $1 AND r.status = 'running'
                RETURNING r.task_queue)
            SELECT (SELECT count(*) FROM released),
                (SELECT count(pg_notify($4, q.task_queue)) FROM (SELECT DISTINCT task_queue FROM released) AS q)
            """
        let rows = try await connection.query(sql, [
            .string(workerID), .stringArray(runs.map(\.runID)), .int64Array(runs.map { Int64($0.attempt) }), .string(schema.wakeChannel),
        ])
        return try rows.scalar(Int.self)
    }

    /// Marks runs whose lease lapsed on their last allowed attempt as timed out (nobody may
    /// retry them) and tells result waiters.
    func timeOutLapsedFinalAttempts(on connection: PostgresConnection) async throws(PostgresError) -> Int {
        let sql = """
            WITH lapsed AS (
                UPDATE \(schema.runsTable) AS r SET
                    status = 'timed_out', finished_at = now(), lease_expires_at = NULL,
                    last_error = jsonb_build_object(
                        'message', 'worker ' || COALESCE(r.worker_id, '?') || ' stopped heartbeating during the last attempt ('
                            || r.attempt || ' of ' || r.max_attempts || ', heartbeat timeout ' || r.heartbeat_timeout || ')',
                        'type', 'HeartbeatTimeout', 'non_retryable', false, 'attempt', r.attempt)
                WHERE r.lease_expires_at < now() AND r.status = 'running' AND r.max_attempts > 0
                    AND r.attempt >= r.max_attempts AND r.task_queue = ANY ($1::text[])
                    AND r.worker_id IS DISTINCT FROM $3
                RETURNING r.run_id)
            SELECT (SELECT count(*) FROM lapsed),
                (SELECT count(pg_notify($2, a.ids)) FROM (
                    SELECT CASE WHEN count(*) > 200 THEN '*' ELSE string_agg(run_id::text, ',') END AS ids FROM lapsed) AS a
                WHERE a.ids IS NOT NULL)
            """
        let rows = try await connection.query(sql, [.stringArray(taskQueues), .string(schema.doneChannel), .string(workerID)])
        return try rows.scalar(Int.self)
    }
}
