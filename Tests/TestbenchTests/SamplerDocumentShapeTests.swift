import ExtendedJSON
import Foundation
import JSON
import LMEval
import Mongo
import TestSupport
import Testing
@testable import Testbench
import WorkflowDefinitions

/// The BSON the Sampler's documents become, checked against the original's contract
/// (ORIGINAL_CONTRACTS §3.1–3.3): field names, ObjectIds, dates, int32s.
@Suite struct SamplerDocumentShapeTests {
    static func tree(path: String) throws -> TaskTree {
        let index = try TaskIndex(folders: [PackagePaths.tasks])
        let task = try index.resolveTask(named: "bigbench_navigate")
        let documents = try LocalDocuments(folder: PackagePaths.datasets + "/bigbench/navigate")
        let request = try SamplerRequest.parse(samplerInput(task: "bigbench_navigate", docIDs: [0, 1], path: path))
        let form = try request.promptForm()
        let options = PromptOptions(applyChatTemplate: form.applyChatTemplate, fewshotAsMultiturn: form.fewshotAsMultiturn)
        let model = Sampler.modelOptions(request.llmArgs)
        let rendered = try TaskRenderer(task: task, documents: documents, options: options, model: model).render(docIDs: [0, 1])
        let builder = TaskTreeBuilder(
            request: request, form: form, numFewshot: 3, model: model, taskID: SamplerIDs.taskID(runID: "shape"),
            taskName: task.name, firstRowID: 5, seed: 7, timeout: PromptTimeout(nil), creationDate: Date())
        return builder.build(rendered, requestType: "generate_until")
    }

    /// Types of the top-level fields only.
    static func topLevel(_ object: JSONObject) throws -> [String: String] {
        try BSONInspector.types(of: object).filter { !$0.key.contains(".") }
    }

    @Test(arguments: ["/v1/completions", "/v1/chat/completions"])
    func taskDocument(path: String) throws {
        let task = try Self.tree(path: path).task
        #expect(try Self.topLevel(task) == [
            "_id": "objectId", "framework": "string", "requester_args": "document", "blacklist": "array", "llm_args": "document",
            "num_fewshot": "int32", "gen_kwargs": "null", "bootstrap_iters": "int32", "system_instruction": "null",
            "apply_chat_template": "bool", "fewshot_as_multiturn": "bool", "confirm_run_unsafe_code": "bool", "qty": "int32",
            "random_seed": "int32", "tasks": "string", "total_instances": "int32", "request_type": "string", "done": "bool",
            "evaluated": "bool", "drop": "bool", "creation_date": "date",
        ])
        let types = try BSONInspector.types(of: task)
        for key in ["address", "service", "method", "path"] { #expect(types["requester_args.\(key)"] == "string") }
        #expect(types["requester_args.headers"] == "document")
        #expect(task["requester_args"]?.objectValue?.keys == ["address", "service", "method", "path", "headers"])
    }

    @Test(arguments: ["/v1/completions", "/v1/chat/completions"])
    func instanceDocuments(path: String) throws {
        let tree = try Self.tree(path: path)
        for instance in tree.instances {
            #expect(try Self.topLevel(instance) == [
                "_id": "objectId", "task_id": "objectId", "request_type": "string", "doc": "document", "arguments": "array",
                "idx": "int32", "metadata": "array", "task_name": "string", "doc_id": "int32", "repeats": "int32", "done": "bool",
                "creation_date": "date",
            ])
            let types = try BSONInspector.types(of: instance)
            #expect(types["arguments.0"] == "string")
            #expect(types["arguments.1"] == "document")
            #expect(types["metadata.0"] == "string" && types["metadata.1"] == "int32" && types["metadata.2"] == "int32")
            #expect(types["doc.__id"] == "int32" && types["doc.task"] == "string")
            #expect(instance["task_id"] == tree.task["_id"])
        }
        // Chat: the context argument is lm-eval's JSON text of the messages (with "type": "text").
        if path.hasSuffix("chat/completions") {
            let context = try #require(tree.instances.first?["arguments"]?.arrayValue?.first?.stringValue)
            #expect(try JSONValue.parse(context).arrayValue?.first?["type"] == "text")
        }
    }

    @Test(arguments: ["/v1/completions", "/v1/chat/completions"])
    func promptDocuments(path: String) throws {
        let tree = try Self.tree(path: path)
        for (prompt, instance) in zip(tree.prompts, tree.instances) {
            #expect(try Self.topLevel(prompt) == [
                "_id": "objectId", "data": "string", "task_id": "objectId", "instance_id": "objectId", "timeout": "int32",
                "done": "bool", "trigger_session": "int32", "creation_date": "date", "ctxlen": "int32", "context_enc": "null",
                "continuation_enc": "null",
            ])
            #expect(prompt["instance_id"] == instance["_id"])
            let body = try JSONValue.parse(try #require(prompt["data"]?.stringValue))
            let keys = body.objectValue?.keys ?? []
            #expect(keys == (path.hasSuffix("chat/completions")
                ? ["messages", "model", "max_tokens", "temperature", "stop", "seed"]
                : ["prompt", "model", "max_tokens", "temperature", "stop", "seed"]))
        }
    }
}

/// The Sampler against a live MongoDB (set TESTBENCH_MONGODB_URI, a replica set for transactions).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].map { !$0.isEmpty } ?? false))
struct SamplerMongoIntegrationTests {
    static var uri: String { ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"] ?? "" }

    @Test func writesAndReadsBackTheTreeWithBSONTypes() async throws {
        let world = try await SamplerWorld.make(mongoURI: Self.uri)
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let outcome = try await world.sample(samplerInput(task: "bigbench_navigate", qty: 10, extra: [("seed", 3)]), runID: "mongo-run")
            let store = world.services.documents
            #expect(store.kind == "mongodb")
            let task = try #require(try await store.task(id: outcome.taskID))
            #expect(task["_id"]?.objectIDValue == outcome.taskID)
            #expect(task["creation_date"]?.dateValue != nil)
            let instances = try await store.instances(taskID: outcome.taskID)
            #expect(instances.map { $0["doc_id"]?.intValue ?? -1 } == outcome.docIDs)
            #expect(instances.allSatisfy { $0["task_id"]?.objectIDValue == outcome.taskID })
            let prompts = try await store.prompts(taskID: outcome.taskID)
            #expect(prompts.count == 10)
            #expect(prompts.map { $0["instance_id"] } == instances.map { $0["_id"] })

            // A retry of the same run replaces the tree.
            let again = try await world.sample(samplerInput(task: "bigbench_navigate", qty: 4, extra: [("seed", 3)]), runID: "mongo-run")
            #expect(again.taskID == outcome.taskID)
            #expect(try await store.prompts(taskID: outcome.taskID).count == 4)
            #expect(try await store.tasks(matching: TaskQuery()).count == 1)
        }
    }

    @Test func aDocumentMongoRejectsIsNotRetried() async throws {
        let world = try await SamplerWorld.make(mongoURI: Self.uri, wrap: { FailingDocumentStore(base: $0, mode: .duplicatePromptID) })
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate", dataset: "navigate")
            let error = await #expect(throws: ApplicationError.self) { try await world.sample(samplerInput(task: "bigbench_navigate", qty: 5), runID: "m2") }
            #expect(error?.nonRetryable == true)
            #expect(try await world.services.documents.task(id: SamplerIDs.taskID(runID: "m2")) == nil)
        }
    }
}
