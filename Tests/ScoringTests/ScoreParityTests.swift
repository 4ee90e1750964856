import Foundation
import JSON
import Python
import Scoring
import Testing

/// The score fixtures made by lm-eval 0.4.9 itself (scripts/lmeval-fixtures), replayed natively.
@Suite struct ScoreParityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        var testDescription: String { name }
    }

    static func fixtureRoot() throws -> URL {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return url.appendingPathComponent("scores")
    }

    static func load(_ url: URL) throws -> JSONValue {
        try JSONValue.parse(try String(contentsOf: url, encoding: .utf8))
    }

    static let cases: [Case] = {
        guard let root = try? fixtureRoot(), let manifest = try? load(root.appendingPathComponent("cases.json")) else { return [] }
        return (manifest.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.map(Case.init)
    }()

    /// Documents where leaderboard math's `exact_match` (math-verify + sympy in lm-eval) is
    /// known to differ from the native approximation: (case, doc id, metric) → reason.
    /// Empty: every sample of the fixture agrees. Keep entries honest if fixtures grow.
    static let knownMathDifferences: [String: String] = [:]

    @Test func everyFixtureCaseIsListed() {
        #expect(Self.cases.count == 17)
    }

    @Test(arguments: cases)
    func scoresMatchLMEval(_ c: Case) throws {
        let fixture = try Self.load(try Self.fixtureRoot().appendingPathComponent("\(c.name).json"))
        let task = try #require(fixture["task"]?.stringValue)
        var processResults: (directory: String, function: String)?
        if case let .object(ref)? = fixture["process_results"] {
            processResults = (try #require(ref["directory"]?.stringValue), try #require(ref["function"]?.stringValue))
        }
        let scorer = try TaskScorer.fromJSON(taskName: task, outputType: try #require(fixture["output_type"]?.stringValue),
                                    filterList: fixture["filter_list"], metricList: fixture["metric_list"],
                                    processResults: processResults, multipleTarget: (fixture["multiple_target"]?.intValue ?? 0) > 0)
        var scores: [SampleScore] = []
        for sample in try #require(fixture["samples"]?.arrayValue) {
            let docID = try #require(sample["doc_id"]?.intValue)
            let score = try scorer.score(ScoringSample(docID: docID, doc: try #require(sample["doc"]?.objectValue),
                                                       target: try #require(sample["target"]),
                                                       responses: [try #require(sample["response"]?.stringValue)]))
            scores.append(score)
            let filtered = try #require(sample["filtered"]?.objectValue)
            #expect(score.filters.map(\.filter) == filtered.keys, "doc \(docID)")
            for (filter, expected) in filtered {
                let got = try #require(score.filter(filter))
                #expect(Self.sameText(got.filtered, expected), "doc \(docID) filter \(filter): \(got.filtered) vs lm-eval \(expected)")
                let metrics = try #require(sample["metrics"]?[filter]?.objectValue)
                #expect(got.metrics.map(\.name) == metrics.keys, "doc \(docID) filter \(filter)")
                for (metric, value) in metrics {
                    let key = "\(c.name)#\(docID)#\(metric)"
                    let ours = try #require(got.metric(metric)?.doubleValue)
                    let theirs = try #require(value.doubleValue)
                    if let reason = Self.knownMathDifferences[key] {
                        #expect(abs(ours - theirs) > 1e-12, "\(key) is listed as a known difference (\(reason)) but now agrees")
                    } else {
                        #expect(abs(ours - theirs) <= 1e-12, "doc \(docID) \(filter)/\(metric): \(ours) vs lm-eval \(theirs)")
                    }
                }
            }
        }
        let rows = try scorer.aggregate(scores)
        let expectedRows = try #require(fixture["results"]?.arrayValue)
        #expect(rows.count == expectedRows.count)
        let differences = Self.knownMathDifferences.keys.filter { $0.hasPrefix(c.name + "#") }
        for (row, expected) in zip(rows, expectedRows) {
            #expect(row.filter == expected["filter"]?.stringValue)
            #expect(row.metric == expected["metric"]?.stringValue)
            #expect(row.n == expected["n"]?.intValue)
            if differences.isEmpty {
                #expect(abs(row.value - (expected["value"]?.doubleValue ?? .nan)) <= 1e-9, "\(row.filter)/\(row.metric)")
                if let stderr = expected["stderr"]?.doubleValue {
                    #expect(abs((row.stderr ?? .nan) - stderr) <= 1e-9, "\(row.filter)/\(row.metric) stderr")
                } else {
                    #expect(row.stderr == nil)
                }
            }
        }
        if differences.isEmpty {
            let table = ResultTable.render([ResultTable.Task(name: try #require(fixture["alias"]?.stringValue), version: fixture["version"],
                                                             nShot: PythonStr.of(fixture["n_shot"]), rows: rows)])
            #expect(table == fixture["table"]?.stringValue)
        }
    }

    /// Strings compare by code point, as Python does.
    static func sameText(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case let .string(x) = a, case let .string(y) = b { return x.unicodeScalars.elementsEqual(y.unicodeScalars) }
        return a == b
    }
}

enum PythonStr {
    static func of(_ value: JSONValue?) -> String {
        switch value {
        case let .int(i)?: return String(i)
        case let .string(s)?: return s
        case let .double(d)?: return PythonFloat.repr(d)
        default: return " "
        }
    }
}
