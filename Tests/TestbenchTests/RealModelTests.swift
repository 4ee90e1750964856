import ExtendedJSON
import Foundation
import JSON
import LMEval
import TestSupport
import Testing
@testable import Testbench

/// A model server the real-model tests talk to, from an environment variable. `make test` starts
/// both (scripts/llama-server.sh, scripts/logprob-server.sh) before the tests: starting one from a
/// test would hold one of the two cooperative threads for the minutes a first install takes.
struct ModelServer: Sendable {
    let variable: String
    let script: String
    let printed: String

    /// llama.cpp's server: generations (it ignores `echo`).
    static let llama = ModelServer(variable: "TESTBENCH_LLAMA_ENDPOINT", script: "scripts/llama-server.sh", printed: "LLAMA_ENDPOINT")
    /// scripts/logprob/serve.py: echoed prompt logprobs, and `/v1/loglikelihood` computed from the logits.
    static let logprob = ModelServer(variable: "TESTBENCH_LOGPROB_ENDPOINT", script: "scripts/logprob-server.sh", printed: "LOGPROB_ENDPOINT")

    func endpoint() throws -> String {
        guard let given = ProcessInfo.processInfo.environment[variable], !given.isEmpty else {
            throw TestSetupError("no model server: run the tests with `make test`, or start one with `eval \"$(\(script) start)\"` and set \(variable)=$\(printed)")
        }
        return given
    }

    /// Runs `body` with the server's address.
    func with<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        try await body(try endpoint())
    }
}

/// Real generations from SmolLM2-135M-Instruct (llama.cpp server) through lm-eval's filters and
/// metrics: reference runs on both APIs, and Sampler → requester → Evaluator on PostgreSQL.
/// Few documents and short generations: the model is small and the machine has two cores.
@Suite(.serialized, .timeLimit(.minutes(10))) struct RealModelTests {
    static let model = "SmolLM2-135M-Instruct"

    /// What the bundled direct-answer filter keeps: the first line after leading blanks, stripped.
    static func firstLine(_ text: String) -> String {
        let trimmed = text.drop { $0.isWhitespace }
        return String(trimmed.prefix { $0 != "\n" && $0 != "\r" }).trimmingCharacters(in: .whitespaces)
    }

    /// The requester: POSTs each prompt's `data` verbatim, and gives the `responses` document the Go
    /// requester would store for it (raw body, latency, height 7).
    static func request(_ taskID: ObjectID, store: any DocumentStore, client: OpenAIClient) async throws
        -> [(prompt: JSONObject, reply: CompletionReply, response: JSONObject)] {
        var out: [(prompt: JSONObject, reply: CompletionReply, response: JSONObject)] = []
        for prompt in try await store.prompts(taskID: taskID) {
            let text = try #require(prompt["data"]?.stringValue)
            let data = try #require(try JSONValue.parse(text).objectValue)
            let reply = try await client.complete(data).get()
            out.append((prompt, reply, JSONObject([
                ("_id", .objectID(ObjectID())), ("ok", true), ("error_code", 0), ("ms", .int(reply.milliseconds)),
                ("response", .string(reply.body)), ("error", ""), ("height", 7), ("session_height", 7),
                ("task_id", .objectID(taskID)), ("instance_id", prompt["instance_id"] ?? .null), ("prompt_id", prompt["_id"] ?? .null),
            ])))
        }
        return out
    }

    static func clientOptions(_ endpoint: String, api: CompletionAPI) throws -> OpenAIClient.Options {
        OpenAIClient.Options(url: try #require(OpenAIClient.url(endpoint: endpoint, api: api)), api: api, timeout: 240, retries: 2, concurrency: 1)
    }

    @Test(arguments: [false, true])
    func referenceRunScoresRealGenerations(chat: Bool) async throws {
        try await ModelServer.llama.with { endpoint in
            let options = ReferenceRunOptions(tasks: ["bigbench_boolean_expressions"], datasetsDir: PackagePaths.datasets, limit: .count(4),
                                              chat: chat, maxGenToks: 16, model: Self.model)
            let runner = ReferenceRunner(index: try TaskIndex(folders: [PackagePaths.tasks]), options: options)
            let report = try await runner.run(.endpoint(try Self.clientOptions(endpoint, api: options.api)))
            let task = try #require(report.tasks.first)
            #expect(task.failures.isEmpty, "\(task.failures)")
            #expect(task.samples.map(\.docID) == [0, 1, 2, 3])
            let targets = try ReferenceRunTests.targets("boolean_expressions")
            for sample in task.samples {
                #expect(!sample.response.isEmpty)
                let expected = sample.response == CompletionBody.emptyAnswer ? sample.response : Self.firstLine(sample.response)
                #expect(sample.filtered == .string(expected), "response \(sample.response.debugDescription)")
                let right = expected.lowercased() == targets[sample.docID].lowercased()
                #expect(sample.metrics.first?.name == "exact_match")
                #expect(sample.metrics.first?.value == .double(right ? 1 : 0), "filtered \(expected) vs target \(targets[sample.docID])")
                print("real model (\(chat ? "chat" : "completions")) doc \(sample.docID): response \(sample.response.debugDescription) → \(sample.filtered) target \(targets[sample.docID]) exact_match \(sample.metrics.first?.value ?? .null)")
            }
            let row = try #require(task.rows.first)
            #expect(row.n == 4)
            #expect(row.value == task.samples.compactMap { $0.metrics.first?.value.doubleValue }.reduce(0, +) / 4)
            print(report.table)
        }
    }

    @Test(arguments: ["/v1/completions", "/v1/chat/completions"])
    func samplerRequesterEvaluatorWithRealGenerations(path: String) async throws {
        try await ModelServer.llama.with { endpoint in
            let world = try await SamplerWorld.make()
            try await withCleanup({ await world.close() }) {
                try await world.register("bigbench_boolean_expressions", dataset: "boolean_expressions")
                let sampled = try await world.sample(samplerInput(task: "bigbench_boolean_expressions", docIDs: testRows([0, 1, 2, 3]), path: path,
                                                                  extra: [("llm_args", ["model": .string(Self.model)])]))
                let store = world.services.documents
                let api = try #require(CompletionAPI(path: path))
                let client = OpenAIClient(options: try Self.clientOptions(endpoint, api: api))
                var responses: [JSONObject] = []
                for (prompt, reply, response) in try await Self.request(sampled.taskID, store: store, client: client) {
                    responses.append(response)
                    print("real model (\(path)) prompt \(prompt["_id"]?.objectIDValue?.hex ?? "?"): \(reply.text.debugDescription)")
                }
                try await store.insertResponses(responses)
                let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: EvaluatorTests.logger)
                #expect(outcome.status == 0 && outcome.scored == 4 && outcome.failed == 0)
                let result = try #require(try await store.result(taskID: sampled.taskID))
                let scores = try #require(result["scores"]?.arrayValue)
                #expect(scores.map { $0["id"] } == testRows([0, 1, 2, 3]).map(JSONValue.int))
                #expect(scores.allSatisfy { $0["status_code"] == 0 && ($0["run_time"]?.doubleValue ?? 0) > 0 })
                #expect(scores.allSatisfy { [0.0, 1.0].contains($0["score"]?.doubleValue ?? -1) })
                #expect(result["result_data"]?["result_height"] == 7)

                // The same generations scored by a reference run agree with the stored scores.
                let instances = try await store.instances(taskID: sampled.taskID)
                let texts = zip(instances, responses).map { instance, response -> (Int, String) in
                    let text = TaskEvaluation.parse(response, api: api)
                    // A responses file names lm-eval positions, as `run --responses` does; instances name `__id`s.
                    let position = (instance["doc_id"]?.intValue ?? -1) - bigbenchTestStart
                    guard case let .text(generation) = text else { return (position, "") }
                    return (position, generation)
                }
                let file = try ReferenceRunTests.temporaryFile(texts.map { ReferenceRunTests.line($0.0, $0.1) })
                let runner = ReferenceRunner(index: try TaskIndex(folders: [PackagePaths.tasks]),
                                             options: ReferenceRunOptions(tasks: ["bigbench_boolean_expressions"], datasetsDir: PackagePaths.datasets,
                                                                          chat: api == .chatCompletions))
                let report = try await runner.run(.file(try ResponsesFile(path: file)))
                #expect(report.tasks.first?.samples.map { $0.metrics.first?.value } == scores.map { $0["score"] })
                print("real model (\(path)) scores: \(scores.map { $0["score"]?.doubleValue ?? -1 }), run_time ms: \(scores.map { $0["run_time"]?.doubleValue ?? -1 })")
            }
        }
    }
}
