import Foundation
import JSON
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

@Suite struct RetryTests {
    @Test func failingAttemptIsRetriedAndSucceedsOnAttemptTwo() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 0, "fail_times": 1], workflowID: "retry")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("retry")
            try await queue.stop(worker, task)
            #expect(done.status == .completed)
            #expect(done.attempt == 2)
            #expect(done.result == ["slept_seconds": 0.0, "attempt": 2])
            let error = try #require(done.lastError, "the failed first attempt's error stays visible")
            #expect(error.attempt == 1 && error.type == "SleepFailure" && !error.nonRetryable)
        }
    }

    @Test func nonRetryableErrorFailsAtOnce() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 0, "fail_times": 5, "non_retryable": true], workflowID: "fatal")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("fatal")
            try await queue.stop(worker, task)
            #expect(done.status == .failed)
            #expect(done.attempt == 1)
            #expect(done.lastError?.nonRetryable == true)
            #expect(done.lastError?.type == "SleepFailure")
        }
    }

    @Test(arguments: [(["SleepFailure"], 1, WorkflowStatus.failed), (["SomethingElse"], 2, .completed)])
    func nonRetryableErrorTypesOfThePolicyEndTheRunAtOnce(types: [String], attempts: Int, status: WorkflowStatus) async throws {
        let options = WorkflowOptions(
            retryPolicy: RetryPolicy(maximumAttempts: 5, initialInterval: .milliseconds(10), nonRetryableErrorTypes: types),
            startToCloseTimeout: .seconds(30), heartbeatTimeout: .seconds(10))
        try await TestQueue.with(registry: { try $0.register("Picky", options: options, activity: SleepActivity()) }) { queue in
            _ = try await queue.client.start(type: "Picky", input: ["seconds": 0, "fail_times": 1], workflowID: "picky")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("picky")
            try await queue.stop(worker, task)
            #expect(done.status == status)
            #expect(done.attempt == attempts)
            #expect(done.lastError?.type == "SleepFailure")
            #expect(done.lastError?.nonRetryable == false, "the activity did not mark it; the policy stopped the retry")
        }
    }

    @Test func anEmptyNonRetryableTypeIsRefused() {
        #expect(throws: WorkflowDefinitionError.self) {
            try WorkflowOptions(retryPolicy: RetryPolicy(nonRetryableErrorTypes: [""])).validate()
        }
    }

    @Test func exhaustedAttemptsFailWithTheLastError() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 0, "fail_times": 9], workflowID: "exhausted")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("exhausted")
            try await queue.stop(worker, task)
            #expect(done.status == .failed)
            #expect(done.attempt == 3)
            let error = try #require(done.lastError)
            #expect(error.attempt == 3)
            #expect(error.message.contains("failing attempt 3"))
        }
    }

    @Test func startToCloseTimeoutCountsAsFailedAttemptsThenTimesOut() async throws {
        let options = WorkflowOptions(
            retryPolicy: RetryPolicy(maximumAttempts: 2, initialInterval: .milliseconds(10)),
            startToCloseTimeout: .milliseconds(300), heartbeatTimeout: .seconds(5))
        try await TestQueue.with(registry: { try $0.register("Slow", options: options, activity: SleepActivity()) }) { queue in
            // The activity would sleep 300 s: only enforced timeouts end the run within the bound below,
            // which leaves a loaded two-core machine (the whole suite runs in parallel) plenty of room.
            _ = try await queue.client.start(type: "Slow", input: ["seconds": 300], workflowID: "slow")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let clock = ContinuousClock()
            let started = clock.now
            let done = try await queue.finished("slow")
            let took = started.duration(to: clock.now)
            try await queue.stop(worker, task)
            #expect(done.status == .timedOut)
            #expect(done.attempt == 2)
            #expect(done.lastError?.type == "StartToCloseTimeout")
            #expect(took < .seconds(90), "two 300 ms attempts took \(took)")
        }
    }

    @Test(arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (7, 64.0), (8, 100.0), (30, 100.0)])
    func backoffFollowsTemporalsFormula(attempt: Int, seconds: Double) {
        let policy = RetryPolicy(maximumAttempts: 0, initialInterval: .seconds(1), backoffCoefficient: 2)
        #expect(policy.delay(afterAttempt: attempt) == .seconds(seconds))
        #expect(!policy.isExhausted(afterAttempt: attempt), "0 attempts means unlimited")
    }

    @Test func invalidRetryPoliciesAreRefusedAtRegistration() {
        var registry = WorkflowRegistry()
        #expect(throws: WorkflowDefinitionError.self) {
            try registry.register("X", options: WorkflowOptions(retryPolicy: RetryPolicy(backoffCoefficient: 0.5)), activity: NoopActivity())
        }
        #expect(throws: WorkflowDefinitionError.self) {
            try registry.register("X", options: WorkflowOptions(startToCloseTimeout: .zero), activity: NoopActivity())
        }
        #expect(registry.typeNames.isEmpty)
    }
}
