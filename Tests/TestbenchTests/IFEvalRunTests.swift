import Foundation
import JSON
import LMEval
import Python
@testable import Testbench
import TestSupport
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

/// Register → Sampler → requester → Evaluator on lm-eval's ifeval: the Evaluator reaches the
/// native process_results and aggregations through the task config, as the reference run does.
@Suite struct IFEvalEvaluatorTests {
    @Test func evaluatorScoresIFEvalLikeLMEval() async throws {
        let expected = try JSONValue.parse(try String(contentsOf: IFEvalRunTests.fixture.appendingPathComponent("lmeval.json"), encoding: .utf8))
        // datasets_dir/<dataset_path>/<split>.jsonl: google/IFEval/train.jsonl.
        let datasets = FileManager.default.temporaryDirectory.appendingPathComponent("ifeval-\(UUID().uuidString)")
        let folder = datasets.appendingPathComponent("google/IFEval")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: IFEvalRunTests.fixture.appendingPathComponent("data/train.jsonl"), to: folder.appendingPathComponent("train.jsonl"))
        var responses: [Int: String] = [:]
        for line in try String(contentsOf: IFEvalRunTests.fixture.appendingPathComponent("responses.jsonl"), encoding: .utf8).split(separator: "\n") {
            let value = try JSONValue.parse(String(line))
            responses[try #require(value["doc_id"]?.intValue)] = try #require(value["response"]?.stringValue)
        }

        let world = try await SamplerWorld.make(includePath: [PackagePaths.tasks, IFEvalRunTests.lmevalTasks], datasetsDir: datasets.path)
        try await withCleanup({
            await world.close()
            try? FileManager.default.removeItem(at: datasets)
        }) {
            let registrar = TaskRegistrar(services: world.services, huggingFace: nil)
            _ = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": "ifeval"]), logger: world.services.logger)
            let sampled = try await world.sample(samplerInput(task: "ifeval", docIDs: Array(0..<responses.count)))
            // ifeval's one split (train) starts at `__id` 0.
            try await writeResponses(world, taskID: sampled.taskID, firstRowID: 0) { docID, _, _ in responses[docID].map(FakeReply.text) ?? .none }
            let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: world.services.logger)
            #expect(outcome.status == 0)
            #expect(outcome.scored == responses.count && outcome.failed == 0)

            var want: [String: Double] = [:]
            for row in try #require(expected["results"]?.arrayValue) {
                want[try #require(row["metric"]?.stringValue)] = try #require(row["value"]?.doubleValue)
            }
            let rows = try #require(outcome.json["results"]?.arrayValue)
            #expect(Set(rows.compactMap { $0["metric"]?.stringValue }) == Set(want.keys))
            for row in rows {
                let metric = try #require(row["metric"]?.stringValue)
                #expect(row["value"]?.doubleValue == want[metric], "\(metric)")
            }
            // The selected score is the task configuration's one ifeval metric, prompt-level loose accuracy (the original's
            // table after e85f5c4: one score per document, since four metrics per sample could not be stored).
            #expect(outcome.selection?.metrics == ["prompt_level_loose_acc"])
            #expect(outcome.meanScore == want["prompt_level_loose_acc"])
        }
    }
}
