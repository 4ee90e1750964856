import JSON
import Testing
@testable import LMEval

@Suite("Task configs: include merging, validation and errors")
struct ConfigLoadingTests {
    static let configs = TestSupport.fixtures.appendingPathComponent("configs").path

    func index(_ folder: String) throws -> TaskIndex {
        try TaskIndex(folders: [Self.configs + "/" + folder])
    }

    @Test func childKeysWinAndFewshotConfigIsReplacedWhole() throws {
        let idx = try index("merge")
        let config = try idx.mergedConfig(of: "child_task")
        #expect(config["doc_to_text"] == .string("child {{x}}"))
        #expect(config["dataset_path"] == .string("base/path"))
        // Shallow merge: the child's fewshot_config replaces the base's mapping (no doc_to_target left).
        #expect(config["fewshot_config"] == .mapping(ConfigMapping([("sampler", .string("default"))])))
        #expect(config["include"] == nil)
        // Key order: included keys first, then the child's new keys.
        #expect(config.keys.first == "dataset_path")
        #expect(config.keys.last == "recipe")
    }

    @Test func firstListedIncludeWins() throws {
        let config = try index("merge").mergedConfig(of: "multi_task")
        #expect(config["dataset_path"] == .string("other/path"))
        #expect(config["description"] == .string("from other"))
        #expect(config["num_fewshot"] == .int(3))
        #expect(config["doc_to_text"] == .string("base {{x}}"))
    }

    @Test func nestedIncludesResolveRelativeToTheIncludingFile() throws {
        let config = try index("merge").mergedConfig(of: "nested_task")
        #expect(config["test_split"] == .string("validation"))
        #expect(config["dataset_path"] == .string("base/path"))
    }

    @Test func unknownKeysAreKeptNotFatal() throws {
        let idx = try index("merge")
        let reference = try #require(idx.expand("child_task").first)
        let config = try TaskConfig(reference.config, file: reference.file)
        #expect(config.unknownKeys["recipe"] == .string("unitxt-style unknown key"))
        #expect(config.json["recipe"] == .string("unitxt-style unknown key"))
        #expect(config.targetDelimiter == " ")
        #expect(config.fewshotDelimiter == "\n\n")
        #expect(config.outputType == .generateUntil)
        // __post_init__: generate_until without generation_kwargs gets lm-eval's greedy defaults.
        #expect(config.generationKwargs == ConfigMapping([
            ("until", .list([.string("\n\n")])), ("do_sample", .bool(false)), ("temperature", .int(0)),
        ]))
        #expect(reference.config["metadata"] == .mapping(ConfigMapping()))
    }

    @Test func generationKwargsPostInit() throws {
        let mapping = ConfigMapping([
            ("task", .string("g")), ("fewshot_delimiter", .string("\n###\n")),
            ("generation_kwargs", .mapping(ConfigMapping([("temperature", .int(0)), ("max_gen_toks", .int(5))]))),
        ])
        let config = try TaskConfig(mapping)
        #expect(config.generationKwargs == ConfigMapping([
            ("temperature", .double(0)), ("max_gen_toks", .int(5)), ("until", .list([.string("\n###\n")])),
        ]))
        if case .double? = config.generationKwargs?["temperature"] {} else { Issue.record("temperature must become a float") }
    }

    @Test func includeCycleNamesTheFiles() throws {
        let idx = try index("cycle")
        let problem = try #require(idx.problems.first)
        #expect(problem.kind == .includeCycle)
        #expect(problem.message.contains("a.yaml"))
        #expect(problem.message.contains("b.yaml"))
        #expect(idx.entries["cycle_a"] == nil)
    }

    @Test func missingIncludeNamesBothFiles() throws {
        let idx = try index("missing")
        let problem = try #require(idx.problems.first)
        #expect(problem.kind == .missingInclude)
        #expect(problem.file?.hasSuffix("missing/task.yaml") == true)
        #expect(problem.message.contains("_does_not_exist_yaml"))
    }

    @Test func yamlSyntaxErrorIsReportedNotFatal() throws {
        let idx = try index("syntax")
        let problem = try #require(idx.problems.first)
        #expect(problem.kind == .yamlSyntax)
        #expect(problem.file?.hasSuffix("syntax/task.yaml") == true)
    }

    @Test func unknownOutputTypeIsAClearError() throws {
        let idx = try index("badtype")
        let reference = try #require(idx.expand("bad_output_type").first)
        #expect {
            _ = try idx.resolve(reference)
        } throws: { error in
            guard let error = error as? LMEvalError else { return false }
            return error.kind == .unknownOutputType && error.message.contains("generate_forever") && error.task == "bad_output_type"
        }
    }

    @Test func functionWithoutNativeCounterpartFailsAtResolution() throws {
        let idx = try index("functions")
        let reference = try #require(idx.expand("needs_python").first)
        let processDocs = try #require(reference.config["process_docs"]?.functionValue)
        #expect(processDocs.module == "utils")
        #expect(processDocs.name == "process_docs")
        #expect(processDocs.moduleFile.hasSuffix("functions/utils.py"))
        #expect {
            _ = try idx.resolve(reference)
        } throws: { error in
            guard let error = error as? LMEvalError else { return false }
            return error.kind == .missingFunction && error.message.contains("utils.process_docs")
                && error.file?.hasSuffix("functions/task.yaml") == true
        }
    }

    @Test func missingFolderIsAnError() {
        #expect(throws: LMEvalError.self) { _ = try TaskIndex(folders: [Self.configs + "/no-such-folder"]) }
    }
}
