import Foundation
import JSON

/// One run of a workflow as a backend reports it: what `describe`, `list` and `result` return,
/// the same for the PostgreSQL queue and Temporal.
public struct WorkflowExecution: Sendable, Hashable {
    public var workflowID: String
    public var runID: String
    public var type: String
    public var taskQueue: String
    public var input: JSONValue
    public var status: WorkflowStatus
    /// Attempts started so far (0 while never started).
    public var attempt: Int
    /// 0 means unlimited.
    public var maxAttempts: Int
    /// When the run is next eligible to start (later than now while backing off).
    public var scheduledAt: Date
    public var createdAt: Date
    /// When the current (latest) attempt started.
    public var startedAt: Date?
    public var finishedAt: Date?
    public var heartbeatAt: Date?
    public var leaseExpiresAt: Date?
    /// The worker running (or last running) the run.
    public var workerID: String?
    public var progress: JSONValue?
    public var result: JSONValue?
    public var lastError: WorkflowFailure?
    public var cancelRequested: Bool

    /// A run as another backend (Temporal) reports it, for the same `describe`, `list` and `result` output.
    public init(
        workflowID: String, runID: String, type: String, taskQueue: String, input: JSONValue, status: WorkflowStatus, attempt: Int,
        maxAttempts: Int, scheduledAt: Date, createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, heartbeatAt: Date? = nil,
        leaseExpiresAt: Date? = nil, workerID: String? = nil, progress: JSONValue? = nil, result: JSONValue? = nil,
        lastError: WorkflowFailure? = nil, cancelRequested: Bool = false
    ) {
        self.workflowID = workflowID
        self.runID = runID
        self.type = type
        self.taskQueue = taskQueue
        self.input = input
        self.status = status
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.scheduledAt = scheduledAt
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.heartbeatAt = heartbeatAt
        self.leaseExpiresAt = leaseExpiresAt
        self.workerID = workerID
        self.progress = progress
        self.result = result
        self.lastError = lastError
        self.cancelRequested = cancelRequested
    }

    /// Everything as a JSON object (timestamps in ISO 8601 UTC), for `describe --json`.
    public var json: JSONValue {
        var object = JSONObject()
        object["workflow_id"] = .string(workflowID)
        object["run_id"] = .string(runID)
        object["type"] = .string(type)
        object["task_queue"] = .string(taskQueue)
        object["status"] = .string(status.rawValue)
        object["attempt"] = .int(attempt)
        object["max_attempts"] = .int(maxAttempts)
        object["cancel_requested"] = .bool(cancelRequested)
        object["created_at"] = Self.timestamp(createdAt)
        object["scheduled_at"] = Self.timestamp(scheduledAt)
        object["started_at"] = Self.timestamp(startedAt)
        object["finished_at"] = Self.timestamp(finishedAt)
        object["heartbeat_at"] = Self.timestamp(heartbeatAt)
        object["lease_expires_at"] = Self.timestamp(leaseExpiresAt)
        object["worker_id"] = workerID.map { .string($0) } ?? .null
        object["input"] = input
        object["progress"] = progress ?? .null
        object["result"] = result ?? .null
        object["last_error"] = lastError?.json ?? .null
        return .object(object)
    }

    /// `2026-01-02T03:04:05.678Z`, or null.
    public static func timestamp(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(iso8601(date))
    }

    /// `2026-01-02T03:04:05.678Z`.
    public static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().timeSeparator(.colon).time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

