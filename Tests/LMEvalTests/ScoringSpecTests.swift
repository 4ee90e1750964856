import JSON
@testable import LMEval
import Scoring
import Testing

/// `filter_list`, `metric_list` and `process_results` read into Scoring's typed specs.
@Suite struct ScoringSpecTests {
    static func task(_ extra: [(String, ConfigValue)]) throws -> ResolvedTask {
        var config = ConfigMapping([
            ("task", .string("my_task")), ("dataset_path", .string("toy")), ("test_split", .string("test")),
            ("doc_to_text", .string("question")), ("doc_to_target", .string("answer")),
        ])
        for (key, value) in extra { config[key] = value }
        return try TaskResolver(root: "/tasks")
            .resolve(TaskReference(name: "my_task", groups: [], file: "/tasks/leaderboard/math/t.yaml", config: config, kind: .task))
    }

    static func spec(_ extra: [(String, ConfigValue)]) throws -> ScoringSpec {
        try TaskResolver(root: "/tasks").scoringSpec(for: try task(extra))
    }

    static func function(_ expression: String) -> ConfigValue {
        .function(FunctionReference(expression: expression, yamlFile: "/tasks/leaderboard/math/t.yaml"))
    }

    @Test func typedSpecsKeepOrderAndArguments() throws {
        let spec = try Self.spec([
            ("filter_list", .list([.mapping(ConfigMapping([
                ("name", .string("strict")),
                ("filter", .list([
                    .mapping(ConfigMapping([("function", .string("regex")), ("regex_pattern", .string("#### (.*)")), ("group_select", .int(-1))])),
                    .mapping(ConfigMapping([("function", .string("take_first"))])),
                ])),
            ]))])),
            ("metric_list", .list([.mapping(ConfigMapping([
                ("metric", .string("exact_match")), ("aggregation", .string("mean")), ("higher_is_better", .bool(true)),
                ("ignore_case", .bool(true)),
            ]))])),
        ])
        #expect(spec.filterList == [FilterPipelineSpec(name: "strict", steps: [
            FilterStepSpec(function: "regex", arguments: ["regex_pattern": "#### (.*)", "group_select": -1]),
            FilterStepSpec(function: "take_first"),
        ])])
        #expect(spec.metricList == [MetricEntry(metric: "exact_match", aggregation: "mean", higherIsBetter: true, arguments: ["ignore_case": true])])
        #expect(spec.processResults == nil)
        #expect(spec.outputType == .generateUntil)
    }

    @Test func noListsMeanLMEvalsDefaults() throws {
        let spec = try Self.spec([])
        #expect(spec.filterList == nil)
        #expect(spec.metricList == nil)
    }

    static func pipeline(_ step: ConfigValue) -> ConfigValue {
        .list([.mapping(ConfigMapping([("name", .string("x")), ("filter", .list([step]))]))])
    }

    /// Shape errors, found when the task is read, naming the task and the culprit.
    @Test(arguments: [
        ("filter_list", ConfigValue.string("regex"), "filter_list must be a list"),
        ("filter_list", .list([.mapping(ConfigMapping([("filter", .list([]))]))]), "need a 'name' and a 'filter' list"),
        ("filter_list", .list([.mapping(ConfigMapping([("name", .string("x"))]))]), "filter pipeline 'x' needs a 'filter' list"),
        ("filter_list", pipeline(.mapping(ConfigMapping([("regex_pattern", .string("a"))]))), "every step needs a 'function' name"),
        ("metric_list", .list([.mapping(ConfigMapping([("metric", function("utils.my_metric"))]))]), "metric names must be strings"),
        ("metric_list", .list([.mapping(ConfigMapping([("metric", .string("exact_match")), ("aggregation", .list([]))]))]), "aggregation must be a name"),
        ("metric_list", .list([.mapping(ConfigMapping([("metric", .string("exact_match")), ("higher_is_better", .string("yes"))]))]), "higher_is_better must be true or false"),
        ("process_results", .string("utils.process_results"), "process_results must be a !function"),
    ])
    func malformedListsAreErrors(key: String, value: ConfigValue, mentions: String) throws {
        let error = try #require(throws: LMEvalError.self) { try Self.spec([(key, value)]) }
        #expect(error.kind == .invalidConfig)
        #expect(error.task == "my_task")
        #expect(error.description.contains("my_task") && error.description.contains(mentions), "\(error)")
    }

    @Test func aMetricEntryWithoutItsNameIsAnErrorAtResolution() {
        let error = #expect(throws: LMEvalError.self) {
            try Self.task([("metric_list", .list([.mapping(ConfigMapping([("aggregation", .string("mean"))]))]))])
        }
        #expect(error?.description.contains("'metric' key") == true)
    }

    @Test func unknownProcessResultsIsAnError() {
        let error = #expect(throws: LMEvalError.self) {
            try TaskResolver(root: "/tasks").scoringSpec(for: try Self.task([
                ("process_results", .function(FunctionReference(expression: "utils.process_results", yamlFile: "/tasks/gsm8k/t.yaml"))),
            ]))
        }
        #expect(error?.kind == .missingFunction)
    }

    /// The one registry binds prompt-side and scoring-side natives by the same key.
    @Test func leaderboardMathProcessResultsComesFromTheSameRegistry() throws {
        let spec = try Self.spec([
            ("process_results", Self.function("utils.process_results")),
            ("metric_list", .list([
                .mapping(ConfigMapping([("metric", .string("exact_match")), ("aggregation", .string("mean")), ("higher_is_better", .bool(true))])),
                .mapping(ConfigMapping([("metric", .string("exact_match_original")), ("aggregation", .string("mean")), ("higher_is_better", .bool(true))])),
            ])),
        ])
        let processResults = try #require(spec.processResults)
        let scorer = try TaskScorer(taskName: "my_task", filterList: spec.filterList, metricList: spec.metricList, processResults: processResults)
        let doc: JSONObject = ["solution": "so $\\boxed{7}$", "answer": "7"]
        let score = try scorer.score(ScoringSample(docID: 0, doc: doc, target: "7", responses: ["Final Answer: The final answer is $7$. I hope it is correct."]))
        #expect(score.filter("none")?.metrics.map(\.name) == ["exact_match", "exact_match_original"])
        #expect(score.filter("none")?.metric("exact_match") == .int(1))
        #expect(score.filter("none")?.metric("exact_match_original") == .int(1))
        guard case .docField? = NativeFunctionRegistry.standard.lookup(
            FunctionReference(expression: "utils.doc_to_text", yamlFile: "/tasks/leaderboard/math/t.yaml"), root: "/tasks") else {
            Issue.record("doc_to_text of leaderboard math is not registered beside process_results")
            return
        }
    }
}
