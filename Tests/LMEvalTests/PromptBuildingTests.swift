import JSON
import Python
import Testing
@testable import LMEval

/// Prompt assembly rules checked on tasks whose fields are feature names (no templates needed).
@Suite("Prompts, few-shot draws and request bodies")
struct PromptBuildingTests {
    static func docs(_ n: Int) -> [JSONObject] {
        (0..<n).map { JSONObject([("question", .string("Q\($0)?")), ("answer", .string("A\($0)")), ("n", .int($0))]) }
    }

    static func task(_ extra: [(String, ConfigValue)] = []) throws -> ResolvedTask {
        var config = ConfigMapping([
            ("task", .string("toy")), ("dataset_path", .string("toy")), ("test_split", .string("test")),
            ("fewshot_split", .string("test")), ("doc_to_text", .string("question")), ("doc_to_target", .string("answer")),
            ("generation_kwargs", .mapping(ConfigMapping([
                ("until", .list([.string("\n\n"), .string("Q:"), .string("</s>"), .string("<|im_end|>"), .string("###")])),
                ("do_sample", .bool(false)), ("temperature", .int(0)), ("max_gen_toks", .int(64)), ("top_p", .double(0.5)),
            ]))),
        ])
        for (key, value) in extra { config[key] = value }
        config["metadata"] = .mapping(ConfigMapping())
        return try TaskResolver().resolve(TaskReference(name: "toy", groups: [], file: nil, config: config, kind: .task))
    }

    static let model = APIModelOptions(model: "testbench-model")

    @Test func zeroShotCompletionAndRequestBody() throws {
        let renderer = try TaskRenderer(task: Self.task(), documents: InMemoryDocuments(["test": Self.docs(5)]),
                                        options: PromptOptions(), model: Self.model)
        let out = try #require(renderer.render(docIDs: [2]).first)
        #expect(out.prompt == .text("Q2?"))
        #expect(out.target == .string("A2"))
        #expect(out.request.keys == ["prompt", "model", "max_tokens", "temperature", "stop", "seed", "top_p"])
        #expect(out.request["max_tokens"] == .int(64))
        #expect(out.request["temperature"] == .double(0))
        #expect(out.request["stop"]?.arrayValue?.count == 5)
        #expect(out.request["seed"] == .int(1234))
        #expect(out.instance.metadata == .array([.string("toy"), .int(2), .int(1)]))
        #expect(out.instance.requestType == "generate_until")
        #expect(out.json["doc_id"] == .int(2))
    }

    @Test func defaultSamplerDrawsNPlusOneAndDropsTheCurrentDocument() throws {
        let docs = Self.docs(6)
        let renderer = try TaskRenderer(task: Self.task([("num_fewshot", .int(3))]), documents: InMemoryDocuments(["test": docs]),
                                        options: PromptOptions(), model: Self.model)
        let rendered = try renderer.render(docIDs: [0, 1, 2, 3, 4, 5])
        var rng = PythonRandom(seed: 1234)
        for (id, out) in rendered.enumerated() {
            let drawn = rng.sampleIndices(populationSize: 6, count: 4) ?? []
            let used = Array(drawn.filter { $0 != id }.prefix(3))
            let expected = used.map { "Q\($0)? A\($0)\n\n" }.joined() + "Q\(id)?"
            #expect(out.prompt == .text(expected), "doc \(id)")
        }
        // Rendering a later id alone replays the earlier draws.
        let alone = try #require(renderer.render(docIDs: [4]).first)
        #expect(alone.prompt == rendered[4].prompt)
    }

    @Test func firstNDropsTheCurrentDocumentWhenSplitsDiffer() throws {
        let task = try Self.task([("num_fewshot", .int(2)), ("fewshot_split", .string("dev")),
                                  ("fewshot_config", .mapping(ConfigMapping([("sampler", .string("first_n"))])))])
        let dev = Array(Self.docs(3))
        let renderer = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": Self.docs(3), "dev": dev]),
                                        options: PromptOptions(), model: Self.model)
        let out = try renderer.render(docIDs: [0, 2])
        #expect(out[0].prompt == .text("Q1? A1\n\nQ0?"))
        #expect(out[1].prompt == .text("Q0? A0\n\nQ1? A1\n\nQ2?"))
    }

    @Test func numFewshotOverrideRules() throws {
        var config = TaskConfig()
        #expect(PromptOptions(numFewshot: 5).effectiveNumFewshot(config) == 5)
        #expect(PromptOptions().effectiveNumFewshot(config) == 0)
        config.numFewshot = 0
        #expect(PromptOptions(numFewshot: 5).effectiveNumFewshot(config) == 0)
        config.numFewshot = 3
        #expect(PromptOptions(numFewshot: 5).effectiveNumFewshot(config) == 5)
        #expect(PromptOptions().effectiveNumFewshot(config) == 3)
    }

    @Test func systemInstructionAndChatForms() throws {
        let docs = Self.docs(5)
        let task = try Self.task([("num_fewshot", .int(2))])
        let single = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": docs]),
                                      options: PromptOptions(applyChatTemplate: true, systemInstruction: "Be brief."), model: Self.model)
        let multi = try TaskRenderer(task: task, documents: InMemoryDocuments(["test": docs]),
                                     options: PromptOptions(applyChatTemplate: true, fewshotAsMultiturn: true, systemInstruction: "Be brief."),
                                     model: Self.model)
        let a = try #require(single.render(docIDs: [1]).first)
        let b = try #require(multi.render(docIDs: [1]).first)

        // Chat without multiturn draws twice per document (get_chat_context, then get_context).
        var rng = PythonRandom(seed: 1234)
        _ = rng.sampleIndices(populationSize: 5, count: 3)
        _ = rng.sampleIndices(populationSize: 5, count: 3)
        _ = rng.sampleIndices(populationSize: 5, count: 3)
        let second = Array((rng.sampleIndices(populationSize: 5, count: 3) ?? []).filter { $0 != 1 }.prefix(2))
        let examples = second.map { "Q\($0)? A\($0)\n\n" }.joined()
        #expect(a.prompt == .messages([ChatMessage(role: "system", content: "Be brief."), ChatMessage(role: "user", content: examples + "Q1?")]))

        var rng2 = PythonRandom(seed: 1234)
        _ = rng2.sampleIndices(populationSize: 5, count: 3)
        let picks = Array((rng2.sampleIndices(populationSize: 5, count: 3) ?? []).filter { $0 != 1 }.prefix(2))
        var expected = [ChatMessage(role: "system", content: "Be brief.")]
        for p in picks {
            expected.append(ChatMessage(role: "user", content: "Q\(p)?"))
            expected.append(ChatMessage(role: "assistant", content: "A\(p)"))
        }
        expected.append(ChatMessage(role: "user", content: "Q1?"))
        #expect(b.prompt == .messages(expected))

        // Chat bodies: messages carry "type": "text", at most four stop strings.
        #expect(a.request.keys == ["messages", "model", "max_tokens", "temperature", "stop", "seed", "top_p"])
        #expect(a.request["stop"]?.arrayValue?.count == 4)
        #expect(a.request["messages"]?.arrayValue?.first?["type"] == .string("text"))
        #expect(a.instance.argumentsJSON.arrayValue?.first?.stringValue?.hasPrefix("[{\"role\": \"system\", \"content\": \"Be brief.\", \"type\": \"text\"}") == true)

        // Completion form prepends the system instruction too.
        let completion = try TaskRenderer(task: Self.task(), documents: InMemoryDocuments(["test": docs]),
                                          options: PromptOptions(systemInstruction: "Be brief."), model: Self.model)
        #expect(try completion.render(docIDs: [0]).first?.prompt == .text("Be brief.Q0?"))
    }

    @Test func requestBodyMaxTokensAndStopRules() throws {
        let prompt = Prompt.text("x")
        let withBoth = try RequestBodyBuilder.generateUntil(
            context: prompt, generationKwargs: ["max_tokens": 7, "max_gen_toks": 9, "until": "END"],
            model: APIModelOptions(model: "m", eosString: "</s>"))
        #expect(withBoth["max_tokens"] == .int(7))
        #expect(withBoth["max_gen_toks"] == .int(9))
        #expect(withBoth["stop"] == .array(["END", "</s>"]))
        #expect(withBoth["temperature"] == .int(0))
        let defaults = try RequestBodyBuilder.generateUntil(context: prompt, generationKwargs: [:], model: APIModelOptions(model: "m"))
        #expect(defaults["max_tokens"] == .int(256))
        #expect(defaults["stop"] == .array([]))
        #expect(throws: LMEvalError.self) {
            _ = try RequestBodyBuilder.generateUntil(context: prompt, generationKwargs: ["until": 5], model: APIModelOptions(model: "m"))
        }
    }

    @Test func tooFewFewshotDocumentsIsAClearError() throws {
        let renderer = try TaskRenderer(task: Self.task([("num_fewshot", .int(5))]), documents: InMemoryDocuments(["test": Self.docs(3)]),
                                        options: PromptOptions(), model: Self.model)
        #expect {
            _ = try renderer.render(docIDs: [0])
        } throws: { ($0 as? LMEvalError)?.kind == .documents }
        #expect(throws: LMEvalError.self) { _ = try renderer.render(docIDs: [7]) }
    }

    @Test func missingSplitIsAClearError() throws {
        #expect {
            _ = try TaskRenderer(task: Self.task(), documents: InMemoryDocuments(["train": Self.docs(3)]), options: PromptOptions(), model: Self.model)
        } throws: { error in
            guard let error = error as? LMEvalError else { return false }
            return error.kind == .documents && error.message.contains("split test")
        }
    }
}
