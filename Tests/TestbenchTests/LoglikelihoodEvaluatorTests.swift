import ExtendedJSON
import Foundation
import JSON
import Logging
import Testing
import TestSupport
import WorkflowDefinitions
@testable import Testbench

/// A multiple-choice task through the Sampler, a fake requester answering with echoed prompt
/// logprobs, and the Evaluator, on PostgreSQL.
@Suite struct LoglikelihoodEvaluatorTests {
    /// An echoed `/v1/completions` body for `context + continuation`: the context as one token (no
    /// logprob, as OpenAI gives the first), the continuation as one token with `logprob`, then the
    /// generated token.
    static func echoBody(context: String, continuation: String, logprob: Double) -> String {
        let contextLength = context.unicodeScalars.count, promptLength = contextLength + continuation.unicodeScalars.count
        let logprobs: JSONValue = [
            "tokens": [.string(context), .string(continuation), "\n"],
            "token_logprobs": [.null, .double(logprob), -0.5],
            "top_logprobs": [.null, [continuation: .double(logprob)], ["\n": -0.5]],
            "text_offset": [0, .int(contextLength), .int(promptLength)],
        ]
        return JSONValue.object(["id": "cmpl", "object": "text_completion", "model": "testbench-model",
                                 "choices": [["index": 0, "text": .string(context + continuation + "\n"), "logprobs": logprobs, "finish_reason": "length"]]])
            .serialized()
    }

    @Test func multipleChoiceIsSampledPerChoiceAndScoredFromPromptLogprobs() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate_mc", dataset: "navigate")
            let sampled = try await world.sample(samplerInput(task: "bigbench_navigate_mc", docIDs: testRows([0, 1, 2])))
            let store = world.services.documents
            let instances = try await store.instances(taskID: sampled.taskID)
            #expect(instances.count == 6, "one instance per choice (True, False) of each of the 3 documents")
            #expect(instances.allSatisfy { $0["request_type"] == "loglikelihood" })
            #expect(instances.map { $0["idx"]?.intValue ?? -1 } == [0, 1, 0, 1, 0, 1])
            let prompts = try await store.prompts(taskID: sampled.taskID)
            #expect(prompts.count == 6)
            let timeout = PromptTimeout(service: "A100", timeouts: world.services.config.timeouts)
            #expect(prompts.allSatisfy { $0["timeout"] == .int(timeout.seconds(ctxlen: $0["ctxlen"]?.intValue ?? 0, maxTokens: 2)) },
                    "the original's timeout for a loglikelihood request: prefill plus 2 decoded tokens")
            for prompt in prompts {
                let body = try JSONValue.parse(try #require(prompt["data"]?.stringValue))
                #expect(body["echo"] == true && body["max_tokens"] == 1 && body["logprobs"] == 1, "\(body)")
            }

            var arguments: [String: (context: String, continuation: String, idx: Int)] = [:]
            for instance in instances {
                let args = instance["arguments"]?.arrayValue ?? []
                arguments[instance["_id"]?.objectIDValue?.hex ?? ""] = (args.first?.stringValue ?? "", args.count > 1 ? args[1].stringValue ?? "" : "",
                                                                       instance["idx"]?.intValue ?? -1)
            }
            // Every row's label is 0 ("True"). Doc 0 prefers choice 0 (right), doc 1 choice 1 (wrong);
            // doc 2's server ignored echo, as llama.cpp's does.
            try await writeResponses(world, taskID: sampled.taskID) { position, _, prompt in
                guard let args = arguments[prompt["instance_id"]?.objectIDValue?.hex ?? ""] else { return .none }
                if position == 2 { return .text(" True") }
                let preferred = position == 0 ? 0 : 1
                return .body(Self.echoBody(context: args.context, continuation: args.continuation, logprob: args.idx == preferred ? -0.25 : -3.0))
            }
            let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: world.services.logger)
            #expect(outcome.json["scored"] == 2, "\(outcome.json)")
            let result = try #require(try await store.result(taskID: sampled.taskID))
            let scores = result["scores"]?.arrayValue ?? []
            let byID = Dictionary(scores.map { ($0["id"]?.intValue ?? -1, $0) }, uniquingKeysWith: { first, _ in first })
            let start = bigbenchTestStart
            #expect(byID[start]?["score"] == 1.0)
            #expect(byID[start]?["status_code"] == 0)
            #expect(byID[start + 1]?["score"] == 0.0)
            #expect(byID[start + 2]?["status_code"] == .int(CompletionBody.Code.evaluation))
            #expect(byID[start + 2]?["error_str"]?.stringValue?.contains("no prompt logprobs") == true, "\(String(describing: byID[start + 2]))")
            #expect(try await store.task(id: sampled.taskID)?["evaluated"] == true)
        }
    }

    @Test func aLoglikelihoodTaskOnTheChatPathIsRefused() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await world.register("bigbench_navigate_mc", dataset: "navigate")
            let error = await #expect(throws: ApplicationError.self) {
                try await world.sample(samplerInput(task: "bigbench_navigate_mc", docIDs: testRows([0]), path: "/v1/chat/completions"))
            }
            #expect(error?.nonRetryable == true)
            #expect(error?.message.contains("prompt logprobs") == true, "\(String(describing: error))")
            #expect(try await world.allTasks().isEmpty, "nothing is written")
        }
    }
}
