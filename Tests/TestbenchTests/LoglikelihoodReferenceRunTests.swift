import Foundation
import JSON
import LMEval
import Scoring
import Testbench
import Testing

/// `testbench run` on multiple_choice, loglikelihood and loglikelihood_rolling tasks from a
/// responses file of `{"doc_id", "idx", "loglikelihood", "is_greedy"}` lines: lm-eval 0.4.9's own
/// per-document metrics and results rows for the same loglikelihoods
/// (Tests/LMEvalTests/Fixtures/loglikelihood, scripts/lmeval-fixtures/loglikelihood.py).
@Suite struct LoglikelihoodReferenceRunTests {
    static let folder = PackagePaths.root.appendingPathComponent("Tests/LMEvalTests/Fixtures/loglikelihood")

    static var cases: [JSONValue] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("cases.json"), encoding: .utf8) else { return [] }
        return (try? JSONValue.parse(text))?.arrayValue ?? []
    }

    /// lm-eval's tree, indexed once for every case.
    static let lmevalIndex = Result { () throws(LMEvalError) in try TaskIndex(folders: [IFEvalRunTests.lmevalTasks]) }

    static func fixture(_ name: String) throws -> JSONValue {
        try JSONValue.parse(try String(contentsOf: folder.appendingPathComponent("\(name).scores.json"), encoding: .utf8))
    }

    static func runner(_ testCase: JSONValue, chat: Bool = false) throws -> ReferenceRunner {
        let index: TaskIndex
        switch testCase["tasks_dir"]?.stringValue {
        case "bundled": index = try TaskIndex(folders: [PackagePaths.tasks])
        case "custom": index = try TaskIndex(folders: [folder.appendingPathComponent("tasks").path])
        default: index = try lmevalIndex.get()
        }
        let data = folder.appendingPathComponent(try #require(testCase["data"]?.stringValue)).path
        return ReferenceRunner(index: index,
                               options: ReferenceRunOptions(tasks: [try #require(testCase["task"]?.stringValue)], data: data, datasetsDir: PackagePaths.datasets,
                                                            chat: chat, numFewshot: testCase["num_fewshot"]?.intValue))
    }

    /// The fixture's loglikelihoods as a responses file (its lines already have that shape).
    static func responses(_ fixture: JSONValue, transform: (JSONObject) -> JSONObject? = { $0 }) throws -> ResponsesFile {
        let lines = (fixture["loglikelihoods"]?.arrayValue ?? []).compactMap(\.objectValue).compactMap(transform).map { JSONValue.object($0).serialized() }
        return try ResponsesFile(path: try ReferenceRunTests.temporaryFile(lines))
    }

    @Test func everyFixtureCaseIsHere() { #expect(Self.cases.count >= 20) }

    @Test(arguments: cases)
    func scoresRecordedLoglikelihoodsLikeLMEval(_ testCase: JSONValue) async throws {
        let name = try #require(testCase["name"]?.stringValue)
        let fixture = try Self.fixture(name)
        let report = try await Self.runner(testCase).run(.file(try Self.responses(fixture)))
        let task = try #require(report.tasks.first)
        #expect(task.failures.isEmpty, "\(name): \(task.failures)")
        let wantSamples = fixture["samples"]?.arrayValue ?? []
        #expect(task.samples.map(\.docID) == wantSamples.compactMap { $0["doc_id"]?.intValue }, "\(name): documents scored")
        for (sample, want) in zip(task.samples, wantSamples) {
            let wantMetrics = try #require(want["metrics"]?.objectValue)
            #expect(sample.metrics.map(\.name) == wantMetrics.keys, "\(name) doc \(sample.docID): metric names")
            for (metric, value) in sample.metrics {
                #expect(Self.close(value, wantMetrics[metric] ?? .null), "\(name) doc \(sample.docID) \(metric): \(value) vs lm-eval \(wantMetrics[metric] ?? .null)")
            }
            #expect(sample.loglikelihoods?.count == sample.filtered.arrayValue?.count)
        }
        let wantRows = fixture["results"]?.arrayValue ?? []
        #expect(task.rows.map(\.metric) == wantRows.compactMap { $0["metric"]?.stringValue }, "\(name): result rows")
        for (row, want) in zip(task.rows, wantRows) {
            #expect(row.filter == "none" && row.n == wantSamples.count)
            #expect(Self.close(.double(row.value), want["value"] ?? .null), "\(name) \(row.metric): \(row.value) vs lm-eval \(want["value"] ?? .null)")
        }
        // Without task settings, the first metric of metric_list (lm-eval's default list when there is none).
        let first = fixture["metric_list"]?.arrayValue?.first?["metric"]?.stringValue
            ?? (fixture["output_type"] == "multiple_choice" ? "acc" : task.rows.first?.metric ?? "")
        #expect(task.selection == ScoreSelection(filters: ["none"], metrics: [first], configured: false))
    }

    /// lm-eval's `--limit` takes the first documents the file answers.
    @Test func limitKeepsTheFirstDocuments() async throws {
        let testCase = try #require(Self.cases.first { $0["name"] == "bigbench_navigate_mc" })
        var options = try Self.runner(testCase).options
        options.limit = .count(2)
        let runner = ReferenceRunner(index: try Self.runner(testCase).index, options: options)
        let report = try await runner.run(.file(try Self.responses(try Self.fixture("bigbench_navigate_mc"))))
        #expect(report.tasks.first?.samples.map(\.docID) == [0, 1])
        #expect(report.tasks.first?.rows.first?.n == 2)
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let label: String
        let transform: @Sendable (JSONObject) -> JSONObject?
        let message: String
        var testDescription: String { label }
    }

    static let badFiles: [BadFile] = [
        BadFile(label: "an instance left out", transform: { $0["doc_id"] == 1 && $0["idx"] == 1 ? nil : $0 },
                message: "doc 1 of bigbench_navigate_mc has no loglikelihood for idx 1"),
        BadFile(label: "an idx the document does not have", transform: { line in
            var line = line
            if line["doc_id"] == 2 && line["idx"] == 1 { line["idx"] = 7 }
            return line
        }, message: "doc 2 of bigbench_navigate_mc has no instance idx 7"),
        BadFile(label: "text responses for a multiple-choice task", transform: { line in
            guard line["idx"] == 0 else { return nil }
            return JSONObject([("doc_id", line["doc_id"] ?? 0), ("response", " True")])
        }, message: "is scored from {\"doc_id\", \"idx\", \"loglikelihood\", \"is_greedy\"} lines"),
        BadFile(label: "a document outside the split", transform: { line in
            var line = line
            if line["doc_id"] == 0 { line["doc_id"] = 500 }
            return line
        }, message: "doc 500 of bigbench_navigate_mc is outside its"),
    ]

    @Test(arguments: badFiles)
    func aBadResponsesFileIsRefusedBeforeScoring(_ bad: BadFile) async throws {
        let testCase = try #require(Self.cases.first { $0["name"] == "bigbench_navigate_mc" })
        let file = try Self.responses(try Self.fixture("bigbench_navigate_mc"), transform: bad.transform)
        let error = await #expect(throws: ReferenceRunError.self) { _ = try await Self.runner(testCase).run(.file(file)) }
        #expect(error?.message.contains(bad.message) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        (#"{"doc_id": 0, "idx": 0, "loglikelihood": "x"}"#, "loglikelihood must be a number"),
        (#"{"doc_id": 0, "idx": 0, "loglikelihood": 0.5}"#, "loglikelihood must be a number ≤ 0"),
        (#"{"doc_id": 0, "loglikelihood": -1}"#, "idx must be a non-negative integer"),
        (#"{"doc_id": 0, "idx": 0, "loglikelihood": -1, "is_greedy": 1}"#, "is_greedy must be true or false"),
        (#"{"doc_id": 0, "idx": 0, "loglikelihood": -1, "response": "a"}"#, "a line has either \"response\" or \"loglikelihood\", not both"),
    ])
    func aBadLoglikelihoodLineNamesItsLine(_ line: String, _ message: String) throws {
        let path = try ReferenceRunTests.temporaryFile([#"{"doc_id": 1, "idx": 0, "loglikelihood": -1.5, "is_greedy": true}"#, line])
        let error = #expect(throws: ReferenceRunError.self) { _ = try ResponsesFile(path: path) }
        #expect(error?.message.contains("line 2: \(message)") == true, "\(String(describing: error))")
    }

    @Test func aLoglikelihoodTaskOnTheChatPathIsRefused() async throws {
        let testCase = try #require(Self.cases.first { $0["name"] == "bigbench_navigate_mc" })
        let error = await #expect(throws: ReferenceRunError.self) {
            _ = try await Self.runner(testCase, chat: true).run(.file(try Self.responses(try Self.fixture("bigbench_navigate_mc"))))
        }
        #expect(error?.message.contains("which /v1/chat/completions (--chat) cannot return") == true, "\(String(describing: error))")
    }

    static let runs = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/loglikelihood-runs")

    /// lm-eval's `mmlu` is the size-weighted mean of its four groups, each of its subjects
    /// (scripts/lmeval-fixtures/loglikelihood_runs.py): both printed tables, character for character.
    @Test func mmluGroupTablesEqualLMEvals() async throws {
        let folder = Self.runs.appendingPathComponent("mmlu")
        let runner = ReferenceRunner(index: try Self.lmevalIndex.get(),
                                     options: ReferenceRunOptions(tasks: ["mmlu"], data: folder.appendingPathComponent("data").path, datasetsDir: PackagePaths.datasets))
        let report = try await runner.run(.file(try ResponsesFile(path: folder.appendingPathComponent("responses.jsonl").path)))
        #expect(report.tasks.count == 57)
        #expect(report.failureCount == 0)
        let expected = try String(contentsOf: folder.appendingPathComponent("table.txt"), encoding: .utf8)
        #expect(report.table + "\n" == expected, "--- ours\n\(report.table)")
    }

    /// `--output_path --log_samples` for a multiple-choice task: lm-eval's results file and samples
    /// lines (every instance's arguments, the str()-ed `(loglikelihood, is_greedy)` responses).
    @Test func outputFilesEqualLMEvals() async throws {
        let folder = Self.runs.appendingPathComponent("navigate_mc").path
        let args = try JSONValue.parse(String(contentsOfFile: "\(folder)/args.json", encoding: .utf8)).arrayValue?.compactMap(\.stringValue) ?? []
        let argument = { (name: String) -> String? in args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } }
        let limit = try #require(argument("--limit").flatMap(Double.init))
        let runner = ReferenceRunner(index: try TaskIndex(folders: [PackagePaths.tasks]),
                                     options: ReferenceRunOptions(tasks: ["bigbench_navigate_mc"], datasetsDir: PackagePaths.datasets, limit: DocumentLimit(lmEval: limit)))
        let report = try await runner.run(.file(try ResponsesFile(path: "\(folder)/responses.jsonl")))
        let record = LMEvalRunRecord(modelSource: try #require(argument("--model")), modelArgs: try #require(argument("--model_args")), limit: limit)
        let results = JSONValue.object(LMEvalOutput.results(report, record: record, logSamples: true, ended: record.startClock + 1, gitHash: nil))
        let theirs = try JSONValue.parse(String(contentsOfFile: "\(folder)/results.json", encoding: .utf8))
        let differences = LMEvalOutputTests.differences(results, theirs, skipping: LMEvalOutputTests.undetermined)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")

        let task = try #require(report.tasks.first)
        let text = try String(contentsOfFile: "\(folder)/samples_bigbench_navigate_mc.jsonl", encoding: .utf8)
        let lines = LMEvalOutput.sampleLines(task).map(JSONValue.object)
        let expected = try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(lines.count == expected.count)
        for (number, (mine, want)) in zip(lines, expected).enumerated() {
            let differences = LMEvalOutputTests.differences(mine, want)
            #expect(differences.isEmpty, "line \(number): \(differences.joined(separator: "\n"))")
        }
        let format = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)
        #expect(lines.map { $0.serialized(format) + "\n" }.joined() == text)
    }

    /// Equal, numbers within 1e-12 (numpy and Swift may round the last bit differently).
    static func close(_ a: JSONValue, _ b: JSONValue) -> Bool { LMEvalOutputTests.differences(a, b).isEmpty }
}
