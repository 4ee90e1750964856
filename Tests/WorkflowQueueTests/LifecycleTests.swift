import Foundation
import JSON
import Postgres
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

@Suite struct LifecycleTests {
    @Test func enqueuedWorkflowIsCompletedAndItsResultReadable() async throws {
        try await TestQueue.with { queue in
            let input: JSONValue = ["task": "gsm8k", "qty": 15, "nested": ["a": [1, 2.5, nil]]]
            let run = try await queue.client.start(type: "Noop", input: input, workflowID: "wf-noop")
            #expect(run.workflowID == "wf-noop")
            let queued = try await queue.client.describe("wf-noop")
            #expect(queued.status == .queued)
            #expect(queued.attempt == 0)
            #expect(queued.maxAttempts == 3)
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let done = try await queue.finished("wf-noop")
            try await queue.stop(worker, task)
            #expect(done.status == .completed)
            #expect(done.result == input)
            #expect(done.runID == run.runID)
            #expect(done.attempt == 1)
            #expect(done.startedAt != nil && done.finishedAt != nil)
            #expect(done.workerID == worker.configuration.workerID)
            #expect(done.lastError == nil)
        }
    }

    @Test func resultWaitsOnNotificationsAndReturnsEarlyWhenDone() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 0.3], workflowID: "wf-wait")
            let notYet = try await queue.client.result("wf-wait", wait: .milliseconds(200))
            #expect(notYet.status == .queued, "no worker yet, so the wait runs out")
            let worker = try queue.worker(poll: .seconds(30))
            let task = queue.launch(worker)
            let clock = ContinuousClock()
            let started = clock.now
            let done = try await queue.client.result("wf-wait", wait: .seconds(20))
            let waited = started.duration(to: clock.now)
            try await queue.stop(worker, task)
            #expect(done.status == .completed)
            #expect(waited < .seconds(15), "result returned \(waited) after start; the notification was missed")
        }
    }

    @Test func runningDuplicateIDIsRefusedAndFinishedIDIsReused() async throws {
        try await TestQueue.with { queue in
            let first = try await queue.client.start(type: "Noop", input: ["n": 1], workflowID: "same-id")
            await #expect {
                try await queue.client.start(type: "Noop", input: ["n": 2], workflowID: "same-id")
            } throws: { error in
                guard case let .workflowAlreadyRunning(id, runID, status) = error as? WorkflowQueueError else { return false }
                return id == "same-id" && runID == first.runID && status == .queued
            }
            #expect(try await queue.rowCount() == 1)
            let worker = try queue.worker()
            let task = queue.launch(worker)
            _ = try await queue.finished("same-id")
            let second = try await queue.client.start(type: "Noop", input: ["n": 3], workflowID: "same-id")
            #expect(second.runID != first.runID)
            #expect(try await queue.client.describe("same-id").runID == second.runID, "the open run, not the finished one, is the latest")
            let latest = try await queue.finished("same-id")
            try await queue.stop(worker, task)
            #expect(latest.runID == second.runID)
            #expect(latest.result == ["n": 3])
            #expect(try await queue.rowCount() == 2)
        }
    }

    @Test(arguments: [
        ("Nope", JSONValue.object(["a": 1])),
        ("Noop", JSONValue.array([1, 2])),
        ("Noop", JSONValue.string("text")),
        ("Sleep", JSONValue.object(["seconds": -1])),
        ("Sleep", JSONValue.object(["seconds": 1, "unknown": true])),
        ("Noop", JSONValue.object(["x": .double(.nan)])),
    ])
    func invalidStartsQueueNothing(type: String, input: JSONValue) async throws {
        try await TestQueue.with { queue in
            await #expect(throws: WorkflowQueueError.self) {
                try await queue.client.start(type: type, input: input)
            }
            let rows = try await queue.rowCount()
            #expect(rows == 0)
        }
    }

    @Test func unknownTypeErrorListsKnownTypes() async throws {
        try await TestQueue.with { queue in
            do {
                _ = try await queue.client.start(type: "Samplr", input: [:])
                Issue.record("start accepted an unknown type")
            } catch {
                #expect(String(describing: error).contains("unknown workflow type 'Samplr'"))
                #expect(String(describing: error).contains("Noop, Sleep"))
            }
        }
    }

    @Test func listFiltersByStatusAndTypeNewestFirst() async throws {
        try await TestQueue.with { queue in
            let runs = try await queue.client.startMany(type: "Noop", inputs: [["i": 0], ["i": 1], ["i": 2]])
            #expect(runs.count == 3)
            _ = try await queue.client.start(type: "Sleep", input: ["seconds": 0], workflowID: "sleeper")
            #expect(try await queue.client.list().map(\.workflowID).first == "sleeper")
            #expect(try await queue.client.list(type: "Noop").count == 3)
            #expect(try await queue.client.list(status: .queued, limit: 2).count == 2)
            #expect(try await queue.client.list(status: .completed).isEmpty)
            #expect(try await queue.client.list(limit: 0).isEmpty)
            await #expect(throws: WorkflowQueueError.self) { try await queue.client.list(limit: -1) }
            await #expect(throws: WorkflowQueueError.self) { try await queue.client.describe("missing") }
        }
    }

    @Test func progressIsStoredWhileRunningAndShownByDescribe() async throws {
        try await TestQueue.with(registry: { try $0.register("Progress", options: TestQueue.fastOptions, activity: ProgressActivity()) }) { queue in
            _ = try await queue.client.start(type: "Progress", input: ["seconds": 30], workflowID: "progress")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let running = try await queue.waitUntil("progress") { $0.status == .running && $0.progress?.objectValue != nil }
            #expect(running.status == .running)
            #expect(running.progress == ["rows_copied": 42, "table": "demo"])
            #expect(running.heartbeatAt != nil && running.leaseExpiresAt != nil)
            #expect(try await queue.client.cancel("progress") == .cancelRequested)
            let done = try await queue.finished("progress")
            try await queue.stop(worker, task)
            #expect(done.status == .canceled)
            #expect(done.progress == ["rows_copied": 42, "table": "demo"])
            #expect(done.json["progress"] == ["rows_copied": 42, "table": "demo"])
        }
    }
}

@Suite struct ReconnectTests {
    /// Terminates this queue's worker backends whose last statement matches `pattern`; returns how many.
    static func terminate(_ queue: TestQueue, matching pattern: String) async throws -> Int {
        try await queue.pool.withConnection { connection in
            try await connection.query(
                """
                SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
                WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE $1 AND strpos(query, $2) > 0
                """, [.string(pattern), .string(queue.schema.name)]
            ).scalar(Int.self)
        }
    }

    @Test func theWorkerReconnectsAndPreparesAgainAfterItsConnectionsAreKilled() async throws {
        try await TestQueue.with { queue in
            _ = try await queue.client.start(type: "Noop", input: ["n": 1], workflowID: "before")
            let worker = try queue.worker(poll: .milliseconds(100))
            let task = queue.launch(worker)
            _ = try await queue.finished("before")
            // The claim connection polls every 100 ms, so its last statement is soon the prepared claim.
            var killed = 0
            for _ in 0..<100 where killed == 0 {
                killed = try await Self.terminate(queue, matching: "%workflow_complete_and_claim%")
                if killed == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(killed == 1, "the worker's claim connection was found and terminated")
            #expect(try await Self.terminate(queue, matching: "LISTEN%") == 1, "and its listener")
            _ = try await queue.client.start(type: "Noop", input: ["n": 2], workflowID: "after")
            let done = try await queue.finished("after", timeout: .seconds(30))
            try await queue.stop(worker, task)
            #expect(done.status == .completed)
            #expect(done.result == ["n": 2])
        }
    }
}
