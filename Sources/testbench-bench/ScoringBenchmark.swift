import ArgumentParser
import BenchSupport
import ExtendedJSON
import Foundation
import JSON
import LMEval
import Scoring
import Testbench

/// Responses scored per second for a regex + exact_match task: the Evaluator's whole path
/// (join, parse completion bodies, filters, metric, results document) and the scorer alone,
/// against lm-eval 0.4.9's own filters and metrics on the same responses.
struct ScoringBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoring",
        abstract: "Score N synthetic responses natively and with lm-eval (scripts/bench-scoring/lmeval_score.py); print both rates and the ratio.")

    @Option(help: "Documents (responses) to score.") var documents = 10_000
    @Option(help: "A regex + exact_match task of the tasks folder.") var task = "bigbench_arithmetic_2_digit_addition"
    @Option(name: .customLong("tasks-dir"), help: "Task folder (default: the bundled tasks/).") var tasksDir: String?
    @Option(name: .customLong("lmeval-python"), help: "Python of a virtualenv with lm-eval 0.4.9 (default: $LMEVAL_PYTHON); without it only the native side runs.")
    var lmevalPython: String?
    @Option(help: "Timed repetitions of the native side (the best is reported).") var repetitions = 3

    func run() async throws {
        guard let tasksDir = tasksDir ?? TaskCatalog.bundledTasksFolder() else { throw ValidationError("no tasks folder: pass --tasks-dir") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("bench-scoring-\(UUID().uuidString)")
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // Synthetic 2-digit additions; responses: right, wrong, right with a trailing period, right after a preamble line.
        var docs: [JSONObject] = []
        var texts: [String] = []
        for i in 0..<documents {
            let a = 10 + i % 90, b = 10 + (i * 7) % 90
            docs.append(["input": .string("What is \(a) plus \(b)?"), "target": .string(String(a + b))])
            switch i % 4 {
            case 0: texts.append(" \(a + b)\n\nQ: What is 1 plus 1?")
            case 1: texts.append(" \(a + b + 1)")
            case 2: texts.append("  \(a + b).")
            default: texts.append(" The sum:\n\(a + b)")
            }
        }
        try write(docs, to: data.appendingPathComponent("test.jsonl"))
        try write(Array(docs.prefix(5)), to: data.appendingPathComponent("train.jsonl"))
        let responsesFile = work.appendingPathComponent("responses.jsonl")
        try Data(texts.enumerated().map { JSONValue.object(["doc_id": .int($0.offset), "response": .string($0.element)]).serialized() }
            .joined(separator: "\n").utf8).write(to: responsesFile)

        let index = try TaskIndex(folders: [tasksDir])
        let resolved = try index.resolveTask(named: task)
        print("task \(task), \(documents) documents, native build: \(Self.buildKind)")

        // The Evaluator's path: instances, prompts and stored responses (completion JSON bodies) → results document.
        let taskID = ObjectID()
        var instances: [JSONObject] = [], prompts: [JSONObject] = [], responses: [JSONObject] = []
        for (i, doc) in docs.enumerated() {
            var stored = doc
            stored["__id"] = .int(i)
            stored["task"] = .string(task)
            let instanceID = JSONValue.objectID(ObjectID()), promptID = JSONValue.objectID(ObjectID())
            instances.append(["_id": instanceID, "task_id": .objectID(taskID), "doc": .object(stored), "idx": 0, "task_name": .string(task), "doc_id": .int(i)])
            prompts.append(["_id": promptID, "task_id": .objectID(taskID), "instance_id": instanceID])
            let body = JSONValue.object(["id": "cmpl", "model": "m", "choices": [["index": 0, "text": .string(texts[i]), "finish_reason": "stop"]],
                                         "usage": ["prompt_tokens": 20, "completion_tokens": 4, "total_tokens": 24]]).serialized()
            responses.append(["_id": .objectID(ObjectID()), "ok": true, "error_code": 0, "ms": 250, "response": .string(body), "error": "",
                              "session_height": 10, "task_id": .objectID(taskID), "instance_id": instanceID, "prompt_id": promptID])
        }
        var evaluatorSeconds = Double.infinity
        var evaluatorMean = 0.0
        for _ in 0..<max(1, repetitions) {
            let started = ContinuousClock.now
            let result = try TaskEvaluation.run(taskID: taskID, api: .completions, task: resolved, root: tasksDir, instances: instances,
                                                prompts: prompts, responses: responses, resultTime: Date())
            evaluatorSeconds = min(evaluatorSeconds, seconds(ContinuousClock.now - started))
            evaluatorMean = result.meanScore ?? .nan
        }

        // The scorer alone: filters, exact_match and aggregation over the response texts.
        var features = Set<String>()
        for doc in docs { features.formUnion(doc.keys) }
        let scoring = try TaskScoring(task: resolved, root: tasksDir, firstDocument: docs.first, features: features)
        var scorerSeconds = Double.infinity
        var scorerMean = 0.0
        for _ in 0..<max(1, repetitions) {
            let started = ContinuousClock.now
            var scores: [SampleScore] = []
            scores.reserveCapacity(documents)
            for (i, doc) in docs.enumerated() {
                scores.append(try scoring.scorer.score(try scoring.sample(docID: i, doc: doc, responses: [texts[i]])))
            }
            let rows = try scoring.scorer.aggregate(scores)
            scorerSeconds = min(scorerSeconds, seconds(ContinuousClock.now - started))
            scorerMean = rows.first { $0.filter == scoring.selection.filter && $0.metric == scoring.selection.metric }?.value ?? .nan
        }
        print(String(format: "native evaluator path (parse bodies, join, filter, metric, results document): %.3f s, %.0f responses/s, mean %.4f",
                     evaluatorSeconds, Double(documents) / evaluatorSeconds, evaluatorMean))
        print(String(format: "native scorer (filters + exact_match + aggregation):                         %.3f s, %.0f responses/s, mean %.4f",
                     scorerSeconds, Double(documents) / scorerSeconds, scorerMean))

        guard let python = lmevalPython ?? ProcessInfo.processInfo.environment["LMEVAL_PYTHON"] else {
            print("lm-eval side skipped: pass --lmeval-python (a virtualenv with lm-eval 0.4.9)")
            return
        }
        let script = URL(fileURLWithPath: tasksDir).deletingLastPathComponent().appendingPathComponent("scripts/bench-scoring/lmeval_score.py").path
        let output = try lastOutputLine(of: python, [script, tasksDir, task, data.path, responsesFile.path])
        let lmeval = try JSONValue.parse(output)
        guard let seconds = lmeval["seconds"]?.doubleValue, let mean = lmeval["mean"]?.doubleValue, let count = lmeval["documents"]?.intValue else {
            throw ValidationError("unexpected output from \(script): \(output)")
        }
        print(String(format: "lm-eval 0.4.9 (apply_filters + process_results + aggregation):             %.3f s, %.0f responses/s, mean %.4f (%d documents)",
                     seconds, Double(count) / seconds, mean, count))
        print(String(format: "ratio native/lm-eval: scorer %.0fx, whole evaluator path %.0fx; means %@", seconds / scorerSeconds, seconds / evaluatorSeconds,
                     abs(mean - scorerMean) < 1e-12 && abs(mean - evaluatorMean) < 1e-12 ? "agree" : "DIFFER"))
    }

    static var buildKind: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    private func write(_ rows: [JSONObject], to url: URL) throws {
        try Data((rows.map { JSONValue.object($0).serialized() }.joined(separator: "\n") + "\n").utf8).write(to: url)
    }
}
