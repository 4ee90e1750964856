import WorkflowDefinitions
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
        for queue in taskQueues { try queueError { () throws(WorkflowDefinitionError) in try WorkflowNames.validateTaskQueue(queue) } }
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
    /// Starts the children of definitions with a follow-up, on the same database.
    let childClient: WorkflowClient
    private let childPool: PostgresConnectionPool

    /// Every decision; this actor only performs the I/O it asks for.
    var state: WorkerStateMachine
    var connection: PostgresConnection?
    /// The task of each attempt the state machine holds.
    var tasks: [String: Task<Void, Never>] = [:]
    var hasRun = false
    var wakeContinuation: CheckedContinuation<Void, Never>?
    var wakePending = false

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
        childPool = PostgresConnectionPool(uri: uri, maxConnections: 2)
        childClient = WorkflowClient(pool: childPool, registry: registry, schema: configuration.schema)
        state = WorkerStateMachine(maxConcurrentJobs: configuration.maxConcurrentJobs, pollInterval: configuration.pollInterval,
                                   now: ContinuousClock().now)
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
        for task in tasks.values { task.cancel() }
        await self.connection?.close()
        self.connection = nil
        await childPool.close()
        logger.info("worker stopped")
    }

    /// Stops claiming, lets running attempts finish within the grace period, then releases
    /// the rest to the queue (attempt not counted) so another worker takes them at once.
    public nonisolated func beginGracefulShutdown() {
        Task { await self.requestShutdown(grace: configuration.gracePeriod) }
    }

    /// Attempts currently held (running or finishing), for logs and tests.
    public var runningCount: Int { state.attempts.count }

    func requestShutdown(grace: Duration) {
        if state.requestShutdown(grace: grace, now: clock.now) {
            logger.info("graceful shutdown: no more claims", metadata: [
                "running": .stringConvertible(state.attempts.count), "grace_seconds": .stringConvertible(grace.inSeconds),
            ])
        }
        wake()
    }

    // MARK: - Dispatch loop

    private func dispatch() async {
        while true {
            switch state.nextStep(now: clock.now) {
            case .stop:
                return
            case let .release(leftovers):
                await release(leftovers)
            case let .heartbeat(beats):
                await sendHeartbeats(beats)
            case .timeOutLapsedFinalAttempts:
                await timeOutLapsedFinalAttempts()
            case let .completeAndClaim(batch, limit, reclaimLapsed):
                await completeAndClaim(batch, limit: limit, reclaimLapsed: reclaimLapsed)
            case .wait:
                await waitForWake()
                // Attempts that ended together all report before the next batch is built, so it is bigger.
                await Task.yield()
            }
        }
    }

    /// One round trip: store outcomes, claim, start what was claimed.
    private func completeAndClaim(_ batch: [Completion], limit: Int, reclaimLapsed: Bool) async {
        do throws(PostgresError) {
            let connection = try await liveConnection()
            let claimed = try await store.completeAndClaim(batch, limit: limit, reclaimLapsed: reclaimLapsed, on: connection)
            state.claimed(claimed, limit: limit, now: clock.now)
            for job in claimed { start(job) }
        } catch {
            await perform(state.claimFailed(batch, error: error), error: error, doing: "storing \(batch.count) outcome(s) and claiming work")
            // A failed claim waits for the next wake-up, as an idle loop does.
            await waitForWake()
        }
    }

    private func timeOutLapsedFinalAttempts() async {
        do throws(PostgresError) {
            let count = try await store.timeOutLapsedFinalAttempts(on: try await liveConnection())
            if count > 0 {
                logger.warning("timed out runs whose worker vanished during their last attempt", metadata: ["count": .stringConvertible(count)])
            }
        } catch {
            await perform(state.databaseFailed(error), error: error, doing: "timing out lapsed final attempts")
        }
    }

    private func sendHeartbeats(_ beats: [Heartbeat]) async {
        let held: [String: Bool]
        do throws(PostgresError) {
            held = try await store.heartbeat(beats, on: try await liveConnection())
        } catch {
            await perform(state.databaseFailed(error), error: error, doing: "heartbeating \(beats.count) running attempt(s)")
            return
        }
        for stop in state.heartbeatsAnswered(beats, held: held) {
            tasks[stop.runID]?.cancel()
            let metadata = state.attempts[stop.runID]?.job.logMetadata ?? ["run": .string(stop.runID)]
            switch stop.reason {
            case .cancelRequested:
                logger.info("cancel requested; stopping the activity", metadata: metadata)
            default:
                logger.warning("lease lost: the run was taken over or finished elsewhere; abandoning this attempt", metadata: metadata)
            }
        }
    }

    private func release(_ leftovers: [WorkerStateMachine.AttemptKey]) async {
        for leftover in leftovers { tasks[leftover.runID]?.cancel() }
        guard !leftovers.isEmpty else { return }
        do throws(PostgresError) {
            let count = try await store.release(leftovers.map { ($0.runID, $0.attempt) }, on: try await liveConnection())
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

    private func perform(_ action: WorkerStateMachine.FailureAction, error: PostgresError, doing what: String) async {
        logger.error("database error while \(what); retrying in \(action.backOff.inSeconds) s", metadata: ["error": .string(error.description)])
        if action.closeConnection {
            await connection?.close()
            connection = nil
        }
        try? await Task.sleep(for: action.backOff)
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
        state.notified(payload: payload)
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

    /// Sleeps until the state machine's next deadline (re-evaluated at least every 250 ms, so a
    /// newly claimed job's shorter period takes effect), then lets it decide.
    private func runTimer() async {
        while !Task.isCancelled {
            let delay = min(max(clock.now.duration(to: state.nextTimerDeadline()), .milliseconds(5)), .milliseconds(250))
            try? await Task.sleep(for: delay)
            let tick = state.tick(now: clock.now)
            for decided in tick.timedOut {
                tasks[decided.job.runID]?.cancel()
                logDecision(decided)
            }
            if tick.wake || !tick.timedOut.isEmpty { wake() }
        }
    }
}
