import JSON
import Postgres
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

/// The worker's decisions without a database: events in, actions out, time passed in.
@Suite struct WorkerStateMachineTests {
    static let start = ContinuousClock.now

    static func at(_ seconds: Double) -> ContinuousClock.Instant { start.advanced(by: .seconds(seconds)) }

    static func job(
        _ runID: String, attempt: Int = 1, maxAttempts: Int = 3, startToClose: Duration = .seconds(60), heartbeat: Duration = .seconds(30),
        nonRetryableTypes: [String] = []
    ) -> ClaimedJob {
        ClaimedJob(
            runID: runID, workflowID: "wf-\(runID)", type: "Sleep", taskQueue: "default", input: [:], attempt: attempt, maxAttempts: maxAttempts,
            startToCloseTimeout: startToClose, heartbeatTimeout: heartbeat,
            retryPolicy: RetryPolicy(maximumAttempts: maxAttempts, initialInterval: .seconds(2), nonRetryableErrorTypes: nonRetryableTypes),
            progress: nil)
    }

    /// A machine past its first poll, with `jobs` claimed at t = 0.
    static func serving(slots: Int = 2, jobs: [ClaimedJob] = []) -> WorkerStateMachine {
        var machine = WorkerStateMachine(maxConcurrentJobs: slots, pollInterval: .seconds(1), now: start)
        #expect(machine.nextStep(now: start).isTimeOut)
        #expect(machine.nextStep(now: start).claim?.reclaimLapsed == true)
        machine.claimed(jobs, limit: slots, now: start)
        return machine
    }

    static func failure(_ type: String = "Boom", nonRetryable: Bool = false) -> WorkflowFailure {
        WorkflowFailure(message: "it broke", type: type, nonRetryable: nonRetryable, attempt: 1)
    }

    // MARK: - Claiming

    @Test func theFirstPollTimesOutLapsedRunsThenClaimsEverySlotReclaimingLapsedLeases() {
        var machine = WorkerStateMachine(maxConcurrentJobs: 3, pollInterval: .seconds(1), now: Self.start)
        #expect(machine.nextStep(now: Self.start).isTimeOut)
        let claim = machine.nextStep(now: Self.start).claim
        #expect(claim?.limit == 3 && claim?.batch.isEmpty == true && claim?.reclaimLapsed == true)
    }

    @Test(arguments: [(3, 1, 2), (3, 3, 0), (1, 1, 0), (4, 0, 4)])
    func claimsOnlyFreeSlots(slots: Int, held: Int, expectedLimit: Int) {
        var machine = Self.serving(slots: slots, jobs: (0..<held).map { Self.job("r\($0)") })
        machine.notified(payload: "default")
        let step = machine.nextStep(now: Self.at(0.1))
        if expectedLimit == 0 {
            #expect(step.isWait, "\(step)")
        } else {
            #expect(step.claim?.limit == expectedLimit)
            #expect(step.claim?.reclaimLapsed == false, "only a poll reclaims lapsed leases")
        }
    }

    @Test func aShortClaimWithoutNotificationStopsClaimingUntilWorkIsAnnounced() {
        var machine = Self.serving(slots: 4, jobs: [Self.job("a")])
        #expect(machine.workMayBeWaiting == false, "claimed 1 of 4: the queue is empty")
        #expect(machine.nextStep(now: Self.at(0.1)).isWait)
        machine.notified(payload: "default")
        #expect(machine.nextStep(now: Self.at(0.2)).claim?.limit == 3)
    }

    @Test func aNotificationDuringTheClaimKeepsClaiming() {
        var machine = WorkerStateMachine(maxConcurrentJobs: 4, pollInterval: .seconds(1), now: Self.start)
        _ = machine.nextStep(now: Self.start)
        _ = machine.nextStep(now: Self.start)
        machine.notified(payload: "default")
        machine.claimed([], limit: 4, now: Self.start)
        #expect(machine.workMayBeWaiting)
        #expect(machine.nextStep(now: Self.at(0.1)).claim?.limit == 4)
    }

    @Test func thePollTimerTriggersTheNextSweepAndReclaim() {
        var machine = Self.serving(slots: 2)
        #expect(machine.nextStep(now: Self.at(0.5)).isWait)
        #expect(machine.tick(now: Self.at(0.5)).wake == false)
        #expect(machine.tick(now: Self.at(1.0)).wake)
        #expect(machine.nextStep(now: Self.at(1.0)).isTimeOut)
        #expect(machine.nextStep(now: Self.at(1.0)).claim?.reclaimLapsed == true)
    }

    // MARK: - Outcomes

    @Test func aSuccessIsStoredWithTheNextClaimAndFreesTheSlot() {
        var machine = Self.serving(slots: 1, jobs: [Self.job("a")])
        #expect(machine.nextStep(now: Self.at(0.1)).isWait, "no free slot")
        let decided = machine.attemptEnded("a", .succeeded(["ok": true]))
        #expect(decided?.completion.status == .completed)
        #expect(machine.attempts.isEmpty)
        let claim = machine.nextStep(now: Self.at(0.2)).claim
        #expect(claim?.batch.map(\.runID) == ["a"] && claim?.batch.first?.result == ["ok": true])
        #expect(claim?.limit == 1, "the last claim filled every slot, so more work may be waiting")
    }

    @Test(arguments: [
        // attempt, max attempts, non-retryable flag, type in the policy's non-retryable list → status
        (1, 3, false, false, WorkflowStatus.queued),
        (3, 3, false, false, .failed),
        (1, 3, true, false, .failed),
        (1, 3, false, true, .failed),
        (5, 0, false, false, .queued),
    ])
    func aFailureIsRetriedUnderThePolicy(attempt: Int, maxAttempts: Int, nonRetryable: Bool, listed: Bool, status: WorkflowStatus) {
        var machine = Self.serving(jobs: [Self.job("a", attempt: attempt, maxAttempts: maxAttempts, nonRetryableTypes: listed ? ["Boom"] : [])])
        let completion = machine.attemptEnded("a", .threw(Self.failure(nonRetryable: nonRetryable)))?.completion
        #expect(completion?.status == status)
        #expect(completion?.error?.type == "Boom")
        #expect(completion?.retryDelay == (status == .queued ? RetryPolicy(initialInterval: .seconds(2)).delay(afterAttempt: attempt) : .zero))
    }

    @Test func aResultThatIsNotStorableJSONFailsTheRun() {
        var machine = Self.serving(jobs: [Self.job("a")])
        let completion = machine.attemptEnded("a", .succeeded(.string("nul \u{0} byte")))?.completion
        #expect(completion?.status == .failed)
        #expect(completion?.error?.type == "InvalidResult")
    }

    @Test func progressReportedByTheActivityTravelsWithTheHeartbeatAndTheOutcome() {
        var machine = Self.serving(jobs: [Self.job("a", heartbeat: .seconds(3))])
        #expect(machine.activityHeartbeat("a", progress: ["rows": 10]) == nil)
        #expect(machine.heartbeatPeriod == .seconds(1), "a third of 3 s, capped at 1 s while progress waits")
        #expect(machine.tick(now: Self.at(1)).wake)
        let beats = machine.nextStep(now: Self.at(1)).heartbeats
        #expect(beats?.map(\.progress) == [["rows": 10]])
        #expect(machine.heartbeatsAnswered(beats ?? [], held: ["a": false]).isEmpty)
        #expect(machine.attempts["a"]?.pendingProgress == nil, "stored progress is not sent again")
        _ = machine.activityHeartbeat("a", progress: ["rows": 20])
        #expect(machine.attemptEnded("a", .succeeded(.null))?.completion.progress == ["rows": 20])
    }

    // MARK: - Heartbeats, cancellation, lease loss

    @Test func heartbeatPeriodIsAThirdOfTheShortestTimeoutWithinBounds() {
        #expect(Self.serving().heartbeatPeriod == nil, "nothing to heartbeat when idle")
        #expect(Self.serving(jobs: [Self.job("a", heartbeat: .seconds(60)), Self.job("b", heartbeat: .seconds(9))]).heartbeatPeriod == .seconds(3))
        #expect(Self.serving(jobs: [Self.job("a", heartbeat: .milliseconds(30))]).heartbeatPeriod == .milliseconds(50))
        #expect(Self.serving(jobs: [Self.job("a", heartbeat: .seconds(600))]).heartbeatPeriod == .seconds(10))
    }

    @Test func aCancelRequestStopsTheAttemptAndItEndsCanceled() {
        var machine = Self.serving(jobs: [Self.job("a"), Self.job("b")])
        machine.notified(payload: "cancel")
        let beats = machine.nextStep(now: Self.at(0.1)).heartbeats
        #expect(beats?.map(\.runID) == ["a", "b"], "a cancel notification asks for a heartbeat at once")
        let stops = machine.heartbeatsAnswered(beats ?? [], held: ["a": true, "b": false])
        #expect(stops == [WorkerStateMachine.Stop(runID: "a", reason: .cancelRequested)])
        #expect(machine.activityHeartbeat("a", progress: nil) == .cancelRequested)
        #expect(machine.activityHeartbeat("b", progress: nil) == nil)
        #expect(machine.heartbeatsAnswered(beats ?? [], held: ["a": true, "b": false]).isEmpty, "asked once")
        let completion = machine.attemptEnded("a", .threw(Self.failure()))?.completion
        #expect(completion?.status == .canceled && completion?.error?.type == "Canceled")
    }

    @Test func aLostLeaseAbandonsTheAttemptWithoutStoringAnOutcome() {
        var machine = Self.serving(jobs: [Self.job("a")])
        machine.notified(payload: "cancel")
        let beats = machine.nextStep(now: Self.at(0.1)).heartbeats ?? []
        #expect(machine.heartbeatsAnswered(beats, held: [:]) == [WorkerStateMachine.Stop(runID: "a", reason: .leaseLost)])
        #expect(machine.activityHeartbeat("a", progress: nil) == .leaseLost)
        #expect(machine.attemptEnded("a", .succeeded(.null)) == nil, "another worker owns the run now")
        #expect(machine.completions.isEmpty)
    }

    @Test func anOverdueAttemptTimesOutOnceAndHoldsItsSlotUntilItReturns() {
        var machine = Self.serving(slots: 1, jobs: [Self.job("a", attempt: 1, maxAttempts: 1, startToClose: .seconds(5))])
        #expect(machine.tick(now: Self.at(4.9)).timedOut.isEmpty)
        #expect(machine.nextTimerDeadline() <= Self.at(5))
        let tick = machine.tick(now: Self.at(5))
        #expect(tick.timedOut.map(\.completion.status) == [.timedOut])
        #expect(tick.timedOut.first?.completion.error?.type == "StartToCloseTimeout")
        #expect(machine.tick(now: Self.at(6)).timedOut.isEmpty, "decided once")
        #expect(machine.activityHeartbeat("a", progress: nil) == .taskCancelled)
        #expect(machine.attempts.count == 1, "the slot stays taken until the cancelled activity returns")
        #expect(machine.nextStep(now: Self.at(6)).isTimeOut)
        let claim = machine.nextStep(now: Self.at(6)).claim
        #expect(claim?.limit == 0 && claim?.batch.map(\.status) == [.timedOut])
        #expect(machine.attemptEnded("a", .succeeded(.null)) == nil)
        #expect(machine.attempts.isEmpty)
    }

    @Test func anUnknownAttemptIsToldToStop() {
        var machine = Self.serving()
        #expect(machine.activityHeartbeat("gone", progress: nil) == .taskCancelled)
    }

    // MARK: - Shutdown

    @Test func shutdownStopsClaimingAndStopsWhenTheLastAttemptEnds() {
        var machine = Self.serving(slots: 3, jobs: [Self.job("a")])
        let first = machine.requestShutdown(grace: .seconds(10), now: Self.at(1))
        let second = machine.requestShutdown(grace: .seconds(10), now: Self.at(1))
        #expect(first && !second, "logged once")
        machine.notified(payload: "default")
        _ = machine.tick(now: Self.at(2))
        #expect(machine.nextStep(now: Self.at(2)).isWait, "no claims and no sweep while draining")
        _ = machine.attemptEnded("a", .succeeded(.null))
        let step = machine.nextStep(now: Self.at(3))
        #expect(step.claim?.batch.map(\.runID) == ["a"] && step.claim?.limit == 0, "the outcome is stored before stopping")
        #expect(machine.nextStep(now: Self.at(3)).isStop)
    }

    @Test func afterTheGracePeriodLeftoversAreReleasedOnceThenTheWorkerStops() {
        var machine = Self.serving(slots: 3, jobs: [Self.job("a"), Self.job("b", attempt: 2)])
        _ = machine.requestShutdown(grace: .seconds(10), now: Self.at(0))
        #expect(machine.nextStep(now: Self.at(9)).isWait)
        #expect(machine.tick(now: Self.at(10)).wake, "the grace deadline wakes the loop")
        let released = machine.nextStep(now: Self.at(10))
        #expect(released.released == [.init(runID: "a", attempt: 1), .init(runID: "b", attempt: 2)])
        #expect(machine.activityHeartbeat("a", progress: nil) == .taskCancelled)
        #expect(machine.nextStep(now: Self.at(10.5)).isWait, "released attempts get a short while to return")
        #expect(machine.attemptEnded("a", .threw(Self.failure())) == nil, "a released attempt stores no outcome")
        #expect(machine.nextStep(now: Self.at(12)).isStop, "one that ignores cancellation does not hold the worker")
    }

    @Test func aShorterShutdownRequestBringsTheDeadlineForward() {
        var machine = Self.serving(jobs: [Self.job("a")])
        _ = machine.requestShutdown(grace: .seconds(30), now: Self.at(0))
        _ = machine.requestShutdown(grace: .zero, now: Self.at(1))
        #expect(machine.nextStep(now: Self.at(1)).released?.map(\.runID) == ["a"])
        _ = machine.requestShutdown(grace: .seconds(60), now: Self.at(2))
        #expect(machine.phase == .draining(graceDeadline: Self.at(1), released: true), "a longer grace does not extend it")
    }

    // MARK: - Database failures

    @Test(arguments: [(PostgresError.Code.connectionLost, true), (.connectionClosed, true), (.server, false), (.connectionFailed, false)])
    func aFailedClaimKeepsItsOutcomesReconnectsWhenTheConnectionIsLostAndPollsAgain(code: PostgresError.Code, reconnect: Bool) {
        var machine = Self.serving(slots: 1, jobs: [Self.job("a")])
        _ = machine.attemptEnded("a", .succeeded(.null))
        _ = machine.tick(now: Self.at(1))
        #expect(machine.nextStep(now: Self.at(1)).isTimeOut)
        let claim = machine.nextStep(now: Self.at(1)).claim
        #expect(claim?.reclaimLapsed == true && claim?.batch.count == 1)
        let action = machine.claimFailed(claim?.batch ?? [], error: PostgresError(code: code, message: "down"))
        #expect(action == .init(closeConnection: reconnect, backOff: .seconds(1)))
        #expect(machine.completions.map(\.runID) == ["a"], "nothing is lost")
        #expect(machine.pollDue, "the reclaim is tried again")
        #expect(machine.nextStep(now: Self.at(2)).isTimeOut)
        let retry = machine.nextStep(now: Self.at(2)).claim
        #expect(retry?.batch.map(\.runID) == ["a"] && retry?.reclaimLapsed == true)
        machine.claimed([], limit: retry?.limit ?? 0, now: Self.at(2))
        #expect(machine.completions.isEmpty)
    }
}

extension WorkerStateMachine.Step {
    var isStop: Bool { if case .stop = self { true } else { false } }
    var isWait: Bool { if case .wait = self { true } else { false } }
    var isTimeOut: Bool { if case .timeOutLapsedFinalAttempts = self { true } else { false } }
    var claim: (batch: [Completion], limit: Int, reclaimLapsed: Bool)? {
        if case let .completeAndClaim(batch, limit, reclaimLapsed) = self { (batch, limit, reclaimLapsed) } else { nil }
    }
    var heartbeats: [Heartbeat]? { if case let .heartbeat(beats) = self { beats } else { nil } }
    var released: [WorkerStateMachine.AttemptKey]? { if case let .release(keys) = self { keys } else { nil } }
}
