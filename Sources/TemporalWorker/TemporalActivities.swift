import Foundation
import JSON
import Logging
import TemporalAPI
import TemporalClient
import WorkflowDefinitions

/// One running activity attempt: the latest progress its heartbeats carry, and why it must stop.
actor ActivityAttempt {
    private(set) var progress: JSONValue?
    private(set) var stopReason: ActivityCancellation.Reason?
    private var work: Task<JSONValue, any Error>?

    func begin(_ work: Task<JSONValue, any Error>) {
        self.work = work
        if stopReason != nil { work.cancel() }
    }

    /// The activity's heartbeat: keeps `progress` for the next one sent and says whether to stop.
    func record(_ progress: JSONValue?) -> ActivityCancellation.Reason? {
        if let progress { self.progress = progress }
        return stopReason
    }

    /// Asks the attempt to stop: its next heartbeat throws, and its task is cancelled.
    func stop(_ reason: ActivityCancellation.Reason) {
        if stopReason == nil { stopReason = reason }
        work?.cancel()
    }
}

extension TemporalWorker {
    /// One activity slot: poll, run, report, again.
    func activityTaskLoop(_ client: TemporalClient) async {
        var failures = 0
        while !stopping {
            do throws(TemporalClientError) {
                guard let task = try await poll({ () async throws(TemporalClientError) in
                    try await client.pollActivityTask(taskQueue: self.configuration.taskQueue)
                }) else { continue }
                failures = 0
                await runActivity(task, client: client)
            } catch {
                if stopping { break }
                failures += 1
                await backOff(after: failures, error: error, doing: "polling activity tasks")
            }
        }
    }

    private func runActivity(_ task: Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse, client: TemporalClient) async {
        var activityLogger = logger
        let metadata: Logger.Metadata = [
            "workflow_id": .string(task.workflowExecution.workflowID), "run": .string(task.workflowExecution.runID),
            "type": .string(task.workflowType.name), "activity": .string(task.activityType.name), "attempt": .stringConvertible(task.attempt),
        ]
        for (key, value) in metadata { activityLogger[metadataKey: key] = value }
        logger.info("claimed", metadata: metadata)

        let outcome: Result<JSONValue, ApplicationError>
        let attempt = ActivityAttempt()
        if let registration = registry[task.workflowType.name] {
            let id = UUID()
            activities[id] = attempt
            outcome = await Self.execute(task, registration: registration, taskQueue: configuration.taskQueue, attempt: attempt, client: client,
                                         logger: activityLogger)
            activities[id] = nil
        } else {
            outcome = .failure(ApplicationError(
                message: "workflow type '\(task.workflowType.name)' is not registered on worker \(configuration.identity) (known: \(registry.typeNames.joined(separator: ", ")))",
                type: "NotRegistered"))
        }
        await report(outcome, of: task, attempt: attempt, client: client, metadata: metadata)
    }

    /// Runs the activity with a heartbeat beside it (every third of the heartbeat timeout) and the
    /// start-to-close deadline; the server's answers to the heartbeats can stop it.
    private static func execute(
        _ task: Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse, registration: WorkflowRegistration, taskQueue: String,
        attempt: ActivityAttempt, client: TemporalClient, logger: Logger
    ) async -> Result<JSONValue, ApplicationError> {
        let input: JSONValue
        do {
            input = try TemporalConversions.argument(task.input)
        } catch {
            return .failure(error)
        }
        let previous = task.heartbeatDetails.payloads.first.flatMap { try? JSONPayload.value(of: $0) }
        let context = ActivityContext(
            workflowID: task.workflowExecution.workflowID, runID: task.workflowExecution.runID, workflowType: task.workflowType.name,
            taskQueue: taskQueue, attempt: Int(task.attempt), maxAttempts: Int(task.retryPolicy.maximumAttempts),
            previousProgress: previous, logger: logger,
            report: { progress in await attempt.record(progress) })
        let work = Task { try await registration.activity.run(input, context: context) }
        await attempt.begin(work)

        let heartbeatTimeout = TemporalConversions.duration(task.heartbeatTimeout)
        let every = heartbeatTimeout > .zero ? max(heartbeatTimeout / 3, .milliseconds(200)) : .seconds(10)
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                if Task.isCancelled { return }
                do throws(TemporalClientError) {
                    if try await client.recordActivityHeartbeat(token: task.taskToken, details: await attempt.progress) {
                        logger.info("cancel requested; stopping the activity")
                        await attempt.stop(.cancelRequested)
                    }
                } catch .activityGone {
                    logger.warning("the server no longer has this attempt (timed out or its workflow closed); abandoning it")
                    await attempt.stop(.leaseLost)
                    return
                } catch {
                    logger.warning("heartbeat not recorded", metadata: ["error": .string(error.description)])
                }
            }
        }
        let startToClose = TemporalConversions.duration(task.startToCloseTimeout)
        let deadline = Task {
            guard startToClose > .zero else { return }
            try? await Task.sleep(for: startToClose)
            if !Task.isCancelled { await attempt.stop(.taskCancelled) }
        }
        let result = await work.result
        beats.cancel()
        deadline.cancel()
        switch result {
        case let .success(value): return .success(value)
        case let .failure(error as ApplicationError): return .failure(error)
        case let .failure(error as ActivityCancellation):
            // Stopped by shutdown or the deadline: retryable, so the server hands it on.
            return .failure(ApplicationError(message: error.description, type: "ActivityStopped"))
        case let .failure(error):
            return .failure(ApplicationError(message: String(describing: error), type: String(describing: type(of: error))))
        }
    }

    /// Answers the server, retrying an unreachable one for a while (the heartbeat timeout hands the
    /// attempt on if the answer never arrives). A stopped attempt whose server-side attempt is gone
    /// is not reported.
    private func report(
        _ outcome: Result<JSONValue, ApplicationError>, of task: Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse,
        attempt: ActivityAttempt, client: TemporalClient, metadata: Logger.Metadata
    ) async {
        if await attempt.stopReason == .leaseLost { return }
        let lastProgress = await attempt.progress
        var failures = 0
        while true {
            do throws(TemporalClientError) {
                switch outcome {
                case let .success(result):
                    try await client.completeActivityTask(token: task.taskToken, result: result)
                    logger.info("completed", metadata: metadata)
                case let .failure(error):
                    try await client.failActivityTask(token: task.taskToken, failure: TemporalConversions.failure(error), lastHeartbeat: lastProgress)
                    var failed = metadata
                    failed["error"] = .string(error.description)
                    failed["non_retryable"] = .stringConvertible(error.nonRetryable)
                    logger.warning("failed", metadata: failed)
                }
                return
            } catch .activityGone {
                logger.warning("outcome not reported: the server no longer has this attempt", metadata: metadata)
                return
            } catch {
                failures += 1
                guard failures < 6 else {
                    logger.error("outcome not reported; the server will time the attempt out", metadata: metadata)
                    return
                }
                await backOff(after: failures, error: error, doing: "reporting an activity outcome")
            }
        }
    }
}
