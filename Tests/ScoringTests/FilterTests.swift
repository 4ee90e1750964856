import JSON
import Scoring
import Testing

/// One filter step at a time; expected values are what lm-eval 0.4.9's filter classes return.
@Suite struct FilterTests {
    static func run(_ function: String, _ args: JSONObject = [:], _ responses: [String], doc: JSONObject = [:]) throws -> JSONValue {
        var step: JSONObject = ["function": .string(function)]
        for (key, value) in args { step[key] = value }
        let list: JSONValue = [["name": "f", "filter": [.object(step)]]]
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: list, metricList: [["metric": "bypass", "aggregation": "bypass"]])
        let score = try scorer.score(ScoringSample(docID: 0, doc: doc, target: "x", responses: responses))
        return try #require(score.filter("f")?.filtered)
    }

    @Test(arguments: [
        (#"#### (\-?[0-9\.\,]+)"#, 0, "x #### 12", "12"),
        (#"(-?[$0-9.,]{2,})|(-?[0-9]+)"#, -1, "a 1 b 22 c", "22"),
        (#"(-?[$0-9.,]{2,})|(-?[0-9]+)"#, -1, "only 5", "5"),
        (#"(-?[$0-9.,]{2,})|(-?[0-9]+)"#, 0, "$150.", "$150."),
        (#"(?<=the answer is )(.*)(?=.)"#, 0, "So the answer is True", "Tru"),
        (#"\((.*)\)"#, 0, "( A )", "A"),
        ("(a)?(b)?", 0, "x", "[invalid]"),
        ("#### (\\d+)", 0, "no number", "[invalid]"),
        (#"^\s*(.*)"#, 0, "\n  True\nmore", "True"),
    ])
    func regex(pattern: String, groupSelect: Int, response: String, expected: String) throws {
        let value = try Self.run("regex", ["regex_pattern": .string(pattern), "group_select": .int(groupSelect)], [response])
        #expect(value == [.string(expected)])
    }

    @Test func regexFallbackIsConfigurable() throws {
        #expect(try Self.run("regex", ["regex_pattern": "z", "fallback": "N/A"], ["a"]) == ["N/A"])
    }

    @Test func regexGroupSelectOutOfRangeIsAnError() {
        #expect(throws: ScoringError.self) { try Self.run("regex", ["regex_pattern": "a", "group_select": 3], ["a"]) }
    }

    struct SimpleCase: Sendable, CustomTestStringConvertible {
        var function: String
        var args: JSONObject = [:]
        var responses: [String]
        var expected: JSONValue
        var testDescription: String { "\(function) \(responses)" }
    }

    static let simpleCases: [SimpleCase] = [
        SimpleCase(function: "take_first", responses: ["a", "b"], expected: "a"),
        SimpleCase(function: "take_first_k", args: ["k": 2], responses: ["a", "b", "c"], expected: ["a", "b"]),
        SimpleCase(function: "remove_whitespace", responses: [" \n a "], expected: ["a "]),
        SimpleCase(function: "lowercase", responses: ["AbC"], expected: ["abc"]),
        SimpleCase(function: "uppercase", responses: ["straße"], expected: ["STRASSE"]),
        SimpleCase(function: "map", args: ["mapping_dict": ["A": 0, "B": 1], "default_value": -1], responses: ["B", "C"], expected: [1, -1]),
        SimpleCase(function: "map", responses: ["B"], expected: [nil]),
        SimpleCase(function: "majority_vote", responses: ["b", "a", "a", "b"], expected: ["b"]),
        SimpleCase(function: "majority_vote", responses: ["a", "b", "b"], expected: ["b"]),
        SimpleCase(function: "format_span", responses: ["Person: John, Mary\nlocation: Kenya $$ org: none"],
                   expected: ["per: john $ per: mary $ loc: kenya"]),
    ]

    @Test(arguments: simpleCases)
    func simpleFilters(_ c: SimpleCase) throws {
        #expect(try Self.run(c.function, c.args, c.responses) == c.expected)
    }

    @Test func takeFirstKNeedsEnoughResponses() {
        #expect(throws: ScoringError.self) { try Self.run("take_first_k", ["k": 3], ["a"]) }
    }

    @Test(arguments: [
        ("The answer is (B)", "B"),
        ("I think paris.", "(A)"),
        ("Answer: B", "(B)"),
        ("LONDON!", "(B)"),
        ("nothing", "[invalid]"),
    ])
    func multiChoiceRegex(response: String, expected: String) throws {
        let args: JSONObject = ["regex_pattern": #"answer is \(?([A-D])\)?"#, "ignore_case": true, "ignore_punctuation": true]
        let value = try Self.run("multi_choice_regex", args, [response], doc: ["choices": ["Paris", "London"]])
        #expect(value == [.string(expected)])
    }

    @Test func pipelinesChainAndTakeFirst() throws {
        // mmlu generative's get_response: first line, lstrip, trailing spaces, take_first.
        let list: JSONValue = [["name": "get_response", "filter": [
            ["function": "regex", "regex_pattern": #"^(.*?)(?=\n|$)"#],
            ["function": "remove_whitespace"],
            ["function": "regex", "regex_pattern": #"^(.*?)\s*$"#],
            ["function": "take_first"],
        ]]]
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: list, metricList: nil)
        let score = try scorer.score(ScoringSample(docID: 0, doc: [:], target: "C", responses: ["  C  \nbecause"]))
        #expect(score.filter("get_response")?.filtered == "C")
        #expect(score.filter("get_response")?.metric("exact_match") == 1.0)
    }

    @Test func noFilterListMeansTakeFirstNamedNone() throws {
        let scorer = try TaskScorer.fromJSON(taskName: "t", filterList: nil, metricList: nil)
        #expect(scorer.filterNames == ["none"])
        let score = try scorer.score(ScoringSample(docID: 0, doc: [:], target: "a", responses: ["a", "b"]))
        #expect(score.filters == [FilterScore(filter: "none", filtered: "a", metrics: [("exact_match", 1.0)])])
    }
}
