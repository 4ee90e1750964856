import JSON
import PythonRegex
import Scoring
import Testing

/// `exact_match` options and lm-eval's generate_until `process_results` conversions.
@Suite struct MetricTests {
    static let exactMatchCases: [(String, String, JSONObject, Double)] = [
        ("2\n", "2", [:], 0.0),
        ("2", "2", [:], 1.0),
        ("ABC", "abc", ["ignore_case": true], 1.0),
        ("ABC", "abc", [:], 0.0),
        ("a.b!", "ab", ["ignore_punctuation": true], 1.0),
        ("a—", "a", ["ignore_punctuation": true], 0.0),
        ("$1,000.", "1000", ["regexes_to_ignore": [",", "\\$", "\\.$"]], 1.0),
        ("The answer: 27", "27", ["regexes_to_ignore": ["(?s).*: "]], 1.0),
        ("a1", "a2", ["ignore_numbers": true], 1.0),
        ("a\u{0}", "a", [:], 1.0),
        ("a\u{0}", "a", ["regexes_to_ignore": []], 0.0),
        ("é", "e\u{301}", [:], 0.0),
    ]

    @Test(arguments: exactMatchCases)
    func exactMatch(prediction: String, reference: String, options: JSONObject, expected: Double) throws {
        var entry: JSONObject = ["metric": "exact_match", "aggregation": "mean", "higher_is_better": true]
        for (key, value) in options { entry[key] = value }
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: [.object(entry)])
        let score = try scorer.score(ScoringSample(docID: 0, doc: [:], target: .string(reference), responses: [prediction]))
        #expect(score.filter("none")?.metric("exact_match") == .double(expected))
    }

    static let multipleTargetCases: [(JSONValue, String, Double)] = [
        (["x", "y"], "y", 1.0),
        (["x", "y"], "z", 0.0),
        ("ab", "b", 1.0),
    ]

    @Test(arguments: multipleTargetCases)
    func multipleTargetsMatchAny(target: JSONValue, response: String, expected: Double) throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: nil, multipleTarget: true)
        let score = try scorer.score(ScoringSample(docID: 0, doc: [:], target: target, responses: [response]))
        #expect(score.filter("none")?.metric("exact_match") == .double(expected))
    }

    @Test func nonStringTargetIsConvertedLikeTheResponse() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: nil)
        #expect(try scorer.score(ScoringSample(docID: 0, doc: [:], target: 5, responses: ["5"])).filter("none")?.metric("exact_match") == 1.0)
        #expect(try scorer.score(ScoringSample(docID: 0, doc: [:], target: 2.5, responses: ["2.5"])).filter("none")?.metric("exact_match") == 1.0)
        #expect(try scorer.score(ScoringSample(docID: 0, doc: [:], target: true, responses: ["True"])).filter("none")?.metric("exact_match") == 1.0)
    }

    @Test func choiceIndexTargetsUseTheChoiceText() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: nil, hasChoices: true)
        let sample = ScoringSample(docID: 0, doc: [:], target: 1, choices: ["no", "yes"], responses: ["yes"])
        #expect(try scorer.score(sample).filter("none")?.metric("exact_match") == 1.0)
    }

    @Test func meanAndStderrAsLMEval() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: nil)
        let scores = try zip(["a", "b", "a"], 0...).map { response, id in
            try scorer.score(ScoringSample(docID: id, doc: [:], target: "a", responses: [response]))
        }
        let rows = try scorer.aggregate(scores)
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row.filter == "none" && row.metric == "exact_match" && row.n == 3 && row.higherIsBetter == true)
        #expect(abs(row.value - 2.0 / 3.0) < 1e-15)
        // sample standard deviation (n-1) / sqrt(n)
        let expected = ((2 * (1.0 / 3) * (1.0 / 3) + (2.0 / 3) * (2.0 / 3)) / 2).squareRoot() / 3.0.squareRoot()
        #expect(abs((row.stderr ?? 0) - expected) < 1e-15)
    }

    @Test func oneDocumentHasNoStderr() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: nil)
        let rows = try scorer.aggregate([try scorer.score(ScoringSample(docID: 0, doc: [:], target: "a", responses: ["a"]))])
        #expect(rows.first?.stderr == nil)
        #expect(rows.first?.value == 1.0)
    }

    @Test func bypassAggregatesTo999WithoutStderr() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: [["metric": "bypass"]])
        let scores = try (0..<2).map { try scorer.score(ScoringSample(docID: $0, doc: [:], target: "a", responses: ["a"])) }
        #expect(scores[0].filter("none")?.metric("bypass") == .null)
        let row = try #require(try scorer.aggregate(scores).first)
        #expect(row.value == 999 && row.integral && row.stderr == nil)
    }

    @Test func medianIsLMEvalsMiddleElement() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: [["metric": "exact_match", "aggregation": "median"]])
        let scores = try zip(["b", "a", "b"], 0...).map { try scorer.score(ScoringSample(docID: $1, doc: [:], target: "a", responses: [$0])) }
        #expect(try scorer.aggregate(scores).first?.value == 1.0)
    }
}

/// Configuration problems surface when the task is loaded, naming the task and the culprit.
@Suite struct ConfigurationErrorTests {
    static func pipeline(_ step: JSONObject) -> JSONValue { [["name": "x", "filter": [.object(step)]]] }

    static let badConfigurations: [(JSONValue?, JSONValue?, String)] = [
        (pipeline(["function": "nope"]), nil, "unknown filter 'nope'"),
        (pipeline(["function": "regex", "regex_pattern": "("]), nil, "regex_pattern"),
        (pipeline(["function": "regex", "ignore_case": true]), nil, "unexpected argument 'ignore_case'"),
        (pipeline(["function": "custom", "filter_fn": "f"]), nil, "custom"),
        (nil, [["metric": "bleu"]], "unknown metric 'bleu'"),
        (nil, [["metric": "exact_match", "aggregation": "perplexity"]], "aggregation 'perplexity'"),
        (nil, [["metric": "exact_match", "regexes_to_ignore": ["["]]], "regexes_to_ignore"),
        (nil, [["metric": "exact_match", "bogus": 1]], "unexpected argument 'bogus'"),
    ]

    @Test(arguments: badConfigurations)
    func badConfigurationsAreErrors(filterList: JSONValue?, metricList: JSONValue?, mentions: String) {
        do {
            _ = try TaskScorer.fromJSON(taskName: "my_task", filterList: filterList, metricList: metricList)
            Issue.record("expected an error mentioning \(mentions)")
        } catch let error as ScoringError {
            #expect(error.kind == .configuration)
            #expect(error.task == "my_task")
            #expect(error.description.contains("my_task") && error.description.contains(mentions), "\(error)")
        } catch {
            Issue.record("expected a ScoringError, got \(error)")
        }
    }

    @Test func processResultsValuesPassThrough() throws {
        let stub = ProcessResults(name: "stub") { doc, results in
            [("exact_match", results.first == .string("x") ? .int(1) : .int(0)), ("extra", doc["n"] ?? .null)]
        }
        let scorer = try TaskScorer(taskName: "t", filterList: nil, metricList: [MetricEntry(metric: "exact_match")], processResults: stub)
        let score = try scorer.score(ScoringSample(docID: 0, doc: ["n": 3], target: "y", responses: ["x", "z"]))
        #expect(score.filter("none")?.metrics.map(\.name) == ["exact_match", "extra"])
        #expect(score.filter("none")?.metric("exact_match") == .int(1))
        #expect(score.filter("none")?.metric("extra") == .int(3))
        // A metric only process_results returns is averaged, lm-eval's fallback.
        #expect(try scorer.aggregate([score]).map(\.metric) == ["exact_match", "extra"])
    }

    @Test func otherOutputTypesAreNotScoredYet() {
        #expect(throws: ScoringError.self) { try TaskScorer.fromJSON(taskName: "t", outputType: "multiple_choice", filterList: nil, metricList: nil) }
    }

    @Test func processResultsMetricsNeedNoRegisteredFunction() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil,
                                    metricList: [["metric": "exact_match", "aggregation": "mean", "higher_is_better": true],
                                                 ["metric": "exact_match_original", "aggregation": "mean", "higher_is_better": true]],
                                    processResults: ("leaderboard/math", "utils.process_results"))
        let doc: JSONObject = ["solution": "so $\\boxed{7}$", "answer": "7"]
        let score = try scorer.score(ScoringSample(docID: 0, doc: doc, target: "7", responses: ["Final Answer: The final answer is $7$. I hope it is correct."]))
        #expect(score.filter("none")?.metrics.map(\.name) == ["exact_match", "exact_match_original"])
        #expect(score.filter("none")?.metric("exact_match") == .int(1))
    }
}
