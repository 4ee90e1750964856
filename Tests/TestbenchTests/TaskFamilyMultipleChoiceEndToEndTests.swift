import ExtendedJSON
import Foundation
import JSON
import LMEval
@testable import Testbench
import TestSupport
import Testing
import WorkflowDefinitions

/// Register → Sampler → Evaluator on the embedded store (PostgreSQL JSONB) for one multiple-choice
/// task of each family of the original's task set, on the task set's fixture rows: a fake server
/// echoes prompt logprobs that make the gold choice the most likely for one document and a wrong
/// choice for the other, and the table's metric (acc or acc_norm) then averages to 0.5.
@Suite("multiple-choice task families end to end", .serialized)
struct TaskFamilyMultipleChoiceEndToEndTests {
    static let families = [
        "arc_challenge", "hellaswag", "truthfulqa_mc2", "winogrande", "mmlu_anatomy", "leaderboard_gpqa_main",
        "leaderboard_musr_murder_mysteries", "leaderboard_bbh_boolean_expressions", "leaderboard_mmlu_pro",
    ]

    /// The preferred choice's continuation logprob and every other's. Far apart and the preferred
    /// one near 0, so that dividing by a choice's length (acc_norm) cannot change which is highest.
    static let preferredLogprob = -0.001, otherLogprob = -20.0

    /// One instance (one choice) as the fake server needs it.
    struct Request {
        let docID: Int
        let idx: Int
        let context: String
        let continuation: String
    }

    @Test(arguments: families)
    func registerSampleEvaluate(_ name: String) async throws {
        let row = try #require(OriginalTaskSetTests.names.first { $0.name == name }, "\(name) is not in the task set")
        #expect(row.outputType == "multiple_choice")
        // datasets_dir/<dataset_path>/<dataset_name>/<split>.jsonl, from the task set's fixture rows.
        let datasets = FileManager.default.temporaryDirectory.appendingPathComponent("mc-families-\(UUID().uuidString)")
        var folder = datasets.appendingPathComponent(row.datasetPath)
        if let datasetName = row.datasetName { folder = folder.appendingPathComponent(datasetName) }
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try OriginalTaskSetTests.folder(for: row), toPath: folder.path)

        let folders = [PackagePaths.tasks, IFEvalRunTests.lmevalTasks]
        let world = try await SamplerWorld.make(includePath: folders, datasetsDir: datasets.path)
        try await withCleanup({
            await world.close()
            try? FileManager.default.removeItem(at: datasets)
        }) {
            let registrar = TaskRegistrar(services: world.services, huggingFace: nil)
            _ = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": .string(name)]), logger: world.services.logger)
            let sampled = try await world.sample(samplerInput(task: name, qty: 2))
            let store = world.services.documents
            let instances = try await store.instances(taskID: sampled.taskID)
            #expect(instances.allSatisfy { $0["request_type"] == "loglikelihood" })

            // Each stored document's gold and choices, read as the Evaluator's process_results reads them.
            let index = try TaskIndex(folders: folders)
            let reference = try #require(try index.expand(name).first)
            let task = try index.resolve(reference)
            let root = reference.file.flatMap { file in index.folders.first { file.hasPrefix($0 + "/") } } ?? index.folders.first
            let firstDoc = try #require(instances.first?["doc"]?.objectValue)
            let scoring = try LoglikelihoodTaskScoring(task: task, firstDocument: firstDoc, root: root)
            var requests: [String: Request] = [:]
            var docs: [Int: JSONObject] = [:]
            for instance in instances {
                let docID = try #require(instance["doc_id"]?.intValue)
                let arguments = try #require(instance["arguments"]?.arrayValue)
                try #require(arguments.count == 2, "\(name): arguments are [context, continuation]")
                requests[instance["_id"]?.objectIDValue?.hex ?? ""] = Request(
                    docID: docID, idx: try #require(instance["idx"]?.intValue),
                    context: try #require(arguments[0].stringValue), continuation: try #require(arguments[1].stringValue))
                docs[docID] = try #require(instance["doc"]?.objectValue)
            }
            try #require(docs.count == 2, "\(name): two documents sampled")
            var golds: [Int: Int] = [:], choiceCounts: [Int: Int] = [:]
            for (docID, doc) in docs {
                let sample = try scoring.sample(docID: docID, doc: doc, results: [])
                choiceCounts[docID] = sample.choices.count
                // lm-eval's process_results: an int is the index, a string the choice it names.
                switch sample.target {
                case let .int(gold): golds[docID] = gold
                case let .string(text):
                    let gold: Int = try #require(sample.choices.firstIndex(of: text), "\(name): gold '\(text)' is not a choice")
                    golds[docID] = gold
                default: Issue.record("\(name): doc \(docID)'s gold is \(sample.target)")
                }
            }
            let right = try #require(docs.keys.min())
            // The choice each document's fake answer prefers: the gold for one, the next choice for the other.
            var preferred: [Int: Int] = [:]
            for (docID, gold) in golds {
                let count = try #require(choiceCounts[docID])
                try #require(count >= 2 && (0..<count).contains(gold), "\(name): doc \(docID) gold \(gold) of \(count) choices")
                if docID == right {
                    preferred[docID] = gold
                } else if name == "truthfulqa_mc2" {
                    // mc2's gold (0) is one of several true answers: the first false one is wrong.
                    let labels = Self.mc2Labels(try #require(docs[docID]))
                    let firstFalse: Int = try #require(labels.firstIndex(of: 0))
                    preferred[docID] = firstFalse
                } else {
                    preferred[docID] = (gold + 1) % count
                }
            }
            #expect(instances.count == choiceCounts.values.reduce(0, +), "\(name): one instance per choice")

            try await writeResponses(world, taskID: sampled.taskID, firstRowID: 0) { _, _, prompt in
                guard let request = requests[prompt["instance_id"]?.objectIDValue?.hex ?? ""] else { return .none }
                let logprob = request.idx == preferred[request.docID] ? Self.preferredLogprob : Self.otherLogprob
                return .body(Self.echoBody(context: request.context, continuation: request.continuation, logprob: logprob))
            }
            let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: world.services.logger)
            #expect(outcome.status == 0, "\(outcome.json)")
            let errors = (try await store.result(taskID: sampled.taskID)?["scores"]?.arrayValue ?? []).compactMap { score in
                score["status_code"] == 0 ? nil : score["error_str"]?.stringValue
            }
            #expect(outcome.scored == 2 && outcome.failed == 0, "\(outcome.json) errors \(errors)")
            let table = try TaskSettingsTable.read(file: PackagePaths.root.appendingPathComponent("tasks/task_config.json").path)
            let metric = try #require(try table.settings(for: row.registeredAs).metrics.first)
            #expect(outcome.selection?.metric == metric, "\(outcome.json)")
            if name == "truthfulqa_mc2" {
                // mc2 scores the probability mass of the true answers (labels 1), not the argmax.
                var expected = 0.0
                for (docID, doc) in docs {
                    expected += try Self.mc2(labels: Self.mc2Labels(doc), preferred: try #require(preferred[docID])) / 2
                }
                let mean = try #require(outcome.meanScore)
                #expect(abs(mean - expected) < 1e-12, "\(name): \(outcome.json), expected \(expected)")
                #expect(expected > 0.49 && expected < 0.51, "one nearly all true, the other nearly all false: \(expected)")
            } else {
                #expect(outcome.meanScore == 0.5, "\(name): one right, one wrong: \(outcome.json) golds \(golds) preferred \(preferred)")
            }
        }
    }

    /// `LoglikelihoodEvaluatorTests.echoBody`, with a context's trailing whitespace (gpqa's
    /// "Answer: ") starting the continuation's token, as a real tokenizer's " (A)" would: lm-eval
    /// moves it into the continuation, and a context token holding it would be counted (no logprob).
    static func echoBody(context: String, continuation: String, logprob: Double) -> String {
        var head = context.unicodeScalars[...]
        while let last = head.last, last.properties.isWhitespace { head = head.dropLast() }
        let prefix = String(head), rest = String(context.unicodeScalars[head.endIndex...]) + continuation
        guard !prefix.isEmpty else { return LoglikelihoodEvaluatorTests.echoBody(context: context, continuation: continuation, logprob: logprob) }
        return LoglikelihoodEvaluatorTests.echoBody(context: prefix, continuation: rest, logprob: logprob)
    }

    /// truthfulqa's `mc2_targets.labels`: 1 for each true choice, listed before the false ones (0).
    static func mc2Labels(_ doc: JSONObject) -> [Int] {
        (doc["mc2_targets"]?["labels"]?.arrayValue ?? []).compactMap { $0.intValue }
    }

    /// lm-eval's truthfulqa process_results_mc2 for the fake answer preferring choice `preferred`:
    /// the true choices' share of the probability of all choices.
    static func mc2(labels: [Int], preferred: Int) throws -> Double {
        let probabilities = labels.indices.map { exp($0 == preferred ? preferredLogprob : otherLogprob) }
        let split = try #require(labels.firstIndex(of: 0))
        let pTrue = probabilities[..<split].reduce(0, +), pFalse = probabilities[split...].reduce(0, +)
        return pTrue / (pTrue + pFalse)
    }
}
