import JSON
import Logging

/// An attempt this worker runs.
struct RunningJob {
    let job: ClaimedJob
    let task: Task<Void, Never>
    /// When the start-to-close timeout ends this attempt.
    let deadline: ContinuousClock.Instant
    var pendingProgress: JSONValue?
    var cancelRequested = false
    /// The outcome is stored or queued for storing; the task may still be winding down.
    var outcomeRecorded = false
    var leaseLost = false
    var released = false

    /// True while the database row is still this worker's running attempt to heartbeat.
    var isHeldInDatabase: Bool { !outcomeRecorded && !leaseLost && !released }
}

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
    func start(_ job: ClaimedJob) {
        logger.info("claimed", metadata: job.logMetadata)
        guard let registration = registry[job.type] else {
            let failure = WorkflowFailure(
                message: "workflow type '\(job.type)' is not registered on worker \(configuration.workerID) (known: \(registry.typeNames.joined(separator: ", ")))",
                type: "NotRegistered", nonRetryable: false, attempt: job.attempt)
            let placeholder = Task<Void, Never> {}
            running[job.runID] = RunningJob(job: job, task: placeholder, deadline: clock.now)
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
        let activity = registration.activity
        let task = Task.detached { [self] in
            await Self.execute(job, activity: activity, context: context, worker: self)
        }
        running[runID] = RunningJob(job: job, task: task, deadline: clock.now.advanced(by: job.startToCloseTimeout))
    }

    /// Runs the attempt; the worker's timer enforces the start-to-close timeout by cancelling this task.
    nonisolated static func execute(_ job: ClaimedJob, activity: any WorkflowActivity, context: ActivityContext, worker: WorkflowWorker) async {
        let outcome: AttemptOutcome
        do {
            outcome = .succeeded(try await activity.run(job.input, context: context))
        } catch {
            outcome = .threw(WorkflowFailure(error: error, attempt: job.attempt))
        }
        await worker.jobEnded(job.runID, outcome)
    }

    /// Times out attempts past their start-to-close deadline: the outcome is stored at once; the
    /// slot stays taken until the cancelled activity actually returns.
    func timeOutOverdueAttempts() {
        let now = clock.now
        for (runID, job) in running where job.isHeldInDatabase && job.deadline <= now {
            recordOutcome(runID, .timedOut)
            job.task.cancel()
        }
    }

    /// The activity's heartbeat: keeps its progress for the next batch heartbeat and says whether to stop.
    func recordHeartbeat(_ runID: String, _ progress: JSONValue?) -> ActivityCancellation.Reason? {
        guard var job = running[runID] else { return .taskCancelled }
        if let progress {
            if let problem = progress.jsonbProblem {
                logger.warning("progress not stored: \(problem)", metadata: job.job.logMetadata)
            } else {
                job.pendingProgress = progress
                running[runID] = job
            }
        }
        if job.cancelRequested { return .cancelRequested }
        if job.leaseLost { return .leaseLost }
        if job.released || job.outcomeRecorded { return .taskCancelled }
        return nil
    }

    /// The task ended: frees the slot and stores the outcome unless it was already decided.
    func jobEnded(_ runID: String, _ outcome: AttemptOutcome) {
        recordOutcome(runID, outcome)
        running[runID] = nil
        wake()
    }

    /// Turns an outcome into a stored completion (retry, failure, timeout, cancel) once per attempt.
    func recordOutcome(_ runID: String, _ outcome: AttemptOutcome) {
        guard var entry = running[runID], entry.isHeldInDatabase else { return }
        entry.outcomeRecorded = true
        running[runID] = entry
        let job = entry.job
        func complete(_ status: WorkflowStatus, result: JSONValue? = nil, error: WorkflowFailure? = nil, retryDelay: Duration = .zero) {
            completions.append(Completion(
                runID: runID, attempt: job.attempt, status: status, result: result, error: error, retryDelay: retryDelay,
                progress: entry.pendingProgress))
        }
        func failOrRetry(_ failure: WorkflowFailure, finalStatus: WorkflowStatus) {
            var metadata = job.logMetadata
            metadata["error"] = .string(failure.description)
            if failure.nonRetryable || !job.retryPolicy.allowsRetry(of: failure.type) || job.retryPolicy.isExhausted(afterAttempt: job.attempt) {
                complete(finalStatus, error: failure)
                logger.warning(finalStatus == .timedOut ? "timed out" : "failed", metadata: metadata)
            } else {
                let delay = job.retryPolicy.delay(afterAttempt: job.attempt)
                complete(.queued, error: failure, retryDelay: delay)
                metadata["retry_in_seconds"] = .stringConvertible(delay.inSeconds)
                logger.info("retried", metadata: metadata)
            }
        }
        switch outcome {
        case let .succeeded(result):
            if let problem = result.jsonbProblem {
                failOrRetry(
                    WorkflowFailure(message: "the result cannot be stored as JSON: \(problem)", type: "InvalidResult", nonRetryable: true, attempt: job.attempt),
                    finalStatus: .failed)
            } else {
                complete(.completed, result: result)
                logger.info("completed", metadata: job.logMetadata)
            }
        case let .threw(failure):
            if entry.cancelRequested {
                complete(.canceled, error: WorkflowFailure(message: "canceled on request", type: "Canceled", nonRetryable: true, attempt: job.attempt))
                logger.info("canceled", metadata: job.logMetadata)
            } else {
                failOrRetry(failure, finalStatus: .failed)
            }
        case .timedOut:
            let failure = WorkflowFailure(
                message: "attempt \(job.attempt) exceeded its start-to-close timeout of \(job.startToCloseTimeout.inSeconds) s",
                type: "StartToCloseTimeout", nonRetryable: false, attempt: job.attempt)
            failOrRetry(failure, finalStatus: .timedOut)
        }
        wake()
    }
}
