import Foundation
import JSON
import LMEval
@testable import Testbench
import TestSupport
import Testing
import WorkflowDefinitions

/// Register → Sampler → Evaluator on the embedded store (PostgreSQL JSONB) for one generate_until
/// task of each family of the original's task set, on the task set's fixture rows: with the task
/// configuration's settings, a right answer scores 1 and a wrong one 0 through the family's filter.
@Suite("task families end to end", .serialized)
struct TaskFamilyEndToEndTests {
    struct Family: Sendable, CustomTestStringConvertible {
        let task: String
        /// The `category` every sampled document must have (MMLU-Pro).
        var category: String? = nil
        /// The model's right answer built from the document's target, as the family's filter reads it.
        let answer: @Sendable (String) -> String
        var testDescription: String { task }
    }

    static let families: [Family] = [
        Family(task: "gsm8k") { "Adding them up gives \($0)." },
        Family(task: "bbh_cot_fewshot_boolean_expressions") { "Let's think step by step. So the answer is \($0)." },
        Family(task: "mmlu_anatomy_generative") { $0 },
        // Rows of all 14 categories: Register stores only the task's category (its process_docs keeps rows by category).
        Family(task: "mmlu_pro_biology", category: "biology") { "Let's think step by step. The answer is (\($0))." },
        Family(task: "mmlu_pro_computer_science", category: "computer science") { "Let's think step by step. The answer is (\($0))." },
        Family(task: "mmlu_pro-category_biology") { "Let's think step by step. The answer is (\($0))." },
        Family(task: "leaderboard_math_algebra_hard") { "The sum is 7.\nFinal Answer: The final answer is $\($0)$. I hope it is correct." },
        Family(task: "babi-task_01-single_supporting_fact") { $0 },
        // lm-eval's own babi: the table's babi entry, through its "none" (the task has no get_response).
        Family(task: "babi") { $0 },
        Family(task: "babisteps-task_01-simpletracking") { $0 },
        Family(task: "babisteps-chat-cot-task_01-simpletracking") { "The ball moved twice.\nThe answer is \($0)" },
    ]

    @Test(arguments: families)
    func registerSampleEvaluate(_ family: Family) async throws {
        let row = try #require(OriginalTaskSetTests.names.first { $0.name == family.task }, "\(family.task) is not in the task set")
        // datasets_dir/<dataset_path>/<dataset_name>/<split>.jsonl, from the task set's fixture rows.
        let datasets = FileManager.default.temporaryDirectory.appendingPathComponent("families-\(UUID().uuidString)")
        var folder = datasets.appendingPathComponent(row.datasetPath)
        if let name = row.datasetName { folder = folder.appendingPathComponent(name) }
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try OriginalTaskSetTests.folder(for: row), toPath: folder.path)

        let world = try await SamplerWorld.make(includePath: [PackagePaths.tasks, IFEvalRunTests.lmevalTasks], datasetsDir: datasets.path)
        try await withCleanup({
            await world.close()
            try? FileManager.default.removeItem(at: datasets)
        }) {
            let registrar = TaskRegistrar(services: world.services, huggingFace: nil)
            _ = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": .string(family.task)]), logger: world.services.logger)
            let sampled = try await world.sample(samplerInput(task: family.task, qty: 2))
            // Each stored document's target by the task's own doc_to_target.
            let index = try TaskIndex(folders: [PackagePaths.tasks, IFEvalRunTests.lmevalTasks])
            let task = try index.resolve(try #require(try index.expand(family.task).first))
            var targets: [Int: String] = [:]
            for instance in try await world.services.documents.instances(taskID: sampled.taskID) {
                let doc = try #require(instance["doc"]?.objectValue)
                let target = try DocumentFields(task: task, features: Set(doc.keys)).target(doc)
                // A list of right answers (babisteps): the first.
                let first = target.arrayValue?.first ?? target
                targets[try #require(instance["doc_id"]?.intValue)] = first.stringValue ?? first.intValue.map(String.init) ?? "\(first)"
                if let category = family.category { #expect(doc["category"] == .string(category), "\(family.task): \(doc)") }
            }
            #expect(targets.count == 2)
            var replies: [String] = []
            // The first prompt answered right, the other wrong (with firstRowID 0 the position is the __id).
            try await writeResponses(world, taskID: sampled.taskID, firstRowID: 0) { id, _, _ in
                let reply = replies.isEmpty ? family.answer(targets[id] ?? "") : "I do not know."
                replies.append(reply)
                return .text(reply)
            }
            #expect(replies.count == 2)
            let outcome = try await Evaluator(services: world.services).evaluate(EvaluatorInput(taskID: sampled.taskID), logger: world.services.logger)
            #expect(outcome.status == 0, "\(outcome.json)")
            #expect(outcome.scored == 2 && outcome.failed == 0, "\(outcome.json)")
            #expect(outcome.meanScore == 0.5, "\(family.task): one right, one wrong answer: \(outcome.json) replies \(replies) targets \(targets)")
        }
    }
}
