import Foundation
import JSON
import Testing
@testable import LMEval

/// lm-eval 0.4.9's own task tree: run scripts/fetch-lmeval-tasks.sh (or set TESTBENCH_LMEVAL_TASKS).
@Suite("lm-eval 0.4.9 task tree", .serialized)
struct LMEvalTreeTests {
    static func tree() throws -> String {
        try #require(TestSupport.lmevalTasks, "lm-eval's task tree is missing: run scripts/fetch-lmeval-tasks.sh or set TESTBENCH_LMEVAL_TASKS")
    }

    @Test func indexesTheWholeTree() throws {
        let start = Date()
        let index = try TaskIndex(folders: [try Self.tree()])
        let seconds = Date().timeIntervalSince(start)
        print("lm-eval tree indexed in \(String(format: "%.3f", seconds)) s: \(index.fileCount) files, \(index.entries.count) names")
        // Counts measured with a Python replica of TaskManager._get_task_and_group over the same tree.
        #expect(index.fileCount == 10_863)
        #expect(index.problems.isEmpty, "\(index.problems.prefix(5))")
        #expect(index.entries.count == 11_274)
        #expect(index.entries.values.filter { $0.kind == .task }.count == 10_092)
        #expect(index.entries.values.filter { $0.kind == .pythonTask }.count == 30)
        #expect(index.groupNames.count == 561)
        #expect(index.tagNames.count == 591)
        #expect(index.entry("gsm8k")?.kind == .task)
        #expect(index.entry("math_word_problems")?.members.contains("gsm8k") == true)
    }

    @Test func expandsGroupsAndTags() throws {
        let index = try TaskIndex(folders: [try Self.tree()])
        let bbh = try index.expand("bbh_cot_fewshot")
        #expect(bbh.count == 27)
        #expect(bbh.first?.name == "bbh_cot_fewshot_boolean_expressions")
        #expect(bbh.allSatisfy { $0.groups == ["bbh_cot_fewshot"] })
        let mmlu = try index.expand("mmlu_generative")
        #expect(mmlu.count == 57)
        #expect(Set(mmlu.map { $0.groups.last ?? "" }) == ["stem", "other", "social sciences", "humanities"])
        #expect(try index.leafTaskNames("mmlu_pro").count == 14)
        #expect(try index.leafTaskNames("leaderboard_math_hard").count == 7)
        #expect(try index.leafTaskNames("math_word_problems").count == 21)
    }

    @Test func resolutionReportOfTheWholeTree() throws {
        let index = try TaskIndex(folders: [try Self.tree()])
        let start = Date()
        let report = ResolutionReport.build(index: index)
        print("resolution report in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        print(report.summary())
        #expect(report.entries.count == 10_122)
        // Measured with the Jinja module merged: every template compiles; the rest need Python.
        #expect(report.resolvedCount >= 4_484, "resolved fell below the measured level")
        // Resolved and the native scorer takes their filters, metrics and process_results.
        #expect(report.nativeScoringCount >= 2_756, "natively scored fell below the measured level")
        #expect(report.entries.allSatisfy { !$0.scoresNatively || $0.buildsPrompts })
        #expect(report.unsupportedByKind[.template] == nil)
        #expect(report.unsupportedByKind[.invalidConfig] == nil)
        #expect(report.unsupportedByKind[.unsupported] == 77)
        for name in ["gsm8k", "mmlu_pro_biology", "leaderboard_math_algebra_hard", "bbh_cot_fewshot_navigate", "mmlu_anatomy_generative"] {
            let entry = report.entries.first { $0.task == name }
            if case .resolved? = entry?.status {} else { Issue.record("\(name) should resolve: \(String(describing: entry?.status))") }
        }
        #expect(report.resolvedCount + report.unsupportedCount == report.entries.count)
    }
}
