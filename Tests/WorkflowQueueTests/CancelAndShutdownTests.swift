import Foundation
import JSON
import Postgres
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

@Suite struct CancelAndShutdownTests {
    @Test func cancelQueuedRunEndsItAtOnce() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Noop", input: [:], workflowID: "never-runs")
            #expect(try await queue.client.cancel("never-runs") == .canceled)
            let canceled = try await queue.client.result("never-runs", wait: .seconds(1))
            #expect(canceled.status == .canceled)
            #expect(canceled.finishedAt != nil)
            #expect(try await queue.client.cancel("never-runs") == .alreadyFinished(.canceled))
            let worker = try queue.worker()
            let task = queue.launch(worker)
            try await Task.sleep(for: .milliseconds(300))
            try await queue.stop(worker, task)
            #expect(try await queue.client.describe("never-runs").attempt == 0, "a canceled run is never claimed")
        }
    }

    @Test func cancelRunningRunStopsTheActivity() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 60], workflowID: "long")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            _ = try await queue.waitUntil("long") { $0.status == .running }
            let clock = ContinuousClock()
            let asked = clock.now
            #expect(try await queue.client.cancel("long") == .cancelRequested)
            let done = try await queue.finished("long")
            let took = asked.duration(to: clock.now)
            try await queue.stop(worker, task)
            #expect(done.status == .canceled)
            #expect(done.cancelRequested)
            #expect(took < .seconds(15), "cancel took \(took); the 60 s activity was not stopped")
        }
    }

    @Test func gracefulShutdownLetsRunningJobFinishWithinGrace() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 3], workflowID: "finishes")
            let worker = try queue.worker(grace: .seconds(10))
            let task = queue.launch(worker)
            _ = try await queue.waitUntil("finishes") { $0.status == .running }
            try await queue.stop(worker, task)
            let done = try await queue.client.describe("finishes")
            #expect(done.status == .completed)
            #expect(done.attempt == 1)
        }
    }

    @Test func shutdownPastGraceReleasesJobForAnotherWorkerWithoutCountingTheAttempt() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 8], workflowID: "released")
            let first = try queue.worker(grace: .milliseconds(200), id: "first")
            let firstTask = queue.launch(first)
            _ = try await queue.waitUntil("released") { $0.status == .running }
            try await queue.stop(first, firstTask)
            let released = try await queue.client.describe("released")
            #expect(released.status == .queued)
            #expect(released.attempt == 0, "the interrupted attempt is not counted")
            #expect(released.workerID == nil)
            let second = try queue.worker(poll: .seconds(30), id: "second")
            let secondTask = queue.launch(second)
            let done = try await queue.finished("released")
            try await queue.stop(second, secondTask)
            #expect(done.status == .completed)
            #expect(done.attempt == 1)
            #expect(done.workerID == "second")
        }
    }

    @Test func runWithLapsedLeaseIsTakenOverAndItsAttemptCounted() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Noop", input: ["x": 1], workflowID: "orphan")
            // A worker that claimed the run and died: running, attempt 1, lease already over.
            _ = try await queue.pool.withConnection { connection in
                try await connection.execute("""
                    UPDATE \(queue.schema.runsTable) SET status = 'running', attempt = 1, worker_id = 'dead-worker',
                        started_at = now() - interval '1 minute', lease_expires_at = now() - interval '1 second'
                    WHERE workflow_id = 'orphan'
                    """)
            }
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("orphan")
            try await queue.stop(worker, task)
            #expect(done.status == .completed)
            #expect(done.attempt == 2)
            #expect(done.lastError?.type == "HeartbeatTimeout")
            #expect(done.lastError?.message.contains("dead-worker") == true)
        }
    }

    /// A worker slow to heartbeat still runs the attempt: it renews the lease instead of taking
    /// its own run over (which would start a second attempt beside the first).
    @Test(arguments: [1, 3])
    func aWorkerNeverTakesOverItsOwnLapsedRun(attempts: Int) async throws {
        let options = WorkflowOptions(
            retryPolicy: RetryPolicy(maximumAttempts: attempts, initialInterval: .milliseconds(10)),
            startToCloseTimeout: .seconds(30), heartbeatTimeout: .seconds(10))
        try await TestQueue.with(registry: { try $0.register("Long", options: options, activity: SleepActivity()) }) { queue in
            _ = try await queue.client.start(type: "Long", input: ["seconds": 3], workflowID: "slow-beat")
            let worker = try queue.worker(poll: .milliseconds(50))
            let task = queue.launch(worker)
            _ = try await queue.waitUntil("slow-beat") { $0.status == .running }
            _ = try await queue.pool.withConnection { connection in
                try await connection.execute(
                    "UPDATE \(queue.schema.runsTable) SET lease_expires_at = now() - interval '1 second' WHERE workflow_id = 'slow-beat'")
            }
            let done = try await queue.finished("slow-beat")
            try await queue.stop(worker, task)
            #expect(done.status == .completed)
            #expect(done.attempt == 1)
        }
    }

    @Test func lapsedLeaseOnTheLastAttemptTimesTheRunOut() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Noop", input: [:], workflowID: "last-orphan")
            _ = try await queue.pool.withConnection { connection in
                try await connection.execute("""
                    UPDATE \(queue.schema.runsTable) SET status = 'running', attempt = max_attempts, worker_id = 'dead-worker',
                        lease_expires_at = now() - interval '1 second'
                    WHERE workflow_id = 'last-orphan'
                    """)
            }
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("last-orphan")
            try await queue.stop(worker, task)
            #expect(done.status == .timedOut)
            #expect(done.attempt == 3)
            #expect(done.lastError?.type == "HeartbeatTimeout")
        }
    }
}
