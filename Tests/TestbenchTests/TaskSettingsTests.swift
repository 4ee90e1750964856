import Foundation
import JSON
import Testbench
import Testing
import WorkflowDefinitions

/// The original's per-task table as data: the shipped file, its name rules, the Sampler's use of it.
@Suite struct TaskSettingsTests {
    static let shipped = PackagePaths.tasks + "/task_config.json"

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("task-config-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The entry each family's names get, as the original's `get_task_config` picks it.
    @Test(arguments: [
        ("arc_challenge", "arc_challenge"), ("hellaswag", "hellaswag"), ("gsm8k", "gsm8k"), ("mmlu_anatomy", "mmlu"),
        ("mmlu_anatomy_generative", "mmlu_generative"), ("mmlu_pro_biology", "mmlu_pro"), ("mmlu_professional_law", "mmlu"), ("mmlu_pro-category_law", "mmlu_pro"),
        ("leaderboard_gpqa_diamond", "leaderboard_gpqa"), ("leaderboard_musr_team_allocation", "leaderboard_musr"),
        ("leaderboard_math_algebra_hard", "leaderboard_math"), ("leaderboard_mmlu_pro", "leaderboard_mmlu_pro"),
        ("leaderboard_bbh_navigate", "leaderboard_bbh_navigate"), ("babisteps-task_04-listing", "babisteps"),
        ("babisteps-chat-cot-task_04-listing", "babisteps-chat"), ("babi-task_07-counting", "babi"), ("babi", "babi"),
        ("bbh_cot_fewshot_navigate", "bbh_cot_fewshot_"), ("bigbench_navigate_cot", "bigbench"), ("bigbench_navigate_mc", "bigbench_mc"), ("ifeval", "ifeval"),
    ])
    func nameRules(_ task: String, _ entry: String) {
        #expect(TaskSettingsTable.entryName(for: task) == entry)
    }

    @Test func theShippedTableIsTheOriginals() throws {
        let table = try TaskSettingsTable.read(file: Self.shipped)
        #expect(try table.settings(for: "gsm8k") == TaskSettings(metrics: ["exact_match"], filters: ["flexible-extract"], numFewshot: 5))
        #expect(try table.settings(for: "arc_challenge") == TaskSettings(metrics: ["acc_norm"], numFewshot: 25))
        #expect(try table.settings(for: "babisteps-task_01-simpletracking") == TaskSettings(
            metrics: ["exact_match"], filters: ["get_response"], numFewshot: 3, applyChatTemplate: false, fewshotAsMultiturn: false,
            path: "/v1/completions"))
        #expect(try table.settings(for: "ifeval").metrics == ["prompt_level_loose_acc"])
        // The one other change: lm-eval's own babi shares the entry and has only "none".
        #expect(try table.settings(for: "babi-task_01-single_supporting_fact").filters == ["get_response", "none"])
    }

    /// leaderboard_bbh_navigate has no entry by the name rules; its group leaderboard_bbh has one.
    @Test func aTaskWithoutAnEntryTakesItsNearestGroupsEntry() throws {
        let path = try Self.write(#"{"outer": {"metrics": ["acc"]}, "inner": {"metrics": ["acc_norm"], "num_fewshot": 3}}"#)
        let table = try TaskSettingsTable.read(file: path)
        #expect(try table.settings(for: "sub", groups: ["inner", "outer"]) == TaskSettings(metrics: ["acc_norm"], numFewshot: 3))
        #expect(try table.settings(for: "sub", groups: ["elsewhere", "outer"]) == TaskSettings(metrics: ["acc"]))
        #expect(try table.settings(for: "inner", groups: ["outer"]).metrics == ["acc_norm"], "a task's own entry comes first")
        let shipped = try TaskSettingsTable.read(file: Self.shipped)
        #expect(try shipped.settings(for: "leaderboard_bbh_navigate", groups: ["leaderboard_bbh"])
            == (try shipped.settings(for: "leaderboard_bbh")))
    }

    @Test(arguments: [[String](), ["some_group", "other_group"]])
    func aTaskWithoutAnEntryNorAGroupWithOneIsRefused(_ groups: [String]) throws {
        let table = try TaskSettingsTable.read(file: Self.shipped)
        let error = try #require(throws: ApplicationError.self) { try table.settings(for: "leaderboard_bbh_navigate", groups: groups) }
        #expect(error.nonRetryable)
        #expect(error.message.contains("leaderboard_bbh_navigate is not in the task configuration"), "\(error.message)")
        #expect(error.message.contains("some_group, other_group") == !groups.isEmpty, "\(error.message)")
    }

    @Test func theEnvironmentNamesAReplacement() throws {
        let path = try Self.write(#"{"my_task": {"metrics": ["acc"], "num_fewshot": 2}}"#)
        let table = try TaskSettingsTable.load(environment: [TaskSettingsTable.fileVariable: path])
        #expect(table.source == path)
        #expect(try table.settings(for: "my_task") == TaskSettings(metrics: ["acc"], numFewshot: 2))
        #expect(throws: ApplicationError.self) { try table.settings(for: "gsm8k") }
    }

    @Test(arguments: [
        ("[1, 2]", "the top level must be an object"),
        (#"{"t": {"filters": ["none"]}}"#, "t.metrics"),
        (#"{"t": {"metrics": []}}"#, "at least one metric"),
        (#"{"t": {"metrics": ["acc"], "num_fewshot": -1}}"#, "num_fewshot"),
        (#"{"t": {"metrics": ["acc"], "shots": 3}}"#, "shots"),
        (#"{"t": {"metrics": ["acc"], "gen_kwargs": 3}}"#, "gen_kwargs"),
        ("{", "invalid JSON"),
    ])
    func badFilesNameTheFileAndTheEntry(_ text: String, _ message: String) throws {
        let path = try Self.write(text)
        let error = try #require(throws: ApplicationError.self) { try TaskSettingsTable.read(file: path) }
        #expect(error.nonRetryable)
        #expect(error.message.contains(path) && error.message.contains(message), "\(error.message)")
    }

    @Test func aMissingFileIsNamed() throws {
        let error = try #require(throws: ApplicationError.self) {
            try TaskSettingsTable.load(environment: [TaskSettingsTable.fileVariable: "/nonexistent/task_config.json"])
        }
        #expect(error.message.contains("/nonexistent/task_config.json"))
    }

    @Test func samplerArgumentsAreReplaced() throws {
        let request = try SamplerRequest.parse([
            "framework": "lmeh", "tasks": "babisteps-task_01-simpletracking", "qty": 2, "num_fewshot": 7,
            "requester_args": ["address": "a", "service": "s"],
        ])
        let settings = TaskSettings(metrics: ["exact_match"], numFewshot: 3, systemInstruction: "Be brief.", applyChatTemplate: false,
                                    fewshotAsMultiturn: false, genKwargs: "until=</s>", path: "/v1/completions")
        let applied = request.applying(settings)
        #expect(applied.numFewshot == 3 && applied.systemInstruction == "Be brief.")
        #expect(applied.requesterArgs.path == "/v1/completions")
        let form = try applied.promptForm()
        #expect(!form.applyChatTemplate && !form.fewshotAsMultiturn)
        #expect(applied.genKwargs == "until=</s>")
        // An entry without Sampler arguments leaves the input's own.
        #expect(request.applying(TaskSettings(metrics: ["acc"])) == request)
    }
}
