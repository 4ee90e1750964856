import Foundation
import JSON
import Scoring
import Testing
@testable import LMEval

/// multiple_choice / loglikelihood / loglikelihood_rolling against lm-eval 0.4.9 itself
/// (Fixtures/loglikelihood, written by scripts/lmeval-fixtures/loglikelihood.py): every instance's
/// context, continuation and request body byte for byte, and the per-document metrics and task
/// results lm-eval's process_results and aggregations give for the same loglikelihoods.
@Suite("lm-eval loglikelihood parity", .serialized)
struct LoglikelihoodParityTests {
    static let folder = TestSupport.fixtures.appendingPathComponent("loglikelihood")

    static var cases: [JSONValue] {
        (try? TestSupport.loadJSON("loglikelihood/cases.json"))?.arrayValue ?? []
    }

    static let customIndex: Result<TaskIndex, LMEvalError> = Result { () throws(LMEvalError) in
        try TaskIndex(folders: [folder.appendingPathComponent("tasks").path])
    }

    @Test func fixturesArePresent() {
        #expect(Self.cases.count >= 20)
    }

    struct Loaded {
        let task: ResolvedTask
        let renderer: TaskRenderer
        let rendered: [RenderedDocument]
    }

    static func load(_ testCase: JSONValue) throws -> Loaded {
        let taskName = try #require(testCase["task"]?.stringValue)
        let index: TaskIndex
        switch testCase["tasks_dir"]?.stringValue {
        case "bundled": index = try ParityTests.bundledIndex.get()
        case "custom": index = try customIndex.get()
        default: index = try #require(ParityTests.lmevalIndex, "lm-eval's task tree is missing: run scripts/fetch-lmeval-tasks.sh").get()
        }
        let task = try index.resolveTask(named: taskName)
        let data = folder.appendingPathComponent(try #require(testCase["data"]?.stringValue))
        let renderer = try TaskRenderer(task: task, documents: JSONLFolderDocuments(folder: data),
                                        options: PromptOptions(numFewshot: testCase["num_fewshot"]?.intValue),
                                        model: APIModelOptions(model: "testbench-model"))
        return Loaded(task: task, renderer: renderer, rendered: try renderer.renderAll())
    }

    static func lines(_ name: String) throws -> [JSONValue] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    @Test(arguments: cases)
    func instancesMatchLMEval(_ testCase: JSONValue) throws {
        let name = try #require(testCase["name"]?.stringValue)
        let loaded = try Self.load(testCase)
        let ours = loaded.rendered.flatMap(\.instanceLines)
        let theirs = try Self.lines("\(name).jsonl")
        #expect(ours.count == theirs.count, "\(name): \(ours.count) instances, lm-eval has \(theirs.count)")
        for (got, want) in zip(ours, theirs) {
            let at = "\(name) doc \(want["doc_id"]?.intValue ?? -1) idx \(want["idx"]?.intValue ?? -1)"
            for key in ["doc_id", "idx", "request_type", "target"] {
                #expect(got[key] == want[key], "\(at): \(key) \(got[key] ?? .null) vs lm-eval \(want[key] ?? .null)")
            }
            for key in ["prompt", "continuation"] {
                let a = got[key]?.stringValue ?? "", b = want[key]?.stringValue ?? ""
                #expect(Array(a.utf8) == Array(b.utf8), "\(at): \(key) differs\n--- lm-eval\n\(b)\n--- swift\n\(a)")
            }
            #expect(got["request"] == want["request"], "\(at): request differs")
            #expect(got["request"]?.objectValue?.keys == want["request"]?.objectValue?.keys, "\(at): request key order differs")
        }
    }

    @Test(arguments: cases)
    func scoresMatchLMEval(_ testCase: JSONValue) throws {
        let name = try #require(testCase["name"]?.stringValue)
        let loaded = try Self.load(testCase)
        let fixture = try TestSupport.loadJSON("loglikelihood/\(name).scores.json")
        var results: [Int: [Int: ContinuationScore]] = [:]
        for entry in fixture["loglikelihoods"]?.arrayValue ?? [] {
            let doc = try #require(entry["doc_id"]?.intValue), idx = try #require(entry["idx"]?.intValue)
            results[doc, default: [:]][idx] = ContinuationScore(
                loglikelihood: try #require(entry["loglikelihood"]?.doubleValue), isGreedy: entry["is_greedy"]?.boolValue ?? false)
        }
        let first = try #require(loaded.rendered.first)
        let scoring = try LoglikelihoodTaskScoring(task: loaded.task, firstDocument: first.doc)
        var all: [[(name: String, item: LoglikelihoodItem)]] = []
        let expectedSamples = fixture["samples"]?.arrayValue ?? []
        #expect(expectedSamples.count == loaded.rendered.count)
        for (document, want) in zip(loaded.rendered, expectedSamples) {
            let byIdx = results[document.docID] ?? [:]
            let ordered = byIdx.keys.sorted().compactMap { byIdx[$0] }
            #expect(ordered.count == document.instances.count, "\(name) doc \(document.docID): instances")
            let sample = try scoring.sample(docID: document.docID, doc: document.doc, results: ordered)
            let metrics = try scoring.scorer.score(sample)
            all.append(metrics)
            let wantMetrics = try #require(want["metrics"]?.objectValue)
            #expect(metrics.map(\.name) == wantMetrics.keys, "\(name) doc \(document.docID): metric names \(metrics.map(\.name))")
            for (metric, item) in metrics {
                let want = wantMetrics[metric] ?? .null
                #expect(Self.close(item.json, want), "\(name) doc \(document.docID) \(metric): \(item.json) vs lm-eval \(want)")
            }
        }
        let rows = try scoring.scorer.aggregate(all)
        let wantRows = fixture["results"]?.arrayValue ?? []
        #expect(rows.map(\.metric) == wantRows.compactMap { $0["metric"]?.stringValue }, "\(name): result rows")
        for (row, want) in zip(rows, wantRows) {
            #expect(Self.close(.double(row.value), want["value"] ?? .null), "\(name) \(row.metric): \(row.value) vs lm-eval \(want["value"] ?? .null)")
            // lm-eval bootstraps these stderrs (random resampling); they are nil here.
            if case let .double(stderr)? = want["stderr"], !["perplexity", "f1", "mcc"].contains(row.metric) {
                #expect(Self.close(.double(row.stderr ?? .nan), .double(stderr)), "\(name) \(row.metric) stderr: \(row.stderr ?? .nan) vs \(stderr)")
            } else if want["stderr"]?.stringValue == "N/A" {
                #expect(row.stderr == nil, "\(name) \(row.metric): lm-eval prints N/A")
            }
        }
    }

    /// Equal, numbers within 1e-12 relative (numpy and Swift may round the last bit of exp and sums differently).
    static func close(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { close($0, $1) }
        case (.int, .int), (.string, .string), (.bool, .bool), (.null, .null): return a == b
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else { return false }
            if case .int = b, case .double = a { return false }
            if case .int = a, case .double = b { return false }
            return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        }
    }
}
