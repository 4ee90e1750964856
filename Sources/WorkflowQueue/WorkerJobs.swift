import WorkflowDefinitions
import JSON
import Logging

/// How one attempt ended.
enum AttemptOutcome: Sendable {
    case succeeded(JSONValue)
    case threw(WorkflowFailure)
    case timedOut
}

extension ClaimedJob {
    var logMetadata: Logger.Metadata {
        ["workflow_id": .string(workflowID), "run": .string(runID), "attempt": .stringConvertible(attempt), "type": .string(type)]
    }
}

extension WorkflowWorker {
    /// Runs a claimed attempt in a task of its own (the state machine already holds it).
    func start(_ job: ClaimedJob) {
        logger.info("claimed", metadata: job.logMetadata)
        guard let registration = registry[job.type] else {
            let failure = WorkflowFailure(
                message: "workflow type '\(job.type)' is not registered on worker \(configuration.workerID) (known: \(registry.typeNames.joined(separator: ", ")))",
                type: "NotRegistered", nonRetryable: false, attempt: job.attempt)
            jobEnded(job.runID, .threw(failure))
            return
        }
        let runID = job.runID
        var activityLogger = logger
        for (key, value) in job.logMetadata { activityLogger[metadataKey: key] = value }
        let context = ActivityContext(
            workflowID: job.workflowID, runID: runID, workflowType: job.type, taskQueue: job.taskQueue, attempt: job.attempt,
            maxAttempts: job.maxAttempts, previousProgress: job.progress, logger: activityLogger,
            report: { [self] progress in await self.recordHeartbeat(runID, progress) })
        let children = childClient
        tasks[runID] = Task.detached { [self] in
            await Self.execute(job, registration: registration, context: context, children: children, worker: self)
        }
    }

    /// Runs the attempt, then the definition's follow-up once the run's outcome is final (a result,
    /// or a failure no retry follows); the worker's timer enforces the start-to-close timeout by
    /// cancelling this task.
    nonisolated static func execute(
        _ job: ClaimedJob, registration: WorkflowRegistration, context: ActivityContext, children: WorkflowClient, worker: WorkflowWorker
    ) async {
        let outcome: AttemptOutcome
        do {
            let result = try await registration.activity.run(job.input, context: context)
            await startChildren(registration.followUp.children(job.input, .completed(result)), client: children, logger: context.logger)
            outcome = .succeeded(registration.followUp.result(result))
        } catch {
            let failure = WorkflowFailure(error: error, attempt: job.attempt)
            if !(error is ActivityCancellation),
               job.retryPolicy.isFinal(failureType: failure.type, nonRetryable: failure.nonRetryable, afterAttempt: job.attempt) {
                await startChildren(registration.followUp.children(job.input, .failed(failure.applicationError)), client: children, logger: context.logger)
            }
            outcome = .threw(failure)
        }
        await worker.jobEnded(job.runID, outcome)
    }

    /// Queues each child; one that is refused (its id is queued or running, or its type is not
    /// registered here) is logged and passed over, as the original's workflows do.
    nonisolated static func startChildren(_ starts: [ChildWorkflowStart], client: WorkflowClient, logger: Logger) async {
        for child in starts {
            do {
                _ = try await client.start(type: child.type, input: child.input, workflowID: child.workflowID, taskQueue: child.taskQueue)
                logger.info("started child workflow", metadata: ["child_type": .string(child.type), "child_id": .string(child.workflowID)])
            } catch {
                logger.warning("could not start child workflow", metadata: [
                    "child_type": .string(child.type), "child_id": .string(child.workflowID), "error": .string(error.description),
                ])
            }
        }
    }

    /// The activity's heartbeat: keeps its progress for the next batch heartbeat and says whether to stop.
    func recordHeartbeat(_ runID: String, _ progress: JSONValue?) -> ActivityCancellation.Reason? {
        var storable = progress
        if let problem = progress?.jsonbProblem {
            logger.warning("progress not stored: \(problem)", metadata: state.attempts[runID]?.job.logMetadata ?? ["run": .string(runID)])
            storable = nil
        }
        return state.activityHeartbeat(runID, progress: storable)
    }

    /// The task ended: frees the slot and stores the outcome unless it was already decided.
    func jobEnded(_ runID: String, _ outcome: AttemptOutcome) {
        if let decided = state.attemptEnded(runID, outcome) { logDecision(decided) }
        tasks[runID] = nil
        wake()
    }

    /// One log line per decided outcome.
    func logDecision(_ decided: WorkerStateMachine.Decided) {
        var metadata = decided.job.logMetadata
        let completion = decided.completion
        if let error = completion.error, completion.status != .canceled { metadata["error"] = .string(error.description) }
        switch completion.status {
        case .completed: logger.info("completed", metadata: metadata)
        case .canceled: logger.info("canceled", metadata: metadata)
        case .queued:
            metadata["retry_in_seconds"] = .stringConvertible(completion.retryDelay.inSeconds)
            logger.info("retried", metadata: metadata)
        case .timedOut: logger.warning("timed out", metadata: metadata)
        default: logger.warning("failed", metadata: metadata)
        }
    }
}
