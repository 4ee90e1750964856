import Foundation
import TemporalAPI

/// What a workflow execution's history says has happened, read event by event. A definition here
/// has one activity and then children it does not wait for, so this is all a decision needs.
struct WorkflowHistory: Sendable {
    /// How the one activity ended.
    enum ActivityEnd: Sendable {
        case completed(Temporal_Api_Common_V1_Payloads)
        /// The retry policy gave up (or the failure was non-retryable); `failure` is the last attempt's.
        case failed(Temporal_Api_Failure_V1_Failure, scheduledEventID: Int64, startedEventID: Int64, retryState: Temporal_Api_Enums_V1_RetryState)
        case timedOut(Temporal_Api_Failure_V1_Failure, scheduledEventID: Int64, startedEventID: Int64, retryState: Temporal_Api_Enums_V1_RetryState)
        case canceled
    }

    var started: Temporal_Api_History_V1_WorkflowExecutionStartedEventAttributes?
    var activityScheduled: Temporal_Api_History_V1_ActivityTaskScheduledEventAttributes?
    var activityEnd: ActivityEnd?
    var cancelRequested = false
    /// Child workflow id → the event id of its StartChildWorkflowExecutionInitiated event.
    var childrenInitiated: [String: Int64] = [:]
    /// Initiated event ids whose start was answered (the child started, or its start failed).
    var childrenAnswered: Set<Int64> = []
    var closed = false

    init(_ events: [Temporal_Api_History_V1_HistoryEvent]) {
        for event in events { read(event) }
    }

    private mutating func read(_ event: Temporal_Api_History_V1_HistoryEvent) {
        switch event.attributes {
        case let .workflowExecutionStartedEventAttributes(attributes)?:
            started = attributes
        case let .activityTaskScheduledEventAttributes(attributes)?:
            activityScheduled = attributes
        case let .activityTaskCompletedEventAttributes(attributes)?:
            activityEnd = .completed(attributes.result)
        case let .activityTaskFailedEventAttributes(attributes)?:
            activityEnd = .failed(attributes.failure, scheduledEventID: attributes.scheduledEventID,
                                  startedEventID: attributes.startedEventID, retryState: attributes.retryState)
        case let .activityTaskTimedOutEventAttributes(attributes)?:
            activityEnd = .timedOut(attributes.failure, scheduledEventID: attributes.scheduledEventID,
                                    startedEventID: attributes.startedEventID, retryState: attributes.retryState)
        case .activityTaskCanceledEventAttributes?:
            activityEnd = .canceled
        case .workflowExecutionCancelRequestedEventAttributes?:
            cancelRequested = true
        case let .startChildWorkflowExecutionInitiatedEventAttributes(attributes)?:
            childrenInitiated[attributes.workflowID] = event.eventID
        case let .childWorkflowExecutionStartedEventAttributes(attributes)?:
            childrenAnswered.insert(attributes.initiatedEventID)
        case let .startChildWorkflowExecutionFailedEventAttributes(attributes)?:
            childrenAnswered.insert(attributes.initiatedEventID)
        case .workflowExecutionCompletedEventAttributes?, .workflowExecutionFailedEventAttributes?, .workflowExecutionTimedOutEventAttributes?,
             .workflowExecutionTerminatedEventAttributes?, .workflowExecutionCanceledEventAttributes?:
            closed = true
        default:
            break
        }
    }
}
