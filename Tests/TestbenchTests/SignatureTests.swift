import ExtendedJSON
import Foundation
import JSON
import Logging
import Python
import TestSupport
import Testing
import WorkflowDefinitions
@testable import Testbench

/// The fixtures of `scripts/signature-fixtures/generate.py`: a small BPE tokenizer and a Llama
/// config saved by transformers, and what the original's evaluator computes for them.
enum SignatureFixtures {
    static let folder = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/signatures")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func expected() throws -> JSONValue { try JSONValue.parse(try text("expected.json")) }
}

/// A supplier: `/pokt/tokenizer`, `/pokt/config` and `/v1/completions` (echoing the prompt back).
func signatureSupplier(tokenizer: String, config: String) throws -> TestHTTPServer {
    try TestHTTPServer { request in
        switch request.path {
        case "/pokt/tokenizer": return .json(200, tokenizer)
        case "/pokt/config": return .json(200, config)
        case "/v1/completions":
            let prompt = (try? JSONValue.parse(request.body))?["prompt"]?.stringValue ?? ""
            let choice: JSONValue = ["index": 0, "text": .string("echo: " + prompt), "finish_reason": "stop"]
            let body: JSONValue = ["id": "c", "model": "m", "choices": [choice], "usage": ["prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2]]
            return .json(200, body.serialized())
        default: return .json(404, #"{"error": "no route"}"#)
        }
    }
}

func signatureInput(_ task: String, address: String = "pokt1supplier", seed: Int? = nil) -> JSONValue {
    var object = JSONObject([
        ("framework", "signatures"), ("tasks", .string(task)), ("requester_args", ["address": .string(address), "service": "A100"]), ("qty", 1),
    ])
    if let seed { object["random_seed"] = .int(seed) }
    return .object(object)
}

@Suite struct SignatureSamplerTests {
    @Test func identityPromptsAreThoseOfPythonsRandom() throws {
        let expected = try #require(try SignatureFixtures.expected()["identity_prompts_1234"]?.arrayValue).compactMap(\.stringValue)
        #expect(expected.count == 5)
        #expect(SignatureTreeBuilder.identityPrompts(seed: 1234, count: 5) == expected)
    }

    @Test func identityTreeAsTheOriginal() throws {
        let request = try SamplerRequest.parse(signatureInput("identity", seed: 1234))
        let tree = SignatureTreeBuilder(task: .identity, request: request, taskID: ObjectID(), seed: 1234, creationDate: Date()).build()
        #expect(tree.instances.count == 5 && tree.prompts.count == 5)
        // json.dumps(CompletionRequest(model=…, prompt=…, max_tokens=100, temperature=0.0, seed=i).to_dict())
        #expect(tree.prompts.first?["data"] == #"{"model": "pocket_network", "prompt": "id ut Lorem deserunt mollit in cillum consectetur Excepteur et ", "max_tokens": 100, "seed": 0, "temperature": 0.0}"#)
        #expect(tree.prompts.allSatisfy { $0["timeout"] == 60 })
        #expect(tree.task["requester_args"] == ["address": "pokt1supplier", "service": "A100", "method": "POST", "path": "/v1/completions", "headers": [:]])
        #expect(tree.task["qty"] == 5 && tree.task["total_instances"] == 5 && tree.task["request_type"] == "" && tree.task["framework"] == "signatures")
        #expect(tree.instances.first?.keys == ["_id", "task_id", "done", "creation_date"])
    }

    @Test(arguments: [("tokenizer", "/pokt/tokenizer", 300), ("config", "/pokt/config", 60)])
    func fileTreesAsTheOriginal(task: String, path: String, timeout: Int) throws {
        let request = try SamplerRequest.parse(signatureInput(task))
        let kind = try SignatureTask(named: task)
        let tree = SignatureTreeBuilder(task: kind, request: request, taskID: ObjectID(), seed: 0, creationDate: Date()).build()
        #expect(tree.task["requester_args"] == ["address": "pokt1supplier", "service": "A100", "method": "GET", "path": .string(path), "headers": [:]])
        #expect(tree.task["qty"] == 1 && tree.task["total_instances"] == 1 && tree.task["blacklist"] == [])
        #expect(tree.prompts.count == 1 && tree.prompts.first?["data"] == "" && tree.prompts.first?["timeout"] == .int(timeout))
    }

    @Test func anUnknownSignatureTaskIsRefusedNamingIt() async throws {
        let validation = #expect(throws: ApplicationError.self) { try SamplerActivity.validateInput(signatureInput("fingerprint")) }
        #expect(validation?.nonRetryable == true && validation?.type == "BadParams")
        #expect(validation?.message.contains("requested task fingerprint is not supported") == true, "\(validation?.message ?? "")")
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let run = await #expect(throws: ApplicationError.self) { try await world.sample(signatureInput("fingerprint")) }
            #expect(run?.nonRetryable == true && run?.message.contains("fingerprint") == true)
            let written = try await world.services.documents.tasks(matching: TaskQuery())
            #expect(written.isEmpty, "nothing written")
        }
    }
}

@Suite struct SignatureEvaluationTests {
    static let logger = Logger(label: "signature-test")

    @Test func hashesEqualTheOriginalsForFilesSavedByTransformers() throws {
        let expected = try SignatureFixtures.expected()
        let tokenizer = try #require(try JSONValue.parse(try SignatureFixtures.text("tokenizer.json")).objectValue)
        let config = try #require(try JSONValue.parse(try SignatureFixtures.text("config.json")).objectValue)
        let tokenizerFiles = try SignatureEvaluation.checkTokenizer(tokenizer)
        let configFiles = try SignatureEvaluation.checkConfig(config)
        #expect(SignatureEvaluation.hash(tokenizerFiles) == expected["tokenizer_hash_original"]?.stringValue)
        #expect(SignatureEvaluation.hash(configFiles) == expected["config_hash_original"]?.stringValue)
        // Without the round trip's changes the hash would differ: the normalisation is what matches.
        #expect(expected["tokenizer_hash_received"] != expected["tokenizer_hash_original"])
    }

    static func response(_ body: String, code: Int = 0) -> JSONObject {
        JSONObject([("_id", .objectID(ObjectID())), ("ok", .bool(code == 0)), ("error_code", .int(code)), ("ms", 3), ("response", .string(body)),
                    ("error", .string(code == 0 ? "" : "relay failed")), ("height", 77)])
    }

    @Test(arguments: [
        ("tokenizer", "not json", "Cannot decode tokenizer"),
        ("config", "[1, 2]", "Cannot decode configuration"),
        ("tokenizer", #"{"tokenizer": {"model": {"vocab": {}}}}"#, "Cannot load tokenizer from decoded data"),
        ("config", #"{"config": {"hidden_size": 4}}"#, "Cannot load model configuration"),
    ])
    func badFilesAreAFailedSignature(task: String, body: String, signature: String) throws {
        let output = try SignatureEvaluation.evaluate(try SignatureTask(named: task), taskID: ObjectID(), responses: [Self.response(body)], resultTime: Date())
        #expect(output.entry == nil, "nothing registered")
        #expect(output.result["result_data"]?["status"] == 0 && output.result["result_data"]?["num_samples"] == 1)
        #expect(output.result["result_data"]?["result_height"] == 77)
        let entry = try #require(output.result["signatures"]?.arrayValue?.first)
        #expect(entry["signature"] == .string(signature) && entry["status_code"] == 11 && entry["id"] == 0)
        #expect(entry["error_str"]?.stringValue?.isEmpty == false)
    }

    @Test func aResponseOverSixtyFourMebibytesIsNotDecoded() throws {
        let huge = "{\"tokenizer_config\": {}, \"pad\": \"" + String(repeating: "x", count: SignatureEvaluation.maximumResponseBytes) + "\"}"
        let output = try SignatureEvaluation.evaluate(.tokenizer, taskID: ObjectID(), responses: [Self.response(huge)], resultTime: Date())
        #expect(output.entry == nil)
        let entry = try #require(output.result["signatures"]?.arrayValue?.first)
        #expect(entry["signature"] == "Cannot decode tokenizer" && entry["status_code"] == 11)
        #expect(entry["error_str"]?.stringValue?.contains("64 MiB") == true)
    }

    @Test func identityHashesEachAnswerAndKeepsRelayFailures() throws {
        let body = #"{"choices": [{"index": 0, "text": "abc"}]}"#
        let output = try SignatureEvaluation.evaluate(.identity, taskID: ObjectID(),
                                                      responses: [Self.response(body), Self.response("", code: 3), Self.response("{}")], resultTime: Date())
        let signatures = try #require(output.result["signatures"]?.arrayValue)
        // hashlib.sha256("abc".encode()).hexdigest()
        #expect(signatures.map { $0["signature"] } == ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "", ""])
        #expect(signatures.map { $0["status_code"] } == [0, 3, 1])
        #expect(signatures.map { $0["error_str"] } == ["", "relay failed", "failed to decode model response"])
        #expect(output.result["result_data"]?["num_samples"] == 3 && output.result["result_data"]?["status"] == 0)
    }

    /// Sampler → local requester against a supplier → Evaluator, for the three tasks, on `store`.
    static func endToEnd(_ world: SamplerWorld) async throws {
        let expected = try SignatureFixtures.expected()
        let supplier = try signatureSupplier(tokenizer: try SignatureFixtures.text("tokenizer.json"), config: try SignatureFixtures.text("config.json"))
        defer { supplier.stop() }
        let store = world.services.documents
        let requester = LocalRequester(documents: store, endpoint: supplier.baseURL)
        var hashes: [String: String] = [:]
        for task in ["tokenizer", "config", "identity"] {
            for address in ["pokt1first", "pokt1second"] {
                let sampled = try await world.sample(signatureInput(task, address: address, seed: 1234))
                let sent = try await requester.run(supplier: address, logger: logger)
                #expect(sent.map(\.failed) == [0], "\(task): \(sent)")
                let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: logger)
                #expect(outcome.status == 0 && outcome.failed == 0, "\(task): \(outcome)")
                let result = try #require(try await store.result(taskID: sampled.taskID))
                #expect(result.keys == ["_id", "result_data", "signatures"])
                let signatures = try #require(result["signatures"]?.arrayValue)
                #expect(signatures.count == (task == "identity" ? 5 : 1))
                #expect(signatures.allSatisfy { $0["status_code"] == 0 && $0["id"] == 0 && $0["error_str"] == "" })
                #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
                let signature = signatures.first?["signature"]?.stringValue ?? ""
                if let earlier = hashes[task] { #expect(earlier == signature, "the same files give the same signature") }
                hashes[task] = signature
            }
        }
        #expect(hashes["tokenizer"] == expected["tokenizer_hash_original"]?.stringValue)
        #expect(hashes["config"] == expected["config_hash_original"]?.stringValue)
        // hashlib.sha256(("echo: " + prompt).encode()).hexdigest() for the first identity prompt.
        let first = try #require(expected["identity_prompts_1234"]?.arrayValue?.first?.stringValue)
        #expect(hashes["identity"] == SHA256.hex("echo: " + first))
        for (collection, key, hash) in [(DocumentCollection.tokenizers, "tokenizer", hashes["tokenizer"]), (.configs, "config", hashes["config"])] {
            let entries = try await store.signatureEntries(collection, hash: hash ?? "")
            #expect(entries.count == 1, "two suppliers with the same files: one \(collection.rawValue) entry")
            #expect(entries.first?.keys == ["_id", key, "hash"])
            #expect(entries.first?[key]?.objectValue != nil)
        }
        #expect(supplier.requests.filter { $0.method == "GET" }.map(\.path).sorted() == ["/pokt/config", "/pokt/config", "/pokt/tokenizer", "/pokt/tokenizer"])
    }

    @Test func theThreeTasksEndToEndOnPostgreSQL() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) { try await Self.endToEnd(world) }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].map { !$0.isEmpty } ?? false))
    func theThreeTasksEndToEndOnMongoDB() async throws {
        let uri = try #require(ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"])
        let world = try await SamplerWorld.make(mongoURI: uri)
        try await withCleanup({ await world.close() }) { try await Self.endToEnd(world) }
    }

    @Test func aNonJSONTokenizerIsAFailedSignatureAndRegistersNothing() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let supplier = try signatureSupplier(tokenizer: "<html>gateway</html>", config: "{}")
            defer { supplier.stop() }
            let sampled = try await world.sample(signatureInput("tokenizer"))
            _ = try await LocalRequester(documents: world.services.documents, endpoint: supplier.baseURL).run(logger: Self.logger)
            let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: Self.logger)
            #expect(outcome.failed == 1)
            let result = try #require(try await world.services.documents.result(taskID: sampled.taskID))
            #expect(result["signatures"]?.arrayValue?.first?["signature"] == "Cannot decode tokenizer")
            #expect(result["signatures"]?.arrayValue?.first?["status_code"] == 11)
            let hash = SignatureEvaluation.hash(["x": 1])
            #expect(try await world.services.documents.signatureEntries(.tokenizers, hash: hash).isEmpty)
        }
    }

    /// A supplier's tokenizer or config that is not JSON, or is over 64 MiB (the real files padded,
    /// so without the limit they would register): through the Evaluator and the store, a result
    /// with the original's failed signature (status 11), the task evaluated, no registry entry.
    @Test(arguments: [("tokenizer", false), ("config", false), ("tokenizer", true)])
    func aBadBodyIsAFailedResultAndRegistersNothing(task: String, oversized: Bool) async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let store = world.services.documents
            let sampled = try await world.sample(signatureInput(task))
            let prompt = try #require(try await store.prompts(taskID: sampled.taskID).first)
            let files = try SignatureFixtures.text(task == "tokenizer" ? "tokenizer.json" : "config.json")
            let body = oversized ? files + String(repeating: " ", count: SignatureEvaluation.maximumResponseBytes) : "<html>502 Bad Gateway</html>"
            var response = SignatureEvaluationTests.response(body)
            response["task_id"] = .objectID(sampled.taskID)
            response["instance_id"] = prompt["instance_id"]
            response["prompt_id"] = prompt["_id"]
            try await store.insertResponses([response])
            let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: Self.logger)
            #expect(outcome.status == 0 && outcome.failed == 1 && outcome.scored == 0)
            let result = try #require(try await store.result(taskID: sampled.taskID))
            #expect(result["result_data"]?["status"] == 0 && result["result_data"]?["num_samples"] == 1)
            let signature = try #require(result["signatures"]?.arrayValue?.first)
            #expect(signature["signature"] == .string(task == "tokenizer" ? "Cannot decode tokenizer" : "Cannot decode configuration"))
            #expect(signature["status_code"] == 11)
            #expect(signature["error_str"]?.stringValue?.contains("64 MiB") == oversized)
            #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
            let expected = try SignatureFixtures.expected()
            let hash = try #require(expected[task == "tokenizer" ? "tokenizer_hash_original" : "config_hash_original"]?.stringValue)
            #expect(try await store.signatureEntries(task == "tokenizer" ? .tokenizers : .configs, hash: hash).isEmpty)
        }
    }

    @Test func noResponsesIsTheOriginalsFailedResult() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let sampled = try await world.sample(signatureInput("config"))
            let error = await #expect(throws: ApplicationError.self) {
                try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: Self.logger)
            }
            #expect(error?.type == "EvalError" && error?.nonRetryable == true)
            let result = try #require(try await world.services.documents.result(taskID: sampled.taskID))
            #expect(result["result_data"]?["status"] == 11 && result["result_data"]?["num_samples"] == 0 && result["result_data"]?["result_height"] == -1)
            #expect(result["signatures"] == [])
            #expect(try await world.services.documents.task(id: sampled.taskID)?["evaluated"] == true)
        }
    }

    @Test func anUnknownSignatureTaskDocumentIsNotEvaluated() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            let sampled = try await world.sample(signatureInput("config"))
            let store = world.services.documents
            var task = try #require(try await store.task(id: sampled.taskID))
            task["tasks"] = "fingerprint"
            try await store.replaceTaskTree(TaskTree(task: task, instances: try await store.instances(taskID: sampled.taskID),
                                                     prompts: try await store.prompts(taskID: sampled.taskID)))
            let error = await #expect(throws: ApplicationError.self) {
                try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: Self.logger)
            }
            #expect(error?.nonRetryable == true && error?.message.contains("Task fingerprint of framework signatures") == true)
            #expect(try await store.result(taskID: sampled.taskID) == nil)
        }
    }
}
