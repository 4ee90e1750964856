import Foundation
import JSON
import LMEval
import Python
import Scoring
import Testing

/// IFEval scoring against lm-eval 0.4.9's own `ifeval/utils.py` and the nltk and langdetect it
/// calls, on the fixtures `scripts/ifeval-fixtures/generate.py` made with them.
@Suite struct IFEvalParityTests {
    struct Line: Sendable, CustomTestStringConvertible {
        let index: Int
        let value: JSONValue
        var testDescription: String { "line \(index + 1)" }
    }

    static func fixture(_ name: String) throws -> String {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try String(contentsOf: root.appendingPathComponent("ifeval").appendingPathComponent(name), encoding: .utf8)
    }

    static func lines(_ name: String) -> [Line] {
        guard let text = try? fixture(name) else { return [] }
        return text.split(separator: "\n").enumerated().compactMap { index, line in
            (try? JSONValue.parse(String(line))).map { Line(index: index, value: $0) }
        }
    }

    static let results = lines("results.jsonl")
    static let sentences = lines("sentences.jsonl")
    static let words = lines("words.jsonl")
    static let languages = lines("languages.jsonl")
    static let rows: [Int: JSONObject] = {
        var out: [Int: JSONObject] = [:]
        for line in lines("rows.jsonl") {
            if let row = line.value.objectValue, let key = row["key"]?.intValue { out[key] = row }
        }
        return out
    }()

    @Test func fixturesCoverEveryRegisteredInstruction() throws {
        #expect(Self.results.count == 96)
        #expect(Self.sentences.count > 96 && Self.words.count > 96 && Self.languages.count > 96)
        var ids = Set<String>()
        for row in Self.rows.values {
            for id in row["instruction_id_list"]?.arrayValue ?? [] { ids.insert(id.stringValue ?? "") }
        }
        #expect(ids == Set(IFEvalInstruction.registeredIDs))
        #expect(IFEvalInstruction.registeredIDs.count == 25)
    }

    @Test(arguments: results)
    func processResultsMatchesLMEval(_ line: Line) throws {
        let key = try #require(line.value["key"]?.intValue)
        let doc = try #require(Self.rows[key])
        let response = try #require(line.value["response"]?.stringValue)
        let expected = try #require(line.value["metrics"]?.objectValue)
        let got = try IFEvalScoring.processResults(doc: doc, results: [.string(response)])
        #expect(got.map(\.name) == IFEvalScoring.metricNames)
        for (name, value) in got {
            // repr, so that True and 1 differ.
            let want = try #require(expected[name])
            #expect(PythonValue.repr(value) == PythonValue.repr(want), "key \(key) \(name) on \(PythonValue.repr(response))")
        }
    }

    @Test func aggregatesMatchLMEval() throws {
        let expected = try JSONValue.parse(try Self.fixture("aggregate.json"))
        let scorer = try TaskScorer(
            taskName: "ifeval", filterList: nil,
            metricList: IFEvalScoring.metricNames.map { name in
                name.hasPrefix("inst_")
                    ? MetricEntry(metric: name, nativeAggregation: NativeAggregation(name: "agg_inst_level_acc") { items throws(ScoringError) in
                        try IFEvalScoring.instructionLevelAccuracy(items)
                    }, higherIsBetter: true)
                    : MetricEntry(metric: name, aggregation: "mean", higherIsBetter: true)
            },
            processResults: ProcessResults(name: "process_results") { doc, results throws(ScoringError) in
                try IFEvalScoring.processResults(doc: doc, results: results)
            })
        var scores: [SampleScore] = []
        for (index, line) in Self.results.enumerated() {
            let key = try #require(line.value["key"]?.intValue)
            let doc = try #require(Self.rows[key])
            let response = try #require(line.value["response"]?.stringValue)
            scores.append(try scorer.score(ScoringSample(docID: index, doc: doc, target: .int(0), responses: [response])))
        }
        let rows = try scorer.aggregate(scores)
        #expect(rows.map(\.metric) == IFEvalScoring.metricNames)
        for row in rows {
            #expect(row.value == expected[row.metric]?.doubleValue, "\(row.metric)")
            #expect(row.n == 96)
            // lm-eval computes a stderr only for aggregations it registers.
            #expect((row.stderr == nil) == row.metric.hasPrefix("inst_"), "\(row.metric)")
        }
    }

    @Test(arguments: sentences)
    func punktSentencesMatchNLTK(_ line: Line) throws {
        let text = try #require(line.value["text"]?.stringValue)
        let expected = try #require(line.value["sentences"]?.arrayValue).compactMap(\.stringValue)
        #expect(PunktSentenceTokenizer.english.tokenize(text) == expected, "\(PythonValue.repr(text))")
    }

    @Test(arguments: words)
    func wordTokensMatchNLTK(_ line: Line) throws {
        let text = try #require(line.value["text"]?.stringValue)
        let expected = try #require(line.value["words"]?.arrayValue).compactMap(\.stringValue)
        #expect(NLTKWordTokenizer.wordTokenize(text) == expected, "\(PythonValue.repr(text))")
    }

    @Test(arguments: languages)
    func languagesMatchLangdetect(_ line: Line) throws {
        let text = try #require(line.value["text"]?.stringValue)
        #expect(LanguageDetector.standard.detect(text) == line.value["language"]?.stringValue, "\(PythonValue.repr(text))")
    }

    @Test func badKwargsAreErrorsNamingTheInstruction() {
        #expect(throws: ScoringError.self) { try IFEvalInstruction(id: "keywords:frequency", kwargs: ["keyword": .string("a"), "frequency": .int(2)]) }
        #expect(throws: ScoringError.self) { try IFEvalInstruction(id: "length_constraints:number_words", kwargs: ["num_words": .int(5), "relation": .string("at most")]) }
        #expect(throws: ScoringError.self) { try IFEvalInstruction(id: "detectable_format:title", kwargs: ["num_words": .int(5)]) }
        #expect(throws: ScoringError.self) { try IFEvalInstruction(id: "keywords:rephrase", kwargs: [:]) }
        do {
            _ = try IFEvalInstruction(id: "keywords:letter_frequency", kwargs: ["letter": .string("ab"), "let_frequency": .int(1), "let_relation": .string("at least")])
            Issue.record("a two-letter letter was accepted")
        } catch {
            #expect(error.message.contains("keywords:letter_frequency"))
        }
    }

    @Test func nativeRegistryBindsBothIFEvalModules() {
        for module in ["ifeval/utils.py", "leaderboard/ifeval/utils.py"] {
            let keys = NativeFunctionRegistry.standard.keys.filter { $0.module == module }.map(\.name).sorted()
            #expect(keys == ["agg_inst_level_acc", "process_results"], "\(module)")
        }
    }
}
