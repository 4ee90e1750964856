import Foundation
import JSON
import LMEval
import Python
import Testbench
import Testing

/// `testbench run` on lm-eval's own ifeval task with recorded responses, against lm-eval 0.4.9's
/// evaluator on the same documents and responses (scripts/ifeval-fixtures/evaluate.py).
@Suite struct IFEvalRunTests {
    static let fixture = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/ifeval-run")

    /// lm-eval 0.4.9's task tree (`make test` fetches it): env TESTBENCH_LMEVAL_TASKS, else `.cache/`.
    static var lmevalTasks: String {
        if let env = ProcessInfo.processInfo.environment["TESTBENCH_LMEVAL_TASKS"], !env.isEmpty { return env }
        return PackagePaths.root.appendingPathComponent(".cache/lm-eval-0.4.9/lm_eval/tasks").path
    }

    @Test func referenceRunScoresIFEvalLikeLMEval() async throws {
        let expected = try JSONValue.parse(try String(contentsOf: Self.fixture.appendingPathComponent("lmeval.json"), encoding: .utf8))
        let runner = ReferenceRunner(
            index: try TaskIndex(folders: [PackagePaths.tasks, Self.lmevalTasks]),
            options: ReferenceRunOptions(tasks: ["ifeval"], data: Self.fixture.appendingPathComponent("data").path, datasetsDir: PackagePaths.datasets))
        let report = try await runner.run(.file(try ResponsesFile(path: Self.fixture.appendingPathComponent("responses.jsonl").path)))
        let task = try #require(report.tasks.first)
        #expect(task.failures.isEmpty)
        #expect(task.samples.count == 96)

        var want: [String: (value: Double, stderr: Double?)] = [:]
        for row in try #require(expected["results"]?.arrayValue) {
            let metric = try #require(row["metric"]?.stringValue)
            want[metric] = (try #require(row["value"]?.doubleValue), row["stderr"]?.doubleValue)
        }
        #expect(Set(task.rows.map(\.metric)) == Set(want.keys))
        for row in task.rows {
            let lmeval = try #require(want[row.metric])
            #expect(row.filter == "none")
            #expect(row.value == lmeval.value, "\(row.metric)")
            if let stderr = lmeval.stderr {
                #expect(abs((row.stderr ?? .nan) - stderr) < 1e-15, "\(row.metric) stderr")
            } else {
                #expect(row.stderr == nil, "\(row.metric): lm-eval has no stderr for agg_inst_level_acc")
            }
        }

        // Per document, the four values lm-eval logged.
        let logged = try #require(expected["samples"]?.arrayValue)
        for sample in task.samples {
            let lmeval = try #require(logged.first { $0["doc_id"]?.intValue == sample.docID }?["metrics"]?.objectValue)
            for (name, value) in sample.metrics {
                let want = try #require(lmeval[name])
                #expect(PythonValue.repr(value) == PythonValue.repr(want), "doc \(sample.docID) \(name)")
            }
        }

        // The table has lm-eval's rows (its order of metrics may differ; compare the lines as a set).
        let table = try #require(expected["table"]?.stringValue)
        let lines = { (text: String) in Set(text.split(separator: "\n").map { $0.replacingOccurrences(of: "|ifeval|", with: "|      |") }) }
        #expect(lines(report.table) == lines(table), "\(report.table)\nlm-eval:\n\(table)")
    }
}
