import ExtendedJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSON
import LMEval
import Scoring
import TestSupport
import Testing
@testable import Testbench

/// SmolLM2-135M with correct echoed prompt logprobs (scripts/logprob/serve.py, started by `make test`):
/// a multiple-choice task through Sampler → requester → Evaluator, each loglikelihood the product
/// reads from a response checked against the one the server computes from the model's logits.
@Suite(.serialized, .timeLimit(.minutes(10))) struct LogprobModelTests {
    /// The server's reference: context and continuation tokenized as lm-eval's HF model splits them.
    static func reference(_ endpoint: String, context: String, continuation: String) async throws -> (loglikelihood: Double, isGreedy: Bool) {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        var request = URLRequest(url: try #require(URL(string: base + "/v1/loglikelihood")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(JSONValue.object(["context": .string(context), "continuation": .string(continuation)]).serialized().utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let body = try JSONValue.parse(String(decoding: data, as: UTF8.self))
        let loglikelihood = try #require(body["loglikelihood"]?.doubleValue)
        guard case let .bool(isGreedy)? = body["is_greedy"] else { throw TestSetupError("the logprob server's /v1/loglikelihood gave no is_greedy: \(body)") }
        return (loglikelihood, isGreedy)
    }

    @Test func multipleChoiceScoredFromTheRealModelMatchesItsLogits() async throws {
        try await ModelServer.logprob.with { endpoint in
            let world = try await SamplerWorld.make()
            try await withCleanup({ await world.close() }) {
                try await world.register("bigbench_navigate_mc", dataset: "navigate")
                let rows = testRows([0, 1, 2, 3])
                let sampled = try await world.sample(samplerInput(task: "bigbench_navigate_mc", docIDs: rows,
                                                                  extra: [("llm_args", ["model": .string(RealModelTests.model)])]))
                let store = world.services.documents
                var instances: [ObjectID: JSONObject] = [:]
                for instance in try await store.instances(taskID: sampled.taskID) {
                    let id = try #require(instance["_id"]?.objectIDValue)
                    instances[id] = instance
                }
                let client = OpenAIClient(options: try RealModelTests.clientOptions(endpoint, api: .completions))
                var responses: [JSONObject] = []
                var straddling = 0
                for (prompt, reply, response) in try await RealModelTests.request(sampled.taskID, store: store, client: client) {
                    responses.append(response)
                    let instanceID = try #require(prompt["instance_id"]?.objectIDValue)
                    let instance = try #require(instances[instanceID])
                    let arguments = try #require(instance["arguments"]?.arrayValue)
                    let context = try #require(arguments.first?.stringValue), continuation = try #require(arguments.last?.stringValue)
                    let ours = try EchoLogprobs(completion: try JSONValue.parse(reply.body)).score(context: context, continuation: continuation)
                    let direct = try await Self.reference(endpoint, context: context, continuation: continuation)
                    if ours.straddles { straddling += 1 }
                    #expect(abs(ours.loglikelihood - direct.loglikelihood) < 1e-4,
                            "doc \(instance["doc_id"] ?? .null) idx \(instance["idx"] ?? .null): echo \(ours.loglikelihood), logits \(direct.loglikelihood)")
                    #expect(ours.isGreedy == direct.isGreedy)
                }
                #expect(responses.count == 2 * rows.count, "one request per choice")
                try await store.insertResponses(responses)
                let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: EvaluatorTests.logger)
                #expect(outcome.status == 0 && outcome.scored == rows.count && outcome.failed == 0, "\(outcome.json)")
                let result = try #require(try await store.result(taskID: sampled.taskID))
                let scores = try #require(result["scores"]?.arrayValue)
                #expect(scores.map { $0["id"] } == rows.map(JSONValue.int))
                #expect(scores.allSatisfy { [0.0, 1.0].contains($0["score"]?.doubleValue ?? -1) && $0["status_code"] == 0 })
                print("logprob model: bigbench_navigate_mc acc \(outcome.meanScore ?? .nan) over \(rows.count) documents; \(straddling) of \(responses.count) continuations straddle the boundary")
            }
        }
    }

    /// `testbench run --endpoint` on the same task: each document's instance loglikelihoods from the
    /// real model's echo equal the logits' within 1e-4, and the task's acc is the mean of the
    /// per-document acc those reference values give.
    @Test func referenceRunScoresFromTheRealModelsEcho() async throws {
        try await ModelServer.logprob.with { endpoint in
            let options = ReferenceRunOptions(tasks: ["bigbench_navigate_mc"], datasetsDir: PackagePaths.datasets, limit: .count(4), model: RealModelTests.model)
            let runner = ReferenceRunner(index: try TaskIndex(folders: [PackagePaths.tasks]), options: options)
            let report = try await runner.run(.endpoint(try RealModelTests.clientOptions(endpoint, api: .completions)))
            let task = try #require(report.tasks.first)
            #expect(task.failures.isEmpty, "\(task.failures)")
            #expect(task.samples.count == 4)
            var right = 0
            for (sample, document) in zip(task.samples, task.documents) {
                let scores = try #require(sample.loglikelihoods)
                #expect(scores.count == document.instances.count)
                var direct: [Double] = []
                for (score, instance) in zip(scores, document.instances) {
                    let span = try #require(instance.scoredSpan)
                    let reference = try await Self.reference(endpoint, context: span.context, continuation: span.continuation)
                    #expect(abs(score.loglikelihood - reference.loglikelihood) < 1e-4, "doc \(sample.docID) idx \(instance.idx)")
                    direct.append(reference.loglikelihood)
                }
                let gold = try #require(document.doc["label"]?.intValue)
                if direct.indices.max(by: { direct[$0] < direct[$1] }) == gold { right += 1 }
            }
            let acc = try #require(task.rows.first { $0.metric == "acc" })
            #expect(acc.value == Double(right) / 4, "acc \(acc.value), from the logits \(right) of 4")
        }
    }

    /// llama.cpp's server ignores `echo`: every document of a reference run fails naming the missing
    /// prompt logprobs; nothing is scored.
    @Test func aServerWithoutPromptLogprobsFailsEveryDocument() async throws {
        try await ModelServer.llama.with { endpoint in
            let options = ReferenceRunOptions(tasks: ["bigbench_navigate_mc"], datasetsDir: PackagePaths.datasets, limit: .count(2), model: RealModelTests.model)
            let runner = ReferenceRunner(index: try TaskIndex(folders: [PackagePaths.tasks]), options: options)
            let report = try await runner.run(.endpoint(try RealModelTests.clientOptions(endpoint, api: .completions)))
            let task = try #require(report.tasks.first)
            #expect(task.samples.isEmpty && task.rows.allSatisfy { $0.n == 0 })
            #expect(task.failures.map(\.docID) == [0, 1])
            #expect(task.failures.allSatisfy { $0.message.contains("no prompt logprobs") && $0.message.contains("llama.cpp") }, "\(task.failures)")
        }
    }
}
