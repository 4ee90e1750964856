import Foundation
import JSON
import TemporalAPI
import TemporalClient
import WorkflowDefinitions

/// The PostgreSQL queue's client operations (`WorkflowClient`: start, list, describe, result,
/// cancel) against a Temporal namespace, answering with the same `WorkflowExecution` values so the
/// CLI prints the same output for either backend. Inputs are checked against the registry first,
/// as the queue's client checks them.
public struct TemporalWorkflowClient: Sendable {
    public let client: TemporalClient
    public let registry: WorkflowRegistry

    public init(client: TemporalClient, registry: WorkflowRegistry) {
        self.client = client
        self.registry = registry
    }

    /// Starts a workflow and returns its id. Refused while a run with the id is running; a closed
    /// one's id is reused (ALLOW_DUPLICATE, as the Go manager starts its Samplers).
    public func start(type: String, input: JSONValue, workflowID: String?, taskQueue: String) async throws -> String {
        _ = try registry.validated(type: type, input: input)
        let id = workflowID ?? UUID().uuidString.lowercased()
        _ = try await client.startWorkflow(type: type, id: id, taskQueue: taskQueue, input: input, idReusePolicy: .allowDuplicate)
        return id
    }

    /// Executions, newest first, optionally only of one status and type.
    public func list(status: WorkflowStatus?, type: String?, limit: Int) async throws(TemporalClientError) -> [WorkflowExecution] {
        var filters: [String] = []
        if let type { filters.append("WorkflowType = '\(type.replacingOccurrences(of: "'", with: "\\'"))'") }
        if let status { filters.append("ExecutionStatus = '\(Self.temporalStatus(status))'") }
        let found = try await client.listWorkflows(query: filters.joined(separator: " AND "), limit: limit)
        var executions: [WorkflowExecution] = []
        for description in found {
            executions.append(try await execution(description))
        }
        return executions
    }

    /// The latest run of `workflowID`.
    public func describe(_ workflowID: String) async throws(TemporalClientError) -> WorkflowExecution {
        try await execution(client.describeWorkflow(id: workflowID))
    }

    /// The latest run, once it has closed; with `wait` nil it answers at once, closed or not.
    public func result(_ workflowID: String, wait: Duration?) async throws(TemporalClientError) -> WorkflowExecution {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait ?? .zero)
        while true {
            let description = try await client.describeWorkflow(id: workflowID)
            if description.status != .running || clock.now >= deadline { return try await execution(description) }
            try? await Task.sleep(for: min(.milliseconds(250), clock.now.duration(to: deadline)))
        }
    }

    /// Requests cancellation of a running workflow; a closed one is reported as such.
    public func cancel(_ workflowID: String) async throws(TemporalClientError) -> WorkflowCancelOutcome {
        let current = try await describe(workflowID)
        if current.status.isFinished { return .alreadyFinished(current.status) }
        try await client.requestCancel(workflowID: workflowID, reason: "testbench workflow cancel")
        return .cancelRequested
    }

    // MARK: Temporal's view as a WorkflowExecution

    func execution(_ description: WorkflowDescription) async throws(TemporalClientError) -> WorkflowExecution {
        let events = try await client.workflowHistory(id: description.workflowID, runID: description.runID)
        return Self.execution(description, events: events)
    }

    /// The run as the queue would store it: attempts and worker from the activity's events, the
    /// result or last error from the closing event.
    static func execution(_ description: WorkflowDescription, events: [Temporal_Api_History_V1_HistoryEvent]) -> WorkflowExecution {
        let created = description.startTime ?? Date(timeIntervalSince1970: 0)
        var execution = WorkflowExecution(
            workflowID: description.workflowID, runID: description.runID, type: description.type, taskQueue: description.taskQueue,
            input: .object([:]), status: status(description.status), attempt: 0, maxAttempts: 0, scheduledAt: created, createdAt: created,
            finishedAt: description.closeTime)
        for event in events {
            switch event.attributes {
            case let .workflowExecutionStartedEventAttributes(attributes)?:
                execution.input = (try? TemporalConversions.argument(attributes.input)) ?? .null
            case let .activityTaskScheduledEventAttributes(attributes)?:
                execution.maxAttempts = Int(attributes.retryPolicy.maximumAttempts)
            case let .activityTaskStartedEventAttributes(attributes)?:
                execution.attempt = Int(attributes.attempt)
                execution.workerID = attributes.identity
                execution.startedAt = event.eventTime.date
                if attributes.hasLastFailure { execution.lastError = failure(attributes.lastFailure, attempt: Int(attributes.attempt) - 1) }
            case let .workflowExecutionCompletedEventAttributes(attributes)?:
                execution.result = try? TemporalConversions.argument(attributes.result)
            case let .workflowExecutionFailedEventAttributes(attributes)?:
                execution.lastError = failure(attributes.failure, attempt: execution.attempt)
            case .workflowExecutionCancelRequestedEventAttributes?:
                execution.cancelRequested = true
            default:
                break
            }
        }
        return execution
    }

    static func failure(_ failure: Temporal_Api_Failure_V1_Failure, attempt: Int) -> WorkflowFailure {
        WorkflowFailure(error: TemporalConversions.applicationError(failure), attempt: attempt)
    }

    static func status(_ status: WorkflowDescription.Status) -> WorkflowStatus {
        switch status {
        case .running, .paused, .unspecified: .running
        case .completed, .continuedAsNew: .completed
        case .failed: .failed
        case .canceled, .terminated: .canceled
        case .timedOut: .timedOut
        }
    }

    /// The visibility query's spelling of a status.
    static func temporalStatus(_ status: WorkflowStatus) -> String {
        switch status {
        case .queued, .running: "Running"
        case .completed: "Completed"
        case .failed: "Failed"
        case .canceled: "Canceled"
        case .timedOut: "TimedOut"
        }
    }
}
