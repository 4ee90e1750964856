import Foundation
import JSON
import Testing

/// `testbench tasks report`: per task whether prompts build and whether scoring is native, for
/// the whole tree or a `--tasks` list (comma lists and files).
@Suite struct TasksReportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var lmevalTasks: String {
        if let env = ProcessInfo.processInfo.environment["TESTBENCH_LMEVAL_TASKS"], !env.isEmpty { return env }
        return root.appendingPathComponent(".cache/lm-eval-0.4.9/lm_eval/tasks").path
    }

    /// The rows of the per-task table: name → (prompts, native scoring, reason).
    static func rows(_ stdout: String) -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for line in stdout.split(separator: "\n") where line.contains("\t") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            rows[fields[0]] = Array(fields.dropFirst())
        }
        return rows
    }

    @Test func theOriginalsTaskSetAllBuildAndScoreNatively() async throws {
        let listed = try JSONValue.parse(try String(contentsOf: Self.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/taskset/original-task-names.json"), encoding: .utf8))
        let names = try #require(listed.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(names.count == 248)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tasks-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try ("# the original's task set\n" + names.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = try await CLIHarness.run(["tasks", "report", "--include-path", Self.lmevalTasks, "--tasks", file.path], config: nil)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("tasks: 248, resolved: 248, unsupported: 0, scored natively: 248"), "\(output.stdout.suffix(2000))")
        let rows = Self.rows(output.stdout)
        #expect(rows.count == 249, "a header and one row per task")
        for name in names {
            #expect(rows[name]?.prefix(2) == ["yes", "yes"], "\(name): \(rows[name] ?? [])")
        }
    }

    @Test func aCommaListWithAGroupAnUnknownNameAndAFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tasks-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try "flores_arz_Arab-eng_Latn_prompt_2, gsm8k  # a comment\n\n".write(to: file, atomically: true, encoding: .utf8)
        let output = try await CLIHarness.run(
            ["tasks", "report", "--include-path", Self.lmevalTasks, "--tasks", "leaderboard_musr,no_such_task", "--tasks", file.path], config: nil)
        #expect(output.status == 0, "\(output.stderr)")
        let rows = Self.rows(output.stdout)
        #expect(rows["task"] == ["prompts", "native scoring", "reason"])
        // The group stands for its three tasks.
        for name in ["leaderboard_musr_murder_mysteries", "leaderboard_musr_object_placements", "leaderboard_musr_team_allocation", "gsm8k"] {
            #expect(rows[name] == ["yes", "yes", ""], "\(name): \(rows[name] ?? [])")
        }
        #expect(rows["leaderboard_musr"] == nil)
        let unknown = try #require(rows["no_such_task"])
        #expect(unknown.prefix(2) == ["no", "no"])
        #expect(unknown.last?.contains("no_such_task") == true)
        // Prompts build; bleu has no native scorer.
        let flores = try #require(rows["flores_arz_Arab-eng_Latn_prompt_2"])
        #expect(flores.prefix(2) == ["yes", "no"])
        #expect(flores.last?.contains("bleu") == true)
        #expect(output.stdout.contains("tasks: 6, resolved: 5, unsupported: 1, scored natively: 4"), "\(output.stdout)")
        #expect(output.stdout.contains("1 × unknown metric 'bleu'"), "\(output.stdout)")
    }

    @Test(arguments: [",, ,", FileManager.default.temporaryDirectory.path])
    func aListNamingNothingIsBadInput(_ value: String) async throws {
        let output = try await CLIHarness.run(["tasks", "report", "--tasks", value], config: nil)
        #expect(output.status == 2)
        #expect(output.stderr.contains("--tasks"), "\(output.stderr)")
        #expect(!output.stdout.contains("tasks:"))
    }
}
