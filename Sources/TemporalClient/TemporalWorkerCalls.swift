import Foundation
import GRPCCore
import JSON
import SwiftProtobuf
import TemporalAPI

/// The calls a worker makes: long polls for workflow and activity tasks, and the answers to them.
/// Each takes and returns the generated messages, because a worker reads history events and writes
/// commands field by field; only the TemporalWorker module builds them.
extension TemporalClient {
    /// How long the server holds a poll open with nothing to hand out (a minute), plus slack.
    public static let pollTimeout: Duration = .seconds(75)

    /// Waits for a workflow task on `taskQueue`; nil when the poll ended without one.
    public func pollWorkflowTask(taskQueue: String) async throws(TemporalClientError) -> Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse? {
        var request = Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueRequest()
        request.namespace = namespace
        request.taskQueue = .normal(taskQueue)
        request.identity = identity
        let response = try await call("PollWorkflowTaskQueue", notFound: .namespaceNotFound(namespace: namespace, address: address)) {
            try await service.pollWorkflowTaskQueue(request, options: options(timeout: Self.pollTimeout))
        }
        return response.taskToken.isEmpty ? nil : response
    }

    /// The history events after `nextPageToken` (a workflow task's history comes in pages when long).
    public func historyPage(
        workflowID: String, runID: String, nextPageToken: Data
    ) async throws(TemporalClientError) -> (events: [Temporal_Api_History_V1_HistoryEvent], nextPageToken: Data) {
        var request = Temporal_Api_Workflowservice_V1_GetWorkflowExecutionHistoryRequest()
        request.namespace = namespace
        request.execution.workflowID = workflowID
        request.execution.runID = runID
        request.nextPageToken = nextPageToken
        let response = try await call(
            "GetWorkflowExecutionHistory", notFound: .workflowNotFound(workflowID: workflowID, namespace: namespace, address: address)
        ) {
            try await service.getWorkflowExecutionHistory(request, options: options)
        }
        return (response.history.events, response.nextPageToken)
    }

    /// Answers a workflow task with `commands`.
    public func completeWorkflowTask(token: Data, commands: [Temporal_Api_Command_V1_Command]) async throws(TemporalClientError) {
        var request = Temporal_Api_Workflowservice_V1_RespondWorkflowTaskCompletedRequest()
        request.namespace = namespace
        request.taskToken = token
        request.commands = commands
        request.identity = identity
        _ = try await call("RespondWorkflowTaskCompleted") {
            try await service.respondWorkflowTaskCompleted(request, options: options)
        }
    }

    /// Fails a workflow task (the server schedules it again); `failure` says why.
    public func failWorkflowTask(
        token: Data, cause: Temporal_Api_Enums_V1_WorkflowTaskFailedCause, failure: Temporal_Api_Failure_V1_Failure
    ) async throws(TemporalClientError) {
        var request = Temporal_Api_Workflowservice_V1_RespondWorkflowTaskFailedRequest()
        request.namespace = namespace
        request.taskToken = token
        request.cause = cause
        request.failure = failure
        request.identity = identity
        _ = try await call("RespondWorkflowTaskFailed") {
            try await service.respondWorkflowTaskFailed(request, options: options)
        }
    }

    /// Waits for an activity task on `taskQueue`; nil when the poll ended without one.
    public func pollActivityTask(taskQueue: String) async throws(TemporalClientError) -> Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse? {
        var request = Temporal_Api_Workflowservice_V1_PollActivityTaskQueueRequest()
        request.namespace = namespace
        request.taskQueue = .normal(taskQueue)
        request.identity = identity
        let response = try await call("PollActivityTaskQueue", notFound: .namespaceNotFound(namespace: namespace, address: address)) {
            try await service.pollActivityTaskQueue(request, options: options(timeout: Self.pollTimeout))
        }
        return response.taskToken.isEmpty ? nil : response
    }

    /// Records an activity's heartbeat with its progress; true when cancellation was requested.
    /// `.activityGone` when the server no longer has the attempt (timed out, or the workflow closed).
    public func recordActivityHeartbeat(token: Data, details: JSONValue?) async throws(TemporalClientError) -> Bool {
        var request = Temporal_Api_Workflowservice_V1_RecordActivityTaskHeartbeatRequest()
        request.namespace = namespace
        request.taskToken = token
        if let details { request.details = JSONPayload.payloads([details]) }
        request.identity = identity
        let response = try await call("RecordActivityTaskHeartbeat", notFound: .activityGone(address: address)) {
            try await service.recordActivityTaskHeartbeat(request, options: options)
        }
        return response.cancelRequested
    }

    /// Reports an activity attempt's result.
    public func completeActivityTask(token: Data, result: JSONValue) async throws(TemporalClientError) {
        var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskCompletedRequest()
        request.namespace = namespace
        request.taskToken = token
        request.result = JSONPayload.payloads([result])
        request.identity = identity
        _ = try await call("RespondActivityTaskCompleted", notFound: .activityGone(address: address)) {
            try await service.respondActivityTaskCompleted(request, options: options)
        }
    }

    /// Reports an activity attempt's failure; the server's retry policy decides what follows.
    public func failActivityTask(token: Data, failure: Temporal_Api_Failure_V1_Failure, lastHeartbeat: JSONValue?) async throws(TemporalClientError) {
        var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskFailedRequest()
        request.namespace = namespace
        request.taskToken = token
        request.failure = failure
        if let lastHeartbeat { request.lastHeartbeatDetails = JSONPayload.payloads([lastHeartbeat]) }
        request.identity = identity
        _ = try await call("RespondActivityTaskFailed", notFound: .activityGone(address: address)) {
            try await service.respondActivityTaskFailed(request, options: options)
        }
    }
}
