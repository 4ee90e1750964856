import ExtendedJSON
import Foundation
import JSON
import Logging
import TestSupport
import Testing
import TemporalAPI
import TemporalClient
import TemporalWorker
import WorkflowDefinitions
import WorkflowQueue
@testable import Testbench

/// The original's LookupTasks on the embedded backend: which tasks it evaluates, and the schedule
/// starting it through the PostgreSQL queue so that an answered task is evaluated by itself.
@Suite struct LookupTasksTests {
    static let logger = Logger(label: "lookup-test")

    static func context() -> ActivityContext {
        ActivityContext(workflowID: "lookup", runID: "run", workflowType: "LookupTasks", taskQueue: TestbenchWorkflows.evaluatorQueue,
                        attempt: 1, maxAttempts: 1, logger: logger)
    }

    /// A done task, a skipped one (every prompt done, the task not) and an unanswered one: the first two
    /// get an Evaluator (the follow-up's children), the skipped one is marked done first.
    @Test(arguments: [false, true])
    func startsAnEvaluatorForEachTaskReadyOrStale(onMongoDB: Bool) async throws {
        let mongoURI = ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].flatMap { $0.isEmpty ? nil : $0 }
        if onMongoDB && mongoURI == nil { return }
        let world = try await SamplerWorld.make(mongoURI: onMongoDB ? mongoURI : nil)
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let store = world.services.documents
            let done = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0])))
            try await writeResponses(world, taskID: done.taskID) { _, target, _ in .text(target) }
            try await store.markTaskDone(done.taskID)
            let skipped = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([1])))
            try await markPromptsDone(world, taskID: skipped.taskID)
            let unanswered = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([2])))

            let found = try await LookupTasksActivity(services: world.services).run(.object([:]), context: Self.context())
            #expect(found == .array([.string(done.taskID.hex), .string(skipped.taskID.hex)]))
            let followUp = try #require(TestbenchWorkflows.registry(TestbenchWorkflows.validators)["LookupTasks"]).followUp
            #expect(followUp.result(found) == .int(2))
            let children = followUp.children(.object([:]), .completed(found))
            #expect(children == [done, skipped].map {
                ChildWorkflowStart(type: "Evaluator", workflowID: $0.taskID.hex, input: ["task_id": .string($0.taskID.hex)], idReuse: .allowDuplicate)
            })
            #expect(try await store.task(id: skipped.taskID)?["done"] == true, "the skipped task is marked done")
            #expect(try await store.task(id: unanswered.taskID)?["done"] == false)
        }
    }

    /// Through the queue with a real worker: the schedule's LookupTasks starts the Evaluator of the
    /// answered task under the task's id, which evaluates it; the next lookup finds nothing; a
    /// lookup while one is queued is refused.
    @Test func theScheduledLookupEvaluatesAnAnsweredTask() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let sampled = try await Self.answeredTask(world)
            let store = world.services.documents

            let registry = try TestbenchWorkflows.registry(TestbenchWorkflows.activities(services: world.services))
            let client = WorkflowClient(pool: world.pool, registry: registry)
            try await client.migrate()
            let schedule = LookupSchedule(interval: .seconds(3600), client: client, logger: Self.logger)
            #expect(try await schedule.startOnce())
            #expect(try await schedule.startOnce() == false, "a second lookup while the first is queued is refused")

            let uri = try #require(world.services.config.postgresURI)
            let worker = try WorkflowWorker(uri: uri, registry: registry, configuration: WorkflowWorkerConfiguration(
                taskQueues: [TestbenchWorkflows.samplerQueue, TestbenchWorkflows.evaluatorQueue], maxConcurrentJobs: 2,
                pollInterval: .milliseconds(100), gracePeriod: .seconds(5)))
            let running = Task { try await worker.run() }
            try await withCleanup({ worker.beginGracefulShutdown(); _ = try? await running.value }) {
                let lookup = try await client.result(TestbenchWorkflows.scheduledLookupID, wait: .seconds(60))
                #expect(lookup.status == .completed)
                #expect(lookup.result == .int(1))
                let evaluation = try await client.result(sampled.taskID.hex, wait: .seconds(60))
                #expect(evaluation.type == "Evaluator")
                #expect(evaluation.status == .completed, "\(String(describing: evaluation.lastError))")
                #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
                #expect(try await store.result(taskID: sampled.taskID) != nil)

                #expect(try await schedule.startOnce(), "a finished lookup's id is reused by the next")
                let next = try await client.result(TestbenchWorkflows.scheduledLookupID, wait: .seconds(60))
                #expect(next.result == .int(0), "the evaluated task is not looked up again")
            }
        }
    }

    /// The same on Temporal, with an in-process worker on its own queue: LookupTasks (started as the
    /// original's schedule starts it, no argument) starts the answered task's Evaluator as a child
    /// workflow under the task's id, which evaluates it; the lookup returns how many it found.
    @Test(.enabled(if: TestTemporal.isConfigured))
    func lookupTasksOnTemporalEvaluatesAnAnsweredTask() async throws {
        let address = try TemporalAddress(parsing: try #require(TestTemporal.address))
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let sampled = try await Self.answeredTask(world)
            let store = world.services.documents

            let queue = TestTemporal.unique("evaluate")
            let registry = try TestbenchWorkflows.registry(TestbenchWorkflows.activities(services: world.services))
            let worker = try TemporalWorker(
                configuration: TemporalWorkerConfiguration(address: address, namespace: "pocket-ml-testbench", taskQueue: queue, gracePeriod: .seconds(5)),
                registry: registry, logger: Self.logger)
            let running = Task { try await worker.run() }
            try await withCleanup({ worker.beginGracefulShutdown(); _ = try? await running.value }) {
                try await TestTemporal.withClient { client in
                    let lookupID = "lookup-\(queue)"
                    _ = try await client.startWorkflow(type: "LookupTasks", id: lookupID, taskQueue: queue, input: .object([:]))
                    let lookup = try await TestTemporal.closed(lookupID)
                    #expect(lookup.status == .completed)
                    let result = try #require(try await client.workflowHistory(id: lookupID).last?.workflowExecutionCompletedEventAttributes.result.payloads.first)
                    #expect(try JSONPayload.value(of: result) == .int(1))
                    let evaluation = try await TestTemporal.closed(sampled.taskID.hex)
                    #expect(evaluation.type == "Evaluator")
                    #expect(evaluation.status == .completed)
                    #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
                    #expect(try await store.result(taskID: sampled.taskID) != nil)
                }
            }
        }
    }

    /// A registered word_sorting task sampled on two rows, both answered (one right), marked done.
    static func answeredTask(_ world: SamplerWorld) async throws -> SamplerOutcome {
        try await world.register("bigbench_word_sorting", dataset: "word_sorting")
        let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1])))
        try await writeResponses(world, taskID: sampled.taskID) { position, target, _ in .text(position == 0 ? target : "wrong") }
        try await world.services.documents.markTaskDone(sampled.taskID)
        return sampled
    }
}
