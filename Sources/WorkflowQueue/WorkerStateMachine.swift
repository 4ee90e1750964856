import WorkflowDefinitions
import JSON
import Postgres

/// Every decision a `WorkflowWorker` makes, as a value: events go in (a claim came back, a
/// heartbeat was answered, an attempt ended, the timer fired, a notification arrived, shutdown
/// was asked for) and actions come out (claim, heartbeat, release, cancel an attempt, stop). The
/// worker performs the I/O and reports back, so these rules are testable without a database
/// (the shape of postgres-nio's `ConnectionStateMachine`). Time is passed in, never read.
struct WorkerStateMachine: Sendable {
    /// One attempt this worker holds (its task lives in the worker).
    struct Attempt: Sendable {
        let job: ClaimedJob
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

    /// Serving, or shutting down: no more claims; at `graceDeadline` the leftovers are released.
    enum Phase: Sendable, Equatable {
        case serving
        case draining(graceDeadline: ContinuousClock.Instant, released: Bool)
    }

    /// What the worker does next in its dispatch loop.
    enum Step: Sendable {
        /// Shutdown is complete: every attempt ended (or was released and given its short while).
        case stop
        /// The grace period is over: cancel these attempts and hand them back to the queue.
        case release([AttemptKey])
        /// Extend the leases of these attempts and store their progress.
        case heartbeat([Heartbeat])
        /// Time out runs whose worker vanished during their last attempt (then claim, reclaiming lapsed runs).
        case timeOutLapsedFinalAttempts
        /// Store these outcomes and claim up to `limit` runs, in one round trip.
        case completeAndClaim(batch: [Completion], limit: Int, reclaimLapsed: Bool)
        /// Nothing to do until a wake-up (notification, timer, an attempt ending).
        case wait
    }

    /// A run and the attempt this worker holds of it.
    struct AttemptKey: Sendable, Hashable {
        let runID: String
        let attempt: Int
    }

    /// An attempt the worker must stop, and why (for its log line).
    struct Stop: Sendable, Equatable {
        let runID: String
        let reason: ActivityCancellation.Reason
    }

    /// What to do after a failed statement.
    struct FailureAction: Sendable, Equatable {
        /// The connection is unusable: close it; the next statement opens a new one.
        let closeConnection: Bool
        /// How long to wait before the loop goes on.
        let backOff: Duration
    }

    /// Why the timer fired: what it decided, and whether the dispatch loop must wake.
    struct Tick: Sendable {
        /// Attempts past their start-to-close deadline: their outcome is recorded; cancel their tasks.
        var timedOut: [Decided] = []
        var wake = false
    }

    /// An outcome turned into a completion to store, with the attempt it is about (for logs).
    struct Decided: Sendable {
        let job: ClaimedJob
        let completion: Completion
    }

    let maxConcurrentJobs: Int
    let pollInterval: Duration
    private(set) var attempts: [String: Attempt] = [:]
    private(set) var completions: [Completion] = []
    private(set) var phase: Phase = .serving
    /// False only after a claim came back short with no notification since it was sent.
    private(set) var workMayBeWaiting = true
    private(set) var pollDue = true
    private(set) var heartbeatDue = false
    private var notificationCount = 0
    private var notificationsAtClaim = 0
    /// A poll's lapsed-lease reclaim is on its way (timeout sweep sent, claim not yet answered).
    private var reclaimPending = false
    private var lastPoll: ContinuousClock.Instant
    private var lastHeartbeat: ContinuousClock.Instant

    /// After release, how long leftover attempts may take to end before the worker stops anyway:
    /// one that ignores cancellation must not hold the process.
    static let releaseWait: Duration = .seconds(2)
    /// The pause after a failed statement before trying again.
    static let failureBackOff: Duration = .seconds(1)

    init(maxConcurrentJobs: Int, pollInterval: Duration, now: ContinuousClock.Instant) {
        self.maxConcurrentJobs = maxConcurrentJobs
        self.pollInterval = pollInterval
        lastPoll = now
        lastHeartbeat = now
    }

    var isShuttingDown: Bool { phase != .serving }

    // MARK: - Dispatch loop

    /// The next thing the dispatch loop does; call again after performing it (and after each wake-up).
    mutating func nextStep(now: ContinuousClock.Instant) -> Step {
        if case let .draining(deadline, released) = phase {
            if now >= deadline, !released {
                phase = .draining(graceDeadline: deadline, released: true)
                var leftovers: [AttemptKey] = []
                for (runID, attempt) in attempts where attempt.isHeldInDatabase {
                    attempts[runID]?.released = true
                    leftovers.append(AttemptKey(runID: runID, attempt: attempt.job.attempt))
                }
                return .release(leftovers.sorted { $0.runID < $1.runID })
            }
            if completions.isEmpty && (attempts.isEmpty || (released && now >= deadline.advanced(by: Self.releaseWait))) {
                return .stop
            }
        }
        if heartbeatDue {
            heartbeatDue = false
            lastHeartbeat = now
            let beats = attempts.values.filter(\.isHeldInDatabase)
                .map { Heartbeat(runID: $0.job.runID, attempt: $0.job.attempt, progress: $0.pendingProgress) }
            if !beats.isEmpty { return .heartbeat(beats.sorted { $0.runID < $1.runID }) }
        }
        if pollDue && !isShuttingDown && !reclaimPending {
            pollDue = false
            workMayBeWaiting = true
            reclaimPending = true
            return .timeOutLapsedFinalAttempts
        }
        let free = isShuttingDown ? 0 : max(0, maxConcurrentJobs - attempts.count)
        let limit = workMayBeWaiting ? free : 0
        if !completions.isEmpty || limit > 0 {
            let batch = completions
            completions = []
            notificationsAtClaim = notificationCount
            return .completeAndClaim(batch: batch, limit: limit, reclaimLapsed: reclaimPending)
        }
        reclaimPending = false
        return .wait
    }

    /// The claim round trip succeeded: the claimed runs are held from `now` on; the worker starts them.
    mutating func claimed(_ jobs: [ClaimedJob], limit: Int, now: ContinuousClock.Instant) {
        reclaimPending = false
        if limit > 0, jobs.count < limit, notificationCount == notificationsAtClaim {
            workMayBeWaiting = false
        }
        for job in jobs {
            attempts[job.runID] = Attempt(job: job, deadline: now.advanced(by: job.startToCloseTimeout))
        }
    }

    /// The claim round trip failed: its outcomes go back to the front of the queue, a poll's
    /// reclaim is tried again, and the connection is dropped if it is lost.
    mutating func claimFailed(_ batch: [Completion], error: PostgresError) -> FailureAction {
        completions = batch + completions
        if reclaimPending { pollDue = true }
        reclaimPending = false
        return databaseFailed(error)
    }

    /// Any failed statement: reconnect when the connection is lost; always pause before going on.
    func databaseFailed(_ error: PostgresError) -> FailureAction {
        FailureAction(closeConnection: error.isConnectionLost, backOff: Self.failureBackOff)
    }

    /// The heartbeat was stored; `held` maps each run still ours to whether cancel was requested.
    /// Returns the attempts to stop: cancelled on request, or lost to another worker.
    mutating func heartbeatsAnswered(_ beats: [Heartbeat], held: [String: Bool]) -> [Stop] {
        var stops: [Stop] = []
        for beat in beats {
            guard var attempt = attempts[beat.runID], attempt.isHeldInDatabase else { continue }
            if attempt.pendingProgress == beat.progress { attempt.pendingProgress = nil }
            if let cancelRequested = held[beat.runID] {
                if cancelRequested && !attempt.cancelRequested {
                    attempt.cancelRequested = true
                    stops.append(Stop(runID: beat.runID, reason: .cancelRequested))
                }
            } else {
                attempt.leaseLost = true
                stops.append(Stop(runID: beat.runID, reason: .leaseLost))
            }
            attempts[beat.runID] = attempt
        }
        return stops
    }

    // MARK: - Events

    /// A NOTIFY on the wake channel: "cancel" asks for a heartbeat (to learn of the cancel),
    /// anything else says work was queued.
    mutating func notified(payload: String?) {
        if payload == "cancel" {
            heartbeatDue = true
        } else {
            notificationCount += 1
            workMayBeWaiting = true
        }
    }

    /// Stops claiming; attempts may run until `now + grace`. A later, shorter request brings the
    /// deadline forward. True the first time (the worker logs it).
    mutating func requestShutdown(grace: Duration, now: ContinuousClock.Instant) -> Bool {
        let deadline = now.advanced(by: grace)
        switch phase {
        case .serving:
            phase = .draining(graceDeadline: deadline, released: false)
            return true
        case let .draining(current, released):
            if deadline < current { phase = .draining(graceDeadline: deadline, released: released) }
            return false
        }
    }

    /// The activity's heartbeat: keeps `progress` for the next batch heartbeat and says whether to stop.
    mutating func activityHeartbeat(_ runID: String, progress: JSONValue?) -> ActivityCancellation.Reason? {
        guard var attempt = attempts[runID] else { return .taskCancelled }
        if let progress {
            attempt.pendingProgress = progress
            attempts[runID] = attempt
        }
        if attempt.cancelRequested { return .cancelRequested }
        if attempt.leaseLost { return .leaseLost }
        if attempt.released || attempt.outcomeRecorded { return .taskCancelled }
        return nil
    }

    /// The attempt's task returned: frees its slot; returns the completion to store unless the
    /// outcome was already decided (timed out, released, lease lost).
    mutating func attemptEnded(_ runID: String, _ outcome: AttemptOutcome) -> Decided? {
        let decided = record(runID, outcome)
        attempts[runID] = nil
        return decided
    }

    /// The timer: raises the poll and heartbeat flags when due, times out attempts past their
    /// deadline, and wakes the loop for those and for the grace deadline.
    mutating func tick(now: ContinuousClock.Instant) -> Tick {
        var tick = Tick()
        if now >= lastPoll.advanced(by: pollInterval) {
            lastPoll = now
            pollDue = true
            tick.wake = true
        }
        if let period = heartbeatPeriod, now >= lastHeartbeat.advanced(by: period) {
            heartbeatDue = true
            tick.wake = true
        }
        if case let .draining(deadline, _) = phase, now >= deadline { tick.wake = true }
        for (runID, attempt) in attempts.sorted(by: { $0.key < $1.key }) where attempt.isHeldInDatabase && attempt.deadline <= now {
            if let decided = record(runID, .timedOut) { tick.timedOut.append(decided) }
        }
        return tick
    }

    /// When the timer should fire next: the next poll, heartbeat, grace deadline or attempt deadline.
    func nextTimerDeadline() -> ContinuousClock.Instant {
        var next = lastPoll.advanced(by: pollInterval)
        if let period = heartbeatPeriod { next = min(next, lastHeartbeat.advanced(by: period)) }
        if case let .draining(deadline, false) = phase { next = min(next, deadline) }
        if let deadline = attempts.values.filter(\.isHeldInDatabase).map(\.deadline).min() { next = min(next, deadline) }
        return next
    }

    /// A third of the shortest heartbeat timeout among held attempts (50 ms … 10 s; at most 1 s
    /// while progress waits to be stored, so describe shows it promptly); nil when idle.
    var heartbeatPeriod: Duration? {
        let held = attempts.values.filter(\.isHeldInDatabase)
        guard let shortest = held.map(\.job.heartbeatTimeout).min() else { return nil }
        let ceiling: Duration = held.contains { $0.pendingProgress != nil } ? .seconds(1) : .seconds(10)
        return min(max(shortest / 3, .milliseconds(50)), ceiling)
    }

    // MARK: - Outcomes

    /// Turns an outcome into a queued completion (retry, failure, timeout, cancel) once per attempt.
    private mutating func record(_ runID: String, _ outcome: AttemptOutcome) -> Decided? {
        guard var attempt = attempts[runID], attempt.isHeldInDatabase else { return nil }
        attempt.outcomeRecorded = true
        attempts[runID] = attempt
        let job = attempt.job
        let completion: Completion
        func make(_ status: WorkflowStatus, result: JSONValue? = nil, error: WorkflowFailure? = nil, retryDelay: Duration = .zero) -> Completion {
            Completion(runID: runID, attempt: job.attempt, status: status, result: result, error: error, retryDelay: retryDelay,
                       progress: attempt.pendingProgress)
        }
        func failOrRetry(_ failure: WorkflowFailure, finalStatus: WorkflowStatus) -> Completion {
            if job.retryPolicy.isFinal(failureType: failure.type, nonRetryable: failure.nonRetryable, afterAttempt: job.attempt) {
                return make(finalStatus, error: failure)
            }
            return make(.queued, error: failure, retryDelay: job.retryPolicy.delay(afterAttempt: job.attempt))
        }
        switch outcome {
        case let .succeeded(result):
            if let problem = result.jsonbProblem {
                completion = failOrRetry(
                    WorkflowFailure(message: "the result cannot be stored as JSON: \(problem)", type: "InvalidResult", nonRetryable: true, attempt: job.attempt),
                    finalStatus: .failed)
            } else {
                completion = make(.completed, result: result)
            }
        case let .threw(failure):
            completion = attempt.cancelRequested
                ? make(.canceled, error: WorkflowFailure(message: "canceled on request", type: "Canceled", nonRetryable: true, attempt: job.attempt))
                : failOrRetry(failure, finalStatus: .failed)
        case .timedOut:
            completion = failOrRetry(
                WorkflowFailure(message: "attempt \(job.attempt) exceeded its start-to-close timeout of \(job.startToCloseTimeout.inSeconds) s",
                                type: "StartToCloseTimeout", nonRetryable: false, attempt: job.attempt),
                finalStatus: .timedOut)
        }
        completions.append(completion)
        return Decided(job: job, completion: completion)
    }
}
