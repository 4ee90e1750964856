import Foundation
import JSON
import TemporalAPI
import TemporalClient
import WorkflowDefinitions

/// A workflow task's answer.
enum WorkflowTaskAnswer: Sendable {
    /// Complete the task with these commands (none: nothing to do until the next event).
    case commands([Temporal_Api_Command_V1_Command])
    /// Fail the task; the server schedules it again, so a worker that knows the type can take it.
    case fail(cause: Temporal_Api_Enums_V1_WorkflowTaskFailedCause, message: String)
}

/// The workflow side of a definition on Temporal: given the whole history, what to do next. A pure
/// function of the history and the registry, so any worker — one that replaced a killed one
/// included — decides the same from the same events, as Temporal's replay requires.
///
/// Steps, as the original's workflows run them: validate the input (a bad one fails the workflow,
/// non-retryable), schedule the activity with the definition's options, and once it ends start the
/// follow-up's children, wait until each start is answered (a child whose parent closed first may
/// never start), then complete with the follow-up's result or fail with the activity's failure.
/// A cancel request before the activity ends cancels the workflow.
struct WorkflowTaskDecider: Sendable {
    let registry: WorkflowRegistry

    func decide(workflowType: String, events: [Temporal_Api_History_V1_HistoryEvent]) -> WorkflowTaskAnswer {
        guard let registration = registry[workflowType] else {
            return .fail(cause: .workflowWorkerUnhandledFailure, message:
                "workflow type \"\(workflowType)\" is not registered on this worker (known: \(registry.typeNames.joined(separator: ", ")))")
        }
        let history = WorkflowHistory(events)
        guard let started = history.started else {
            return .fail(cause: .workflowWorkerUnhandledFailure, message: "the history has no WorkflowExecutionStarted event")
        }
        if history.closed { return .commands([]) }

        let input: JSONValue
        do {
            input = try TemporalConversions.argument(started.input)
            try registration.validate(input)
        } catch {
            return .commands([Self.failWorkflow(TemporalConversions.failure(
                ApplicationError(message: "\(workflowType): \(error.message)", type: error.type, nonRetryable: true)))])
        }

        guard let end = history.activityEnd else {
            if history.cancelRequested { return .commands([Self.cancelWorkflow()]) }
            if history.activityScheduled == nil {
                return .commands([Self.scheduleActivity(registration, input: started.input, activityInput: input, taskQueue: started.taskQueue.name)])
            }
            return .commands([])
        }

        let outcome: ActivityOutcome
        let closing: Temporal_Api_Command_V1_Command
        switch end {
        case let .completed(payloads):
            do {
                let result = try TemporalConversions.argument(payloads)
                outcome = .completed(result)
                closing = Self.completeWorkflow(registration.followUp.result(result))
            } catch {
                outcome = .failed(error)
                closing = Self.failWorkflow(TemporalConversions.failure(error))
            }
        case let .failed(failure, scheduled, startedID, retryState):
            outcome = .failed(TemporalConversions.applicationError(failure))
            closing = Self.failWorkflow(Self.activityFailure(
                "Activity task failed", cause: failure, scheduled: scheduled, started: startedID, retryState: retryState, history: history))
        case let .timedOut(failure, scheduled, startedID, retryState):
            outcome = .failed(TemporalConversions.applicationError(failure))
            closing = Self.failWorkflow(Self.activityFailure(
                "Activity task timed out", cause: failure, scheduled: scheduled, started: startedID, retryState: retryState, history: history))
        case .canceled:
            return .commands([Self.cancelWorkflow()])
        }

        let children = registration.followUp.children(input, outcome)
        let toStart = children.filter { history.childrenInitiated[$0.workflowID] == nil }
        let waiting = children.contains { child in
            history.childrenInitiated[child.workflowID].map { !history.childrenAnswered.contains($0) } ?? false
        }
        if !toStart.isEmpty || waiting {
            return .commands(toStart.map { Self.startChild($0, parentQueue: started.taskQueue.name) })
        }
        return .commands([closing])
    }

    // MARK: Commands

    static func scheduleActivity(
        _ registration: WorkflowRegistration, input: Temporal_Api_Common_V1_Payloads, activityInput: JSONValue, taskQueue: String
    ) -> Temporal_Api_Command_V1_Command {
        var attributes = Temporal_Api_Command_V1_ScheduleActivityTaskCommandAttributes()
        // The SDKs number a workflow's activities from 1; this workflow has one.
        attributes.activityID = "1"
        attributes.activityType.name = registration.activityType(activityInput)
        attributes.taskQueue = .normal(taskQueue)
        attributes.input = input
        attributes.startToCloseTimeout = TemporalConversions.duration(registration.options.startToCloseTimeout)
        attributes.heartbeatTimeout = TemporalConversions.duration(registration.options.heartbeatTimeout)
        attributes.retryPolicy = TemporalConversions.retryPolicy(registration.options.retryPolicy)
        var command = Temporal_Api_Command_V1_Command()
        command.commandType = .scheduleActivityTask
        command.scheduleActivityTaskCommandAttributes = attributes
        return command
    }

    static func startChild(_ child: ChildWorkflowStart, parentQueue: String) -> Temporal_Api_Command_V1_Command {
        var attributes = Temporal_Api_Command_V1_StartChildWorkflowExecutionCommandAttributes()
        attributes.workflowID = child.workflowID
        attributes.workflowType.name = child.type
        attributes.taskQueue = .normal(child.taskQueue ?? parentQueue)
        attributes.input = JSONPayload.payloads([child.input])
        attributes.workflowExecutionTimeout = TemporalConversions.duration(child.executionTimeout)
        attributes.workflowTaskTimeout = TemporalConversions.duration(child.taskTimeout)
        attributes.parentClosePolicy = .abandon
        attributes.workflowIDReusePolicy = switch child.idReuse {
        case .allowDuplicate: .allowDuplicate
        case .allowDuplicateFailedOnly: .allowDuplicateFailedOnly
        }
        attributes.retryPolicy = TemporalConversions.retryPolicy(RetryPolicy(maximumAttempts: 1))
        var command = Temporal_Api_Command_V1_Command()
        command.commandType = .startChildWorkflowExecution
        command.startChildWorkflowExecutionCommandAttributes = attributes
        return command
    }

    static func completeWorkflow(_ result: JSONValue) -> Temporal_Api_Command_V1_Command {
        var command = Temporal_Api_Command_V1_Command()
        command.commandType = .completeWorkflowExecution
        var attributes = Temporal_Api_Command_V1_CompleteWorkflowExecutionCommandAttributes()
        attributes.result = JSONPayload.payloads([result])
        command.completeWorkflowExecutionCommandAttributes = attributes
        return command
    }

    static func failWorkflow(_ failure: Temporal_Api_Failure_V1_Failure) -> Temporal_Api_Command_V1_Command {
        var command = Temporal_Api_Command_V1_Command()
        command.commandType = .failWorkflowExecution
        var attributes = Temporal_Api_Command_V1_FailWorkflowExecutionCommandAttributes()
        attributes.failure = failure
        command.failWorkflowExecutionCommandAttributes = attributes
        return command
    }

    static func cancelWorkflow() -> Temporal_Api_Command_V1_Command {
        var command = Temporal_Api_Command_V1_Command()
        command.commandType = .cancelWorkflowExecution
        command.cancelWorkflowExecutionCommandAttributes = Temporal_Api_Command_V1_CancelWorkflowExecutionCommandAttributes()
        return command
    }

    /// The workflow's failure when its activity failed, as the SDKs write it: an activity failure
    /// whose cause is the activity's own.
    static func activityFailure(
        _ message: String, cause: Temporal_Api_Failure_V1_Failure, scheduled: Int64, started: Int64,
        retryState: Temporal_Api_Enums_V1_RetryState, history: WorkflowHistory
    ) -> Temporal_Api_Failure_V1_Failure {
        var info = Temporal_Api_Failure_V1_ActivityFailureInfo()
        info.scheduledEventID = scheduled
        info.startedEventID = started
        info.activityType = history.activityScheduled?.activityType ?? Temporal_Api_Common_V1_ActivityType()
        info.activityID = history.activityScheduled?.activityID ?? ""
        info.retryState = retryState
        var failure = Temporal_Api_Failure_V1_Failure()
        failure.message = message
        failure.source = TemporalConversions.failureSource
        failure.cause = cause
        failure.activityFailureInfo = info
        return failure
    }
}
