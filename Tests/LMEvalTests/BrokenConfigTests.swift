import Foundation
import Testing
@testable import LMEval

/// Issue 12 item 3: a task config that cannot be loaded is reported where it is, by the lookup of
/// a name it might define (`tasks show/render`) and by `tasks report` always.
@Suite struct BrokenConfigTests {
    /// A folder with one good task and six broken files; removed by the caller.
    private static func brokenTree() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = [
            "good.yaml": "task: fine\ndataset_path: x\n",
            "loop_a.yaml": "include: loop_b.yaml\ntask: loop_task\n",
            "loop_b.yaml": "include: loop_a.yaml\n",
            "self_task.yaml": "include: self_task.yaml\ntask: self_task\n",
            "missing_task.yaml": "include: nope.yaml\ntask: missing_task\n",
            "tab_task.yaml": "task: tab_task\n\tdataset_path: x\n",
            "renamed.yaml": "dataset_path: x\ntask: hidden_task\n\tbroken: 1\n",
        ]
        for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        return folder
    }

    @Test(arguments: [
        ("loop_task", LMEvalError.Kind.includeCycle, "loop_a.yaml", "include cycle"),
        ("self_task", .includeCycle, "self_task.yaml", "include cycle"),
        ("missing_task", .missingInclude, "missing_task.yaml", "nope.yaml"),
        ("tab_task", .yamlSyntax, "tab_task.yaml", "found a tab character that violates indentation"),
        ("hidden_task", .yamlSyntax, "renamed.yaml", "found a tab character that violates indentation"),
    ])
    func lookupOfANameInABrokenFileReportsTheFile(name: String, kind: LMEvalError.Kind, file: String, cause: String) throws {
        let folder = try Self.brokenTree()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let index = try TaskIndex(folders: [folder])
        let error = try #require(throws: LMEvalError.self) { try index.expand(name) }
        #expect(error.kind == kind, "\(error)")
        #expect(error.file?.hasSuffix("/" + file) == true, "\(error)")
        #expect(error.message.hasPrefix("no task, group or tag named \(name) in "), "\(error)")
        #expect(error.message.contains("cannot be loaded") && error.message.contains(cause), "\(error)")
        #expect(throws: LMEvalError.self) { try index.mergedConfig(of: name) }
    }

    @Test func aNameNoBrokenFileMentionsIsPlainlyUnknown() throws {
        let folder = try Self.brokenTree()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let index = try TaskIndex(folders: [folder])
        let error = try #require(throws: LMEvalError.self) { try index.expand("arc_easy") }
        #expect(error.kind == .unknownTask)
        #expect(!error.message.contains("cannot be loaded"))
        #expect(try index.expand("fine").map(\.name) == ["fine"])
    }

    @Test func theReportListsEveryBrokenFile() throws {
        let folder = try Self.brokenTree()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let index = try TaskIndex(folders: [folder])
        #expect(index.problems.count == 6)
        let report = ResolutionReport.build(index: index)
        #expect(report.brokenFiles.count == 6)
        let summary = report.summary()
        #expect(summary.contains("config files that cannot be loaded: 6"))
        for file in ["loop_a", "loop_b", "self_task", "missing_task", "tab_task", "renamed"] {
            #expect(summary.contains("\(folder)/\(file).yaml: ["), "\(file) missing from:\n\(summary)")
        }
        #expect(summary.contains("[yamlSyntax]") && summary.contains("[includeCycle]") && summary.contains("[missingInclude]"))
    }
}
