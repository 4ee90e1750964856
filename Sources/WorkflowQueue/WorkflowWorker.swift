import Foundation
import JSON
import Logging
import Postgres

/// How one worker claims and runs jobs.
public struct WorkflowWorkerConfiguration: Sendable {
    /// Queues served, claimed in this order when several have work.
    public var taskQueues: [String]
    /// Attempts run at once.
    public var maxConcurrentJobs: Int
    /// Fallback polling when no notification arrives (also how due retries are noticed).
    public var pollInterval: Duration
    /// On graceful shutdown, how long running attempts may take to finish before they are released.
    public var gracePeriod: Duration
    /// Identifies this worker in the `worker_id` column and logs.
    public var workerID: String
    public var schema: WorkflowQueueSchema

    /// A configuration; the worker id defaults to `host:pid:random`.
    public init(
        taskQueues: [String] = ["default"], maxConcurrentJobs: Int = 4, pollInterval: Duration = .seconds(1),
        gracePeriod: Duration = .seconds(10), workerID: String? = nil, schema: WorkflowQueueSchema = .default
    ) {
        self.taskQueues = taskQueues
        self.maxConcurrentJobs = maxConcurrentJobs
        self.pollInterval = pollInterval
        self.gracePeriod = gracePeriod
        self.workerID = workerID ?? Self.defaultWorkerID()
        self.schema = schema
    }

    static func defaultWorkerID() -> String {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
    }

    func validate() throws(WorkflowQueueError) {
        guard !taskQueues.isEmpty else { throw .invalidArgument("a worker needs at least one task queue") }
        for queue in taskQueues { try WorkflowQueueNames.validateTaskQueue(queue) }
        guard maxConcurrentJobs >= 1 else { throw .invalidArgument("max concurrent jobs must be at least 1, got \(maxConcurrentJobs)") }
        guard pollInterval > .zero else { throw .invalidArgument("poll interval must be positive") }
        guard gracePeriod >= .zero else { throw .invalidArgument("grace period must not be negative") }
        guard !workerID.isEmpty else { throw .invalidArgument("worker id must not be empty") }
    }
}

/// Claims runs from its task queues in batches (`FOR UPDATE SKIP LOCKED`), wakes on
/// LISTEN/NOTIFY with a polling fallback, runs up to `maxConcurrentJobs` activities at once,
/// heartbeats them in one statement, and stores outcomes (retry with backoff, failure,
/// timeout, cancel) in the same round trip as the next claim. Shaped like a
/// swift-service-lifecycle `Service`: `run()` until `beginGracefulShutdown()` or cancellation.
public actor WorkflowWorker {
    /// The worker's settings.
    public nonisolated let configuration: WorkflowWorkerConfiguration
    let uri: String
    let registry: WorkflowRegistry
    let logger: Logger
    let store: WorkerStore
    let clock = ContinuousClock()

    var connection: PostgresConnection?
    var running: [String: RunningJob] = [:]
    var completions: [Completion] = []
    var hasRun = false

    // Wake-up state of the dispatch loop.
    var wakeContinuation: CheckedContinuation<Void, Never>?
    var wakePending = false
    /// False only after a claim came back short with no notification since it was sent.
    var workMayBeWaiting = true
    var notificationCount = 0
    var pollDue = true
    var heartbeatDue = false
    var lastPoll: ContinuousClock.Instant
    var lastHeartbeat: ContinuousClock.Instant
    var shutdownRequested = false
    var graceDeadline: ContinuousClock.Instant?
    var releasedLeftovers = false

    /// A worker running `registry`'s activities against the database at `uri` (a
    /// `postgresql://` URI or keyword string). Nothing connects until `run()`.
    public init(uri: String, registry: WorkflowRegistry, configuration: WorkflowWorkerConfiguration, logger: Logger = Logger(label: "workflow-worker")) throws(WorkflowQueueError) {
        try configuration.validate()
        self.uri = uri
        self.registry = registry
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker_id"] = .string(configuration.workerID)
        self.logger = logger
        self.store = WorkerStore(schema: configuration.schema, workerID: configuration.workerID, taskQueues: configuration.taskQueues)
        let now = ContinuousClock().now
        lastPoll = now
        lastHeartbeat = now
    }

    /// Connects, applies migrations, then claims and runs jobs until a graceful shutdown has
    /// finished or the calling task is cancelled (which shuts down with no grace period).
    /// Throws when the database cannot be reached at start.
    public func run() async throws(WorkflowQueueError) {
        guard !hasRun else { throw .invalidArgument("a WorkflowWorker runs once; create a new one") }
        hasRun = true
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(uri: uri)
        } catch {
            throw .database(error)
        }
        try await configuration.schema.migrate(on: connection)
        self.connection = connection
        logger.info("worker started", metadata: [
            "task_queues": .string(configuration.taskQueues.joined(separator: ",")),
            "max_workers": .stringConvertible(configuration.maxConcurrentJobs),
            "schema": .string(configuration.schema.name),
        ])
        let listener = Task { await self.listenForWork() }
        let timer = Task { await self.runTimer() }
        await withTaskCancellationHandler {
            await dispatch()
        } onCancel: {
            Task { await self.requestShutdown(grace: .zero) }
        }
        listener.cancel()
        timer.cancel()
        await listener.value
        await timer.value
        for job in running.values { job.task.cancel() }
        await self.connection?.close()
        self.connection = nil
        logger.info("worker stopped")
    }

    /// Stops claiming, lets running attempts finish within the grace period, then releases
    /// the rest to the queue (attempt not counted) so another worker takes them at once.
    public nonisolated func beginGracefulShutdown() {
        Task { await self.requestShutdown(grace: configuration.gracePeriod) }
    }

    /// Attempts currently held (running or finishing), for logs and tests.
    public var runningCount: Int { running.count }

    func requestShutdown(grace: Duration) {
        let deadline = clock.now.advanced(by: grace)
        if !shutdownRequested {
            shutdownRequested = true
            graceDeadline = deadline
            logger.info("graceful shutdown: no more claims", metadata: [
                "running": .stringConvertible(running.count), "grace_seconds": .stringConvertible(grace.inSeconds),
            ])
        } else if let current = graceDeadline, deadline < current {
            graceDeadline = deadline
        }
        wake()
    }

    // MARK: - Dispatch loop

    private func dispatch() async {
        while true {
            if shutdownRequested {
                if let deadline = graceDeadline, clock.now >= deadline, !releasedLeftovers {
                    await releaseLeftovers()
                }
                if completions.isEmpty && (running.isEmpty || (releasedLeftovers && isPastReleaseWait)) { return }
            }
            if heartbeatDue {
                heartbeatDue = false
                await sendHeartbeats()
            }
            var reclaimLapsed = false
            if pollDue && !shutdownRequested {
                pollDue = false
                workMayBeWaiting = true
                reclaimLapsed = true
                await timeOutLapsedFinalAttempts()
            }
            let free = shutdownRequested ? 0 : max(0, configuration.maxConcurrentJobs - running.count)
            let limit = workMayBeWaiting ? free : 0
            if !completions.isEmpty || limit > 0 {
                if await completeAndClaim(limit: limit, reclaimLapsed: reclaimLapsed) { continue }
                if reclaimLapsed { pollDue = true }
            }
            await waitForWake()
            // Attempts that ended together all report before the next batch is built, so it is bigger.
            await Task.yield()
        }
    }

    /// Leftover attempts get a short while to end after release; one that ignores cancellation must not hold the process.
    private var isPastReleaseWait: Bool {
        guard let deadline = graceDeadline else { return false }
        return clock.now >= deadline.advanced(by: .seconds(2))
    }

    /// One round trip; false when it failed (and the caller should wait before retrying).
    private func completeAndClaim(limit: Int, reclaimLapsed: Bool) async -> Bool {
        let batch = completions
        completions = []
        let notificationsBefore = notificationCount
        do throws(PostgresError) {
            let connection = try await liveConnection()
            let claimed = try await store.completeAndClaim(batch, limit: limit, reclaimLapsed: reclaimLapsed, on: connection)
            if limit > 0, claimed.count < limit, notificationCount == notificationsBefore {
                workMayBeWaiting = false
            }
            for job in claimed { start(job) }
            return true
        } catch {
            completions = batch + completions
            await databaseFailed(error, doing: "storing \(batch.count) outcome(s) and claiming work")
            return false
        }
    }

    private func timeOutLapsedFinalAttempts() async {
        do throws(PostgresError) {
            let count = try await store.timeOutLapsedFinalAttempts(on: try await liveConnection())
            if count > 0 {
                logger.warning("timed out runs whose worker vanished during their last attempt", metadata: ["count": .stringConvertible(count)])
            }
        } catch {
            await databaseFailed(error, doing: "timing out lapsed final attempts")
        }
    }

    private func sendHeartbeats() async {
        let beats = running.values.filter(\.isHeldInDatabase).map { Heartbeat(runID: $0.job.runID, attempt: $0.job.attempt, progress: $0.pendingProgress) }
        lastHeartbeat = clock.now
        guard !beats.isEmpty else { return }
        let held: [String: Bool]
        do throws(PostgresError) {
            held = try await store.heartbeat(beats, on: try await liveConnection())
        } catch {
            await databaseFailed(error, doing: "heartbeating \(beats.count) running attempt(s)")
            return
        }
        for beat in beats {
            guard var job = running[beat.runID], job.isHeldInDatabase else { continue }
            if job.pendingProgress == beat.progress { job.pendingProgress = nil }
            if let cancelRequested = held[beat.runID] {
                if cancelRequested && !job.cancelRequested {
                    job.cancelRequested = true
                    job.task.cancel()
                    logger.info("cancel requested; stopping the activity", metadata: job.job.logMetadata)
                }
            } else {
                job.leaseLost = true
                job.task.cancel()
                logger.warning("lease lost: the run was taken over or finished elsewhere; abandoning this attempt", metadata: job.job.logMetadata)
            }
            running[beat.runID] = job
        }
    }

    private func releaseLeftovers() async {
        releasedLeftovers = true
        var leftovers: [(runID: String, attempt: Int)] = []
        for (runID, var job) in running where job.isHeldInDatabase {
            job.released = true
            job.task.cancel()
            running[runID] = job
            leftovers.append((runID, job.job.attempt))
        }
        guard !leftovers.isEmpty else { return }
        do throws(PostgresError) {
            let count = try await store.release(leftovers, on: try await liveConnection())
            for leftover in leftovers {
                logger.info("released", metadata: ["run": .string(leftover.runID), "attempt": .stringConvertible(leftover.attempt)])
            }
            logger.info("grace period over; released unfinished attempts to the queue", metadata: ["count": .stringConvertible(count)])
        } catch {
            logger.error("could not release unfinished attempts; they return to the queue when their leases expire", metadata: [
                "error": .string(error.description),
            ])
        }
    }

    private func liveConnection() async throws(PostgresError) -> PostgresConnection {
        if let connection { return connection }
        let fresh = try await PostgresConnection.connect(uri: uri)
        connection = fresh
        return fresh
    }

    private func databaseFailed(_ error: PostgresError, doing what: String) async {
        logger.error("database error while \(what); retrying in 1 s", metadata: ["error": .string(error.description)])
        if error.isConnectionLost {
            await connection?.close()
            connection = nil
        }
        try? await Task.sleep(for: .seconds(1))
    }

    // MARK: - Wake-ups

    private func waitForWake() async {
        if wakePending {
            wakePending = false
            return
        }
        await withCheckedContinuation { wakeContinuation = $0 }
    }

    func wake() {
        if let continuation = wakeContinuation {
            wakeContinuation = nil
            continuation.resume()
        } else {
            wakePending = true
        }
    }

    private func notified(_ payload: String?) {
        if payload == "cancel" {
            heartbeatDue = true
        } else {
            notificationCount += 1
            workMayBeWaiting = true
        }
        wake()
    }

    private func listenForWork() async {
        while !Task.isCancelled {
            var listener: PostgresConnection?
            do throws(PostgresError) {
                let connection = try await PostgresConnection.connect(uri: uri)
                listener = connection
                try await connection.listen(configuration.schema.wakeChannel)
                // Work queued while no one listened sent its notification to nobody.
                notified(nil)
                while !Task.isCancelled {
                    if let notification = try await connection.waitForNotification(timeout: .seconds(5)) {
                        notified(notification.payload)
                    }
                }
            } catch {
                if !Task.isCancelled {
                    logger.error("listener connection failed; reconnecting in 1 s (polling continues)", metadata: ["error": .string(error.description)])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            await listener?.close()
        }
    }

    /// Raises the poll and heartbeat flags when due, times out overdue attempts, and wakes the
    /// loop at the grace deadline.
    private func runTimer() async {
        while !Task.isCancelled {
            let now = clock.now
            var next = lastPoll.advanced(by: configuration.pollInterval)
            if let period = heartbeatPeriod { next = min(next, lastHeartbeat.advanced(by: period)) }
            if let deadline = graceDeadline, !releasedLeftovers { next = min(next, deadline) }
            if let deadline = running.values.filter(\.isHeldInDatabase).map(\.deadline).min() { next = min(next, deadline) }
            // Re-evaluated at least every 250 ms, so a newly claimed job's shorter period takes effect.
            let delay = min(max(now.duration(to: next), .milliseconds(5)), .milliseconds(250))
            try? await Task.sleep(for: delay)
            let after = clock.now
            var due = false
            if after >= lastPoll.advanced(by: configuration.pollInterval) {
                lastPoll = after
                pollDue = true
                due = true
            }
            if let period = heartbeatPeriod, after >= lastHeartbeat.advanced(by: period) {
                heartbeatDue = true
                due = true
            }
            if let deadline = graceDeadline, after >= deadline { due = true }
            timeOutOverdueAttempts()
            if due { wake() }
        }
    }

    /// A third of the shortest heartbeat timeout among held attempts (50 ms … 10 s; at most 1 s
    /// while progress waits to be stored, so describe shows it promptly); nil when idle.
    private var heartbeatPeriod: Duration? {
        let held = running.values.filter(\.isHeldInDatabase)
        guard let shortest = held.map(\.job.heartbeatTimeout).min() else { return nil }
        let ceiling: Duration = held.contains { $0.pendingProgress != nil } ? .seconds(1) : .seconds(10)
        return min(max(shortest / 3, .milliseconds(50)), ceiling)
    }
}
