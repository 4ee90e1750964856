import ExtendedJSON
import Foundation
import JSON
import LMEval
import Mongo
import Postgres
import TestSupport
import Testing
import WorkflowDefinitions
@testable import Testbench

/// Register, then Sampler, against PostgreSQL (dataset tables and the JSONB document store).
@Suite struct SamplerEndToEndTests {
    @Test func registerThenSampleWritesATreeThatReadsBack() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let range = try await world.testRange("word_sorting")
            let outcome = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([11, 0, 7, 3])), runID: "run-e2e")
            #expect(outcome.taskID == SamplerIDs.taskID(runID: "run-e2e"))
            #expect(range.minID == bigbenchTestStart, "the test split does not start at __id 0")
            #expect(outcome.docIDs == testRows([0, 3, 7, 11]), "doc ids are the table's __ids")
            #expect(outcome.prompts == 4)
            #expect(outcome.json["task_id"] == .string(outcome.taskID.hex))

            let store = world.services.documents
            let task = try #require(try await store.task(id: outcome.taskID))
            #expect(task.keys == ["_id", "framework", "requester_args", "blacklist", "llm_args", "num_fewshot", "gen_kwargs",
                                  "bootstrap_iters", "system_instruction", "apply_chat_template", "fewshot_as_multiturn",
                                  "confirm_run_unsafe_code", "qty", "random_seed", "tasks", "total_instances", "request_type", "done",
                                  "evaluated", "drop", "creation_date"])
            #expect(task["framework"] == "lmeh")
            #expect(task["requester_args"] == ["address": "pokt1supplier", "service": "A100", "method": "POST", "path": "/v1/completions",
                                               "headers": ["Content-Type": "application/json"]])
            #expect(task["llm_args"] == ["model": "testbench-model", "trust_remote_code": true, "tokenized_requests": false, "tokenizer_backend": nil])
            #expect(task["num_fewshot"] == 3)
            #expect(task["apply_chat_template"] == false)
            #expect(task["fewshot_as_multiturn"] == false)
            #expect(task["qty"] == 4)
            #expect(task["total_instances"] == 4)
            #expect(task["random_seed"] == .null)
            #expect(task["tasks"] == "bigbench_word_sorting")
            #expect(task["request_type"] == "generate_until")
            #expect(task["done"] == false && task["evaluated"] == false && task["drop"] == false)
            #expect(task["creation_date"]?.dateValue != nil)

            let instances = try await store.instances(taskID: outcome.taskID)
            #expect(instances.map { $0["doc_id"] } == testRows([0, 3, 7, 11]).map(JSONValue.int))
            let first = try #require(instances.first)
            #expect(first.keys == DocumentCollection.instances.fieldOrder)
            #expect(first["task_id"]?.objectIDValue == outcome.taskID)
            #expect(first["metadata"] == ["bigbench_word_sorting", .int(range.minID), 1])
            #expect(first["doc"]?["__id"] == .int(range.minID))
            #expect(first["doc"]?["task"] == "bigbench_word_sorting")
            #expect(first["arguments"]?.arrayValue?.last == ["until": ["\n\n", "Q:", "</s>"], "do_sample": false, "temperature": 0.0, "max_gen_toks": 32])

            let prompts = try await store.prompts(taskID: outcome.taskID)
            #expect(prompts.count == 4)
            #expect(prompts.map { $0["instance_id"] } == instances.map { $0["_id"] })
            #expect(prompts.allSatisfy { $0["timeout"] == 60 && $0["done"] == false && $0["trigger_session"] == 0 })
            #expect(prompts.first?.keys == DocumentCollection.prompts.fieldOrder)

            let listed = try await store.tasks(matching: TaskQuery(supplierAddress: "pokt1supplier", taskName: "bigbench_word_sorting"))
            #expect(listed.map { $0["_id"] } == [.objectID(outcome.taskID)])
        }
    }

    struct ParityCase: CustomStringConvertible, Sendable {
        var fixture: String
        var task: String
        var dataset: String
        var path: String
        var extra: [(String, JSONValue)] = []
        var description: String { fixture }
    }

    static let parityCases: [ParityCase] = [
        ParityCase(fixture: "bigbench_word_sorting_completion", task: "bigbench_word_sorting", dataset: "word_sorting", path: "/v1/completions"),
        ParityCase(fixture: "bigbench_word_sorting_5shot_completion_system", task: "bigbench_word_sorting", dataset: "word_sorting",
                   path: "/v1/completions", extra: [("num_fewshot", 5), ("system_instruction", "Answer with the answer only.")]),
        ParityCase(fixture: "bigbench_object_counting_cot_completion", task: "bigbench_object_counting_cot", dataset: "object_counting",
                   path: "/v1/completions"),
        ParityCase(fixture: "bigbench_date_understanding_chat", task: "bigbench_date_understanding", dataset: "date_understanding",
                   path: "/v1/chat/completions", extra: [("fewshot_as_multiturn", false)]),
        ParityCase(fixture: "bigbench_boolean_expressions_chat_multiturn", task: "bigbench_boolean_expressions", dataset: "boolean_expressions",
                   path: "/v1/chat/completions"),
        ParityCase(fixture: "bigbench_navigate_chat_system", task: "bigbench_navigate", dataset: "navigate", path: "/v1/chat/completions",
                   extra: [("fewshot_as_multiturn", false), ("system_instruction", "Answer with the answer only.")]),
    ]

    @Test("prompts equal lm-eval's parity fixtures for the same doc ids", arguments: parityCases)
    func promptsMatchTheParityFixtures(_ testCase: ParityCase) async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register(testCase.task, dataset: testCase.dataset)
            let expected = try PackagePaths.parityLines(testCase.fixture)
            let ids = [1, 4, 5, 10]
            let outcome = try await world.sample(samplerInput(task: testCase.task, docIDs: testRows(ids), path: testCase.path, extra: testCase.extra))
            let prompts = try await world.services.documents.prompts(taskID: outcome.taskID)
            let instances = try await world.services.documents.instances(taskID: outcome.taskID)
            #expect(prompts.count == ids.count)
            for (id, (prompt, instance)) in zip(ids, zip(prompts, instances)) {
                let want = try #require(expected.first { $0["doc_id"] == .int(id) })
                let data = try #require(prompt["data"]?.stringValue)
                let request = try JSONValue.parse(data)
                #expect(request == want["request"], "\(testCase.fixture) doc \(id): request differs")
                #expect(request.objectValue?.keys == want["request"]?.objectValue?.keys, "\(testCase.fixture) doc \(id): key order differs")
                // `data` is the body as lm-eval POSTs it (requests' json.dumps: ", "/": " separators, ASCII).
                #expect(data == (want["request"] ?? .null).serialized(.python))
                if case let .string(text)? = want["prompt"] {
                    #expect(instance["arguments"]?.arrayValue?.first == .string(text))
                    #expect(prompt["ctxlen"] == .int(ContextLength.estimate(.text(text))))
                }
            }
        }
    }

    /// As the original's `check_split_exist`: every split the task declares must be in its table,
    /// even one this sample would not read (here a validation split the dataset lacks).
    @Test func aDeclaredSplitMissingFromTheTableIsRefused() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splits-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try Data("""
                task: bigbench_navigate_with_validation
                include: \(PackagePaths.tasks)/bigbench/navigate.yaml
                validation_split: validation
                """.utf8).write(to: URL(fileURLWithPath: folder + "/bigbench_navigate_with_validation.yaml"))
            var config = world.services.config
            config.includePath.append(folder)
            let services = TestbenchServices(config: config, postgres: world.pool, documents: world.services.documents, logger: world.services.logger)
            _ = try await TaskRegistrar(services: services, huggingFace: nil).register(
                RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate_with_validation"]), logger: services.logger)
            let input = try SamplerRequest.parse(samplerInput(task: "bigbench_navigate_with_validation", qty: 2))
            for attempt in ["preflight", "sample"] {
                let error = await #expect(throws: ApplicationError.self) {
                    if attempt == "preflight" {
                        try await Sampler(services: services).preflight(input)
                    } else {
                        _ = try await Sampler(services: services).sample(input, runID: "splits", logger: services.logger)
                    }
                }
                #expect(error?.nonRetryable == true && error?.type == "SQLError", "\(attempt)")
                #expect(error?.message.contains("'validation' split not found in _split_ranges of bigbench--navigate: train, test") == true,
                        "\(attempt): \(error?.message ?? "")")
            }
            let written = try await services.documents.tasks(matching: TaskQuery())
            #expect(written.isEmpty)
        }
    }

    @Test func qtyBelowZeroSamplesEveryDocument() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let range = try await world.testRange("navigate")
            let outcome = try await world.sample(samplerInput(task: "bigbench_navigate", qty: -1, blacklist: [1, 2]))
            #expect(outcome.docIDs == Array(range.minID...range.maxID))
            let instances = try await world.services.documents.instances(taskID: outcome.taskID)
            #expect(instances.map { $0["doc_id"]?.intValue ?? -1 } == Array(range.minID...range.maxID))
            #expect(instances.map { $0["doc"]?["__id"]?.intValue ?? -1 } == Array(range.minID...range.maxID))
            let task = try await world.services.documents.task(id: outcome.taskID)
            #expect(task?["blacklist"] == [], "qty < 0 clears the blacklist, as the original")
            #expect(task?["qty"] == .int(range.count))
        }
    }

    /// The selected rows are read from the dataset table a chunk at a time while the store writes
    /// (one range scan for a chunk without gaps, the ids otherwise); the documents equal those of a
    /// sample whose rows were all read at once (the bundled splits are smaller than the default chunk).
    @Test(arguments: [
        samplerInput(task: "bigbench_word_sorting", qty: -1),
        samplerInput(task: "bigbench_word_sorting", qty: 60, extra: [("seed", 7)]),
        samplerInput(task: "bigbench_word_sorting", docIDs: testRows([249, 0, 8, 9, 10, 11, 12, 13, 14, 15, 40, 200, 201])),
        samplerInput(task: "bigbench_word_sorting", qty: -1, path: "/v1/chat/completions", extra: [("num_fewshot", 3)]),
    ])
    func rowsReadChunkByChunkWhileWritingGiveTheDocumentsOfOneRead(input: JSONValue) async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let request = try SamplerRequest.parse(input)
            let whole = try await Sampler(services: world.services).sample(request, runID: "whole", logger: world.services.logger)
            let chunked = try await Sampler(services: world.services, rowChunk: 7).sample(request, runID: "chunked", logger: world.services.logger)
            #expect(chunked.docIDs == whole.docIDs)
            #expect(chunked.docIDs.count > 7)
            let store = world.services.documents
            let (wholePrompts, chunkedPrompts) = (try await store.prompts(taskID: whole.taskID), try await store.prompts(taskID: chunked.taskID))
            #expect(chunkedPrompts.count == whole.docIDs.count)
            #expect(chunkedPrompts.map { $0["data"] } == wholePrompts.map { $0["data"] })
            let (wholeInstances, chunkedInstances) = (try await store.instances(taskID: whole.taskID), try await store.instances(taskID: chunked.taskID))
            #expect(chunkedInstances.map { $0["doc"] } == wholeInstances.map { $0["doc"] })
            #expect(chunkedInstances.map { $0["doc_id"] } == wholeInstances.map { $0["doc_id"] })
        }
    }

    @Test func aSeededDrawSkipsTheBlacklistAndIsReproducible() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let range = try await world.testRange("navigate")
            let blacklist = testRows([0, 5, 17, 99, range.count - 1])
            let input = samplerInput(task: "bigbench_navigate", qty: 40, blacklist: blacklist, extra: [("random_seed", 2024)])
            let first = try await world.sample(input)
            let second = try await world.sample(input)
            #expect(first.docIDs == second.docIDs)
            #expect(first.taskID != second.taskID)
            #expect(Set(first.docIDs).isDisjoint(with: blacklist))
            #expect(first.seed == 2024)
            #expect(try await world.services.documents.task(id: first.taskID)?["random_seed"] == 2024)
            // Every document outside the blacklist: exactly the complement.
            let all = try await world.sample(samplerInput(task: "bigbench_navigate", qty: range.count - blacklist.count, blacklist: blacklist))
            #expect(all.docIDs == Array(Set(range.minID...range.maxID).subtracting(blacklist)).sorted())
            let unseeded = try await world.services.documents.task(id: all.taskID)
            #expect(unseeded?["random_seed"]?.intValue == all.seed, "a drawn seed is stored so the run can be reproduced")
        }
    }

    @Test func promptTimeoutsFollowTheServiceConfig() async throws {
        let tilt = ServiceTimeouts(promptLength: [0, 8192, 32768], slaTime: [0, 2, 10], tpot: 1.0, queue: 180)
        let world = try await SamplerWorld.make(timeouts: ["default": tilt])
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let outcome = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0, 1, 2])))
            let prompts = try await world.services.documents.prompts(taskID: outcome.taskID)
            for prompt in prompts {
                let ctxlen = try #require(prompt["ctxlen"]?.intValue)
                // max_gen_toks 32 from the task; ttft(ctxlen) is below one second for these short prompts.
                #expect(prompt["timeout"] == .int(PromptTimeout(tilt).seconds(ctxlen: ctxlen, maxTokens: 32)))
                #expect(prompt["timeout"] == 212)
            }
        }
    }

    @Test func aRetryReplacesWhatACrashedAttemptLeft() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let runID = "run-crashed"
            let taskID = SamplerIDs.taskID(runID: runID)
            // What a crashed attempt may leave without a transaction: prompts and instances, no task.
            let stale = DocumentStoreTests.tree(taskID: taskID, count: 7)
            try await world.services.documents.replaceTaskTree(stale)
            _ = try await world.pool.withConnection { connection in
                try await connection.execute("DELETE FROM \(Postgres.quoteIdentifier(schema: world.schema, "tasks"))")
            }
            let outcome = try await world.sample(samplerInput(task: "bigbench_navigate", docIDs: testRows([2, 3])), runID: runID)
            #expect(outcome.taskID == taskID)
            let prompts = try await world.services.documents.prompts(taskID: taskID)
            #expect(prompts.count == 2)
            #expect(try await world.services.documents.instances(taskID: taskID).map { $0["doc_id"] } == testRows([2, 3]).map(JSONValue.int))
            #expect(try await world.allTasks().count == 1)
        }
    }

    @Test func aWriteThatFailsHalfWayLeavesNoPartialTree() async throws {
        let world = try await SamplerWorld.make(wrap: { FailingDocumentStore(base: $0, mode: .duplicatePromptID) })
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let error = await #expect(throws: ApplicationError.self) {
                try await world.sample(samplerInput(task: "bigbench_navigate", qty: 5), runID: "run-half")
            }
            #expect(error?.nonRetryable == true, "a document the store rejects is not retried")
            let taskID = SamplerIDs.taskID(runID: "run-half")
            #expect(try await world.services.documents.task(id: taskID) == nil)
            #expect(try await world.services.documents.instances(taskID: taskID).isEmpty)
            #expect(try await world.services.documents.prompts(taskID: taskID).isEmpty)
        }
    }

    @Test func anUnavailableStoreIsRetryable() async throws {
        let world = try await SamplerWorld.make(wrap: { FailingDocumentStore(base: $0, mode: .unavailable) })
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let error = await #expect(throws: ApplicationError.self) {
                try await world.sample(samplerInput(task: "bigbench_navigate", qty: 5))
            }
            #expect(error?.nonRetryable == false)
            #expect(error?.type == "DocumentStore")
        }
    }

    struct BadRun: CustomStringConvertible, Sendable {
        var name: String
        var input: JSONValue
        var message: String
        var type: String
        var description: String { name }
    }

    static let badRuns: [BadRun] = [
        BadRun(name: "unknown task", input: samplerInput(task: "no_such_task", qty: 3), message: "no_such_task", type: "TaskNotFound"),
        BadRun(name: "task not registered", input: samplerInput(task: "bigbench_web_of_lies", qty: 3),
               message: "run the Register workflow", type: "TaskNotRegistered"),
        BadRun(name: "qty larger than the split", input: samplerInput(task: "bigbench_navigate", qty: 100_000),
               message: "Quantity of numbers to generate is greater than the range", type: "BadParams"),
        BadRun(name: "doc ids out of range", input: samplerInput(task: "bigbench_navigate", docIDs: [1, 100_000]),
               message: "Doc_ids not in split range", type: "BadParams"),
        BadRun(name: "blacklist outside the split", input: samplerInput(task: "bigbench_navigate", qty: 3, blacklist: [100_000]),
               message: "were not founded in the range", type: "BadParams"),
        BadRun(name: "unsupported path", input: samplerInput(task: "bigbench_navigate", qty: 3, path: "/v1/embeddings"),
               message: "Unsupported path for LLM API", type: "UnsupportedPath"),
        BadRun(name: "multiturn without chat template",
               input: samplerInput(task: "bigbench_navigate", qty: 3, path: "/v1/chat/completions", extra: [("apply_chat_template", false)]),
               message: "`apply_chat_template` must be set", type: "BadParams"),
        BadRun(name: "framework", input: samplerInput(task: "bigbench_navigate", qty: 3, extra: [("framework", "helm")]),
               message: "helm framework not implemented yet", type: "BadParams"),
        BadRun(name: "signatures spelled otherwise (the original compares it exactly)",
               input: samplerInput(task: "tokenizer", qty: 1, extra: [("framework", "signatures-v2")]),
               message: "signatures-v2 framework not implemented yet", type: "BadParams"),
        BadRun(name: "a signatures task the original does not know", input: samplerInput(task: "bigbench_navigate", qty: 3, extra: [("framework", "signatures")]),
               message: "requested task bigbench_navigate is not supported by framework signatures", type: "BadParams"),
        BadRun(name: "group of several tasks", input: samplerInput(task: "bigbench", qty: 3), message: "a Sampler run samples one task",
               type: "BadParams"),
    ]

    @Test("bad input: a non-retryable error, nothing written", arguments: badRuns)
    func badInputWritesNothing(_ bad: BadRun) async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let error = await #expect(throws: ApplicationError.self) { try await world.sample(bad.input) }
            #expect(error?.message.contains(bad.message) == true, "\(error?.message ?? "")")
            #expect(error?.type == bad.type)
            #expect(error?.nonRetryable == true)
            #expect(try await world.allTasks().isEmpty)
        }
    }

    /// A registered task the per-task configuration has no entry for is refused as the original's
    /// `get_task_config` refuses it (non-retryably, naming the task), and nothing is written.
    @Test func aTaskWithoutAConfigurationEntryIsRefused() async throws {
        let table = TaskSettingsTable(entries: ["gsm8k": TaskSettings(metrics: ["exact_match"])], source: "test table")
        let world = try await SamplerWorld.make(taskSettings: table)
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_word_sorting", dataset: "word_sorting")
            let error = await #expect(throws: ApplicationError.self) { try await world.sample(samplerInput(task: "bigbench_word_sorting", qty: 2)) }
            #expect(error?.nonRetryable == true)
            #expect(error?.message.contains("bigbench_word_sorting is not in the task configuration") == true, "\(error?.message ?? "")")
            #expect(try await world.allTasks().isEmpty)
        }
    }

    /// The original dispatches on `"lmeh" in framework`: `lmeh-generative` is sampled as lmeh and kept as given.
    @Test func anyFrameworkContainingLmehIsLmeh() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let outcome = try await world.sample(samplerInput(task: "bigbench_navigate", qty: 2, extra: [("framework", "lmeh-generative")]))
            #expect(outcome.docIDs.count == 2 && outcome.prompts == 2)
            #expect(try await world.services.documents.task(id: outcome.taskID)?["framework"] == "lmeh-generative")
        }
    }

    @Test func anUnreachableDatabaseIsRetryable() async throws {
        let pool = PostgresConnectionPool(uri: "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", maxConnections: 1)
        let config = TestbenchConfig(includePath: [PackagePaths.tasks])
        let services = TestbenchServices(config: config, postgres: pool, documents: PostgresDocumentStore(pool: pool))
        let error = await #expect(throws: ApplicationError.self) {
            try await Sampler(services: services).sample(SamplerRequest.parse(samplerInput(task: "bigbench_navigate", qty: 3)),
                                                         runID: "r", logger: services.logger)
        }
        #expect(error?.nonRetryable == false)
    }

    @Test func anUnreachableMongoDBIsRetryable() async throws {
        let unreachable = "mongodb://127.0.0.1:1/pocket?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
        let world = try await SamplerWorld.make(wrap: { _ in MongoDocumentStore(pool: try! MongoClientPool(uri: unreachable)) })
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let error = await #expect(throws: ApplicationError.self) { try await world.sample(samplerInput(task: "bigbench_navigate", qty: 5)) }
            #expect(error?.nonRetryable == false, "\(error?.message ?? "")")
            #expect(error?.message.contains("mongodb") == true)
        }
    }

    @Test func theActivityReturnsTheTaskIDAndFailsBadInputNonRetryably() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let activity = SamplerActivity(services: world.services)
            // The original's README example shape (its MMLU task replaced by a bundled one).
            let input = try JSONValue.parse(
                #"{"framework": "lmeh","tasks": "bigbench_navigate", "requester_args": {"address": "SUPPLIER_ADDRESS", "service": "SERVICE_CODE"}, "blacklist": [11, 12], "qty": 15}"#)
            try activity.validate(input)
            let result = try await activity.run(input, context: activityContext(runID: "run-activity"))
            let taskID = try #require(result["task_id"]?.stringValue)
            #expect(taskID == SamplerIDs.taskID(runID: "run-activity").hex)
            #expect(result["instances"] == 15)
            let prompts = try await world.services.documents.prompts(taskID: try #require(ObjectID(hex: taskID)))
            // The chat path is the default: messages, as lm-eval's chat model sends them.
            #expect(try JSONValue.parse(prompts.first?["data"]?.stringValue ?? "")["messages"] != nil)

            let bad = samplerInput(task: "bigbench_navigate", qty: 3, path: "/v1/embeddings")
            #expect(throws: ApplicationError.self) { try activity.validate(bad) }
            let error = await #expect(throws: ApplicationError.self) { try await activity.run(bad, context: activityContext(runID: "run-bad")) }
            #expect(error?.nonRetryable == true)
            #expect(error?.type == "UnsupportedPath")
        }
    }
}
