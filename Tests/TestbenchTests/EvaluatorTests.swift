import ExtendedJSON
import Foundation
import JSON
import LMEval
import Logging
import Mongo
import Synchronization
import TestSupport
import Testing
import WorkflowDefinitions
@testable import Testbench

/// What a fake requester answers for one prompt.
enum FakeReply: Sendable {
    /// An OpenAI completion (or chat completion, by the task's path) with this text.
    case text(String)
    /// A 200 whose body is this raw text.
    case body(String)
    /// The requester could not relay: `ok: false` with this code.
    case failure(code: Int, error: String)
    /// No response document at all.
    case none
}

/// Writes `responses` documents the way the Go requester does: one per prompt, its field order.
func writeResponses(_ world: SamplerWorld, taskID: ObjectID, height: Int = 1000, firstRowID: Int = bigbenchTestStart,
                    reply: (_ position: Int, _ target: String, _ prompt: JSONObject) -> FakeReply) async throws {
    let store = world.services.documents
    let task = try #require(try await store.task(id: taskID))
    let chat = task["requester_args"]?["path"] == "/v1/chat/completions"
    let instances = try await store.instances(taskID: taskID)
    var byID: [String: JSONObject] = [:]
    for instance in instances { byID[instance["_id"]?.objectIDValue?.hex ?? ""] = instance }
    var responses: [JSONObject] = []
    for (index, prompt) in try await store.prompts(taskID: taskID).enumerated() {
        let instance = try #require(byID[prompt["instance_id"]?.objectIDValue?.hex ?? ""])
        let docID = try #require(instance["doc_id"]?.intValue)
        let target = instance["doc"]?["target"]?.stringValue ?? ""
        var ok = true, code = 0, body = "", error = ""
        // Replies are chosen by the document's lm-eval position in its split (`__id` less the split's first).
        switch reply(docID - firstRowID, target, prompt) {
        case .none: continue
        case let .text(text):
            let choice: JSONValue = chat
                ? ["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]
                : ["index": 0, "text": .string(text), "finish_reason": "stop"]
            body = JSONValue.object(["id": "cmpl", "model": "testbench-model", "choices": [choice],
                                     "usage": ["prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13]]).serialized()
        case let .body(raw): body = raw
        case let .failure(failureCode, message):
            ok = false
            code = failureCode
            error = message
        }
        responses.append(JSONObject([
            ("_id", .objectID(ObjectID())), ("ok", .bool(ok)), ("error_code", .int(code)), ("ms", .int(100 + docID - firstRowID)),
            ("response", .string(body)), ("error", .string(error)), ("height", .int(height + index)),
            ("session_height", .int(height)), ("task_id", .objectID(taskID)), ("instance_id", instance["_id"] ?? .null),
            ("prompt_id", prompt["_id"] ?? .null),
        ]))
    }
    try await store.insertResponses(responses)
}

/// Sampler → fake requester → Evaluator → results, on PostgreSQL (dataset tables and JSONB documents).
@Suite struct EvaluatorTests {
    static let logger = Logger(label: "evaluator-test")

    static func evaluate(_ world: SamplerWorld, _ taskID: ObjectID) async throws -> EvaluatorOutcome {
        try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: taskID), logger: logger)
    }

    @Test func scoresWhatTheRequesterWrote() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1, 2, 3, 4, 5])))
            try await writeResponses(world, taskID: sampled.taskID) { docID, target, _ in
                switch docID {
                case 0: .text(" " + target)
                case 1: .text(" zebra apple")
                case 2: .text(" \(target.uppercased())\n\nQ: and now")
                case 3: .failure(code: 3, error: "out of session")
                case 4: .body("upstream <b>502</b>")
                default: .none
                }
            }
            let outcome = try await Self.evaluate(world, sampled.taskID)
            #expect(outcome.status == 0)
            #expect(outcome.scored == 3 && outcome.failed == 2 && outcome.unanswered == 1)
            #expect(outcome.numSamples == 5)
            #expect(outcome.selection == ScoreSelection(filters: ["direct-answer"], metrics: ["exact_match"], configured: true))
            #expect(outcome.meanScore == 2.0 / 3.0)
            // lm-eval's aggregate rows over the three scored documents: the selected one agrees with mean_score.
            let rows = try #require(outcome.json["results"]?.arrayValue)
            let selected = try #require(rows.first { $0["filter"] == "direct-answer" && $0["metric"] == "exact_match" })
            #expect(selected["value"]?.doubleValue == 2.0 / 3.0)
            #expect(selected["n"] == 3)
            let stderr = try #require(selected["stderr"]?.doubleValue)
            #expect(abs(stderr - (1.0 / 3.0).squareRoot() / 3.0.squareRoot()) < 1e-12, "sample std of [1,0,1] is √(1/3); over √3")
            let table = try EvaluatorOutcome.renderTable([outcome.json])
            #expect(table.contains("bigbench_word_sorting") && table.contains("direct-answer") && table.contains("exact_match"))
            #expect(table.contains("0.6667") && table.contains("0.3333"), "\(table)")

            let store = world.services.documents
            let result = try #require(try await store.result(taskID: sampled.taskID))
            #expect(result.keys == ["_id", "result_data", "scores"])
            let data = try #require(result["result_data"]?.objectValue)
            #expect(data.keys == ["_id", "task_id", "num_samples", "status", "result_height", "result_time"])
            #expect(data["task_id"]?.objectIDValue == sampled.taskID)
            #expect(data["num_samples"] == 5)
            #expect(data["status"] == 0)
            #expect(data["result_height"] == 1000)
            #expect(data["result_time"]?.dateValue != nil)
            let scores = try #require(result["scores"]?.arrayValue)
            #expect(scores.count == data["num_samples"]?.intValue)
            #expect(scores.map { $0["id"] } == testRows([0, 1, 2, 3, 4]).map(JSONValue.int), "scores name rows by __id")
            #expect(scores.map { $0["score"] } == [1.0, 0.0, 1.0, 0.0, 0.0])
            #expect(scores.map { $0["status_code"] } == [0, 0, 0, 3, 2])
            #expect(scores.map { $0["run_time"] } == [100.0, 101.0, 102.0, 0.0, 0.0])
            #expect(scores[0].objectValue?.keys == ["score", "id", "run_time", "status_code", "error_str"])
            #expect(scores[0]["error_str"] == "")
            #expect(scores[3]["error_str"] == "out of session")
            #expect(scores[4]["error_str"] == "Bad JSON data format (response): upstream <b>502</b>")
            #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
        }
    }

    @Test func aTableNeedsEvaluatorResults() {
        #expect(throws: ApplicationError.self) { try EvaluatorOutcome.renderTable([["qty": 3]]) }
    }

    @Test func aRetryReplacesTheResult() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([3, 8])))
            try await writeResponses(world, taskID: sampled.taskID) { docID, target, _ in docID == 3 ? .text(" " + target) : .failure(code: 1, error: "relay") }
            let first = try await Self.evaluate(world, sampled.taskID)
            let store = world.services.documents
            let before = try #require(try await store.result(taskID: sampled.taskID))
            let again = try await Self.evaluate(world, sampled.taskID)
            let same = try #require(try await store.result(taskID: sampled.taskID))
            #expect(first == again)
            #expect(same["scores"] == before["scores"])
            #expect(same["_id"] == before["_id"])
            #expect(same["result_data"]?["_id"] == before["result_data"]?["_id"])

            // The requester retried doc 8 and got an answer: the usable response wins, the result is replaced.
            try await writeResponses(world, taskID: sampled.taskID, height: 2000) { docID, target, _ in docID == 8 ? .text(" " + target) : .none }
            let retried = try await Self.evaluate(world, sampled.taskID)
            #expect(retried.scored == 2 && retried.failed == 0)
            let after = try #require(try await store.result(taskID: sampled.taskID))
            #expect(after["scores"]?.arrayValue?.map { $0["score"] } == [1.0, 1.0])
            #expect(after["result_data"]?["result_height"] == 2000)
            let all = try await store.allResults()
            #expect(all.count == 1)
        }
    }

    @Test func chatTasksReadMessageContent() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_object_counting_cot", dataset: "object_counting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_object_counting_cot", docIDs: testRows([0, 1, 2]), path: "/v1/chat/completions"))
            try await writeResponses(world, taskID: sampled.taskID) { docID, target, _ in
                switch docID {
                case 0: .text("Counting them one by one. So the answer is \(target).")
                case 1: .text("I think it is many.")
                default: .body(#"{"id":"x","choices":[]}"#)
                }
            }
            let outcome = try await Self.evaluate(world, sampled.taskID)
            #expect(outcome.selection?.filter == "cot-answer")
            let result = try #require(try await world.services.documents.result(taskID: sampled.taskID))
            let scores = try #require(result["scores"]?.arrayValue)
            #expect(scores.map { $0["score"] } == [1.0, 0.0, 0.0])
            #expect(scores.map { $0["status_code"] } == [0, 0, 12])
            #expect(scores[2]["error_str"] == "Bad JSON format: 'choices' is empty")
        }
    }

    @Test func nothingToScoreIsStatusOne() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", qty: 3))
            let outcome = try await Self.evaluate(world, sampled.taskID)
            #expect(outcome.status == 1 && outcome.numSamples == 0 && outcome.unanswered == 3)
            let result = try #require(try await world.services.documents.result(taskID: sampled.taskID))
            #expect(result["result_data"]?["status"] == 1)
            #expect(result["result_data"]?["num_samples"] == 0)
            #expect(result["result_data"]?["result_height"] == -1)
            #expect(result["scores"] == [])
            #expect(try await world.services.documents.task(id: sampled.taskID)?["evaluated"] == true)
        }
    }

    /// A bad input names what was wrong and writes nothing.
    @Test func badInputWritesNothing() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let store = world.services.documents
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1])))
            let other = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([2])))

            let missing = ObjectID()
            let notFound = await #expect(throws: ApplicationError.self) { try await Self.evaluate(world, missing) }
            #expect(notFound?.type == "TaskNotFound" && notFound?.nonRetryable == true)
            #expect(notFound?.message.contains(missing.hex) == true)

            // Responses that answer another task's prompts.
            let foreign = try #require(try await store.prompts(taskID: other.taskID).first)
            try await store.insertResponses([JSONObject([
                ("_id", .objectID(ObjectID())), ("ok", true), ("error_code", 0), ("ms", 5), ("response", "{}"), ("error", ""),
                ("height", 1), ("session_height", 1), ("task_id", .objectID(sampled.taskID)), ("instance_id", foreign["instance_id"] ?? .null),
                ("prompt_id", foreign["_id"] ?? .null),
            ])])
            // A task another framework sampled is not this evaluator's: nothing written.
            let original = try #require(try await store.task(id: other.taskID))
            var helm = original
            helm["framework"] = "helm"
            try await store.replaceTaskTree(TaskTree(task: helm, instances: try await store.instances(taskID: other.taskID),
                                                     prompts: try await store.prompts(taskID: other.taskID)))
            let foreignFramework = await #expect(throws: ApplicationError.self) { try await Self.evaluate(world, other.taskID) }
            #expect(foreignFramework?.type == "BadParams" && foreignFramework?.message.contains("framework 'helm'") == true)
            #expect(try await store.result(taskID: other.taskID) == nil)
            #expect(try await store.task(id: other.taskID)?["drop"] == false)
        }
    }

    /// The original's failure path: an lmeh task that cannot be evaluated is dropped (`drop: true`)
    /// with an empty result of status 12, so the manager cleans it up; the workflow fails non-retryably.
    @Test func aTaskThatCannotBeEvaluatedIsDropped() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let store = world.services.documents
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1])))
            let other = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([2])))
            // Responses that answer another task's prompts.
            let foreign = try #require(try await store.prompts(taskID: other.taskID).first)
            try await store.insertResponses([JSONObject([
                ("_id", .objectID(ObjectID())), ("ok", true), ("error_code", 0), ("ms", 5), ("response", "{}"), ("error", ""),
                ("height", 1), ("session_height", 1), ("task_id", .objectID(sampled.taskID)), ("instance_id", foreign["instance_id"] ?? .null),
                ("prompt_id", foreign["_id"] ?? .null),
            ])])
            let stray = await #expect(throws: ApplicationError.self) { try await Self.evaluate(world, sampled.taskID) }
            #expect(stray?.type == "BadResponses" && stray?.nonRetryable == true)
            #expect(stray?.message.contains("is not a prompt of task \(sampled.taskID.hex)") == true)
            // An unsupported path.
            var task = try #require(try await store.task(id: other.taskID))
            task["requester_args"] = ["address": "a", "service": "s", "path": "/v1/embeddings"]
            try await store.replaceTaskTree(TaskTree(task: task, instances: try await store.instances(taskID: other.taskID),
                                                     prompts: try await store.prompts(taskID: other.taskID)))
            let path = await #expect(throws: ApplicationError.self) { try await Self.evaluate(world, other.taskID) }
            #expect(path?.type == "UnsupportedPath" && path?.message.contains("/v1/embeddings") == true)

            for id in [sampled.taskID, other.taskID] {
                let dropped = try #require(try await store.task(id: id))
                #expect(dropped["drop"] == true && dropped["evaluated"] == false)
                let result = try #require(try await store.result(taskID: id))
                #expect(result.keys == ["_id", "result_data", "scores"])
                #expect(result["result_data"]?["status"] == 12 && result["result_data"]?["num_samples"] == 0)
                #expect(result["result_data"]?["result_height"] == -1 && result["scores"] == [])
                #expect(result["result_data"]?["task_id"]?.objectIDValue == id)
            }
        }
    }

    /// A task whose YAML names a metric lm-eval does not have fails at load, before anything is scored.
    @Test func unknownMetricFailsAtTaskLoad() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0])))
            try await writeResponses(world, taskID: sampled.taskID) { _, target, _ in .text(target) }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evaluator-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data("""
                task: bigbench_evaluator_bad_metric
                include: \(PackagePaths.tasks)/bigbench/word_sorting.yaml
                metric_list:
                  - metric: exact_match
                  - metric: bleurt_max
                """.utf8).write(to: URL(fileURLWithPath: folder + "/bad.yaml"))
            let store = world.services.documents
            let instances = try await store.instances(taskID: sampled.taskID).map { instance -> JSONObject in
                var copy = instance
                copy["task_name"] = "bigbench_evaluator_bad_metric"
                return copy
            }
            try await store.replaceTaskTree(TaskTree(task: try #require(try await store.task(id: sampled.taskID)), instances: instances,
                                                     prompts: try await store.prompts(taskID: sampled.taskID)))
            var config = world.services.config
            config.includePath.append(folder)
            let services = TestbenchServices(config: config, postgres: world.pool, documents: store, logger: Self.logger)
            let error = await #expect(throws: ApplicationError.self) {
                try await Evaluator(services: services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: Self.logger)
            }
            #expect(error?.type == "LMEH" && error?.nonRetryable == true)
            #expect(error?.message.contains("bleurt_max") == true, "\(String(describing: error))")
            // Nothing scored: the task is dropped as the original drops it, with the empty status-12 result.
            #expect(try await store.result(taskID: sampled.taskID)?["result_data"]?["status"] == 12)
            #expect(try await store.task(id: sampled.taskID)?["drop"] == true)
        }
    }

    /// A cancel that arrives at either heartbeat (before scoring, before the write) ends the attempt as cancelled, with nothing written.
    @Test(arguments: ["scoring", "writing"])
    func aCancelledRunStopsAsCancelledAndWritesNothing(phase: String) async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([1, 4])))
            try await writeResponses(world, taskID: sampled.taskID) { _, target, _ in .text(target) }
            let phases = Mutex<[String]>([])
            let context = ActivityContext(
                workflowID: "evaluator-cancel", runID: "evaluator-cancel-\(phase)", workflowType: "Evaluator", taskQueue: "evaluator",
                attempt: 1, maxAttempts: 2, logger: Self.logger,
                report: { progress in
                    let seen = progress?["phase"]?.stringValue ?? ""
                    phases.withLock { $0.append(seen) }
                    return seen == phase ? .cancelRequested : nil
                })
            let error = await #expect(throws: ActivityCancellation.self) {
                try await EvaluatorActivity(services: world.services).run(["task_id": .string(sampled.taskID.hex)], context: context)
            }
            #expect(error?.reason == .cancelRequested)
            #expect(phases.withLock { $0 } == (phase == "scoring" ? ["scoring"] : ["scoring", "writing"]))
            #expect(try await world.services.documents.result(taskID: sampled.taskID) == nil)
            #expect(try await world.services.documents.task(id: sampled.taskID)?["evaluated"] != true)
        }
    }

    @Test func theWorkflowActivityValidatesAndRuns() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([4])))
            try await writeResponses(world, taskID: sampled.taskID) { _, target, _ in .text(target) }
            let activity = EvaluatorActivity(services: world.services)
            #expect(throws: ApplicationError.self) { try activity.validate(["framework": "lmeh", "task_id": "not-hex"]) }
            #expect(throws: ApplicationError.self) { try activity.validate(["framework": "helm", "task_id": .string(sampled.taskID.hex)]) }
            try activity.validate(["framework": "signatures", "task_id": .string(sampled.taskID.hex)])
            try activity.validate(["framework": "lmeh-generative", "task_id": .string(sampled.taskID.hex)])
            #expect(throws: ApplicationError.self) { try TestbenchWorkflows.validators.evaluator.validate(["task_id": 5]) }
            try activity.validate(["task_id": .string(sampled.taskID.hex)])
            let output = try await activity.run(["framework": "lmeh-generative", "task_id": .string(sampled.taskID.hex)],
                                                context: activityContext(runID: "evaluator-run"))
            #expect(output["status"] == 0 && output["num_samples"] == 1 && output["mean_score"] == 1.0)
            #expect(output["filter"] == "direct-answer" && output["metric"] == "exact_match")
            do {
                _ = try await activity.run(["task_id": .string(ObjectID().hex)], context: activityContext(runID: "evaluator-missing"))
                Issue.record("expected a failure")
            } catch let error as ApplicationError {
                #expect(error.type == "TaskNotFound" && error.nonRetryable)
            }
        }
    }
}

/// The Evaluator against a live MongoDB (set TESTBENCH_MONGODB_URI, a replica set for transactions).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].map { !$0.isEmpty } ?? false))
struct EvaluatorMongoTests {
    @Test func evaluatesAndRetriesOnMongoDB() async throws {
        let uri = try #require(ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"])
        let world = try await SamplerWorld.make(mongoURI: uri)
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let sampled = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1, 2])))
            try await writeResponses(world, taskID: sampled.taskID) { docID, target, _ in
                docID == 2 ? .failure(code: 3, error: "out of session") : .text(" " + target)
            }
            for _ in 0..<2 {
                let outcome = try await EvaluatorTests.evaluate(world, sampled.taskID)
                #expect(outcome.scored == 2 && outcome.failed == 1)
            }
            let store = world.services.documents
            let result = try #require(try await store.result(taskID: sampled.taskID))
            #expect(result["result_data"]?.objectValue?.keys == ["_id", "task_id", "num_samples", "status", "result_height", "result_time"])
            #expect(result["scores"]?.arrayValue?.map { $0["status_code"] } == [0, 0, 3])
            #expect(try await store.allResults().count == 1)
            #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
        }
    }
}
