import JSON
import Testing
@testable import LMEval

@Suite("Task index: tasks, groups, tags and expansion")
struct TaskIndexTests {
    static let tree = TestSupport.fixtures.appendingPathComponent("configs/tree").path

    @Test func classifiesFiles() throws {
        let idx = try TaskIndex(folders: [Self.tree])
        #expect(idx.entry("t1")?.kind == .task)
        #expect(idx.entry("py_task")?.kind == .pythonTask)
        #expect(idx.entry("inner")?.kind == .group)
        #expect(idx.entry("outer")?.kind == .group)
        #expect(idx.entry("alpha")?.members == ["t1", "t2"])
        #expect(idx.entry("beta")?.members == ["t1", "t3"])
        #expect(idx.templateFiles.count == 1)
        #expect(idx.fileCount == 7)
        #expect(idx.taskNames == ["py_task", "t1", "t2", "t3"])
        #expect(idx.groupNames == ["inner", "outer"])
        #expect(idx.tagNames == ["alpha", "beta"])
        #expect(idx.problems.isEmpty)
    }

    @Test(arguments: [("t1", ["alpha", "beta"]), ("t2", ["alpha"]), ("t3", ["beta"]), ("py_task", []), ("inner", []), ("missing", [])])
    func tagsOfATaskAreTheTagsListingIt(task: String, tags: [String]) throws {
        let idx = try TaskIndex(folders: [Self.tree])
        #expect(idx.tags(of: task) == tags)
    }

    @Test func expandsGroupsTagsAndInlineTasksLikeLMEval() throws {
        let idx = try TaskIndex(folders: [Self.tree])
        let leaves = try idx.expand("outer")
        #expect(leaves.map(\.name) == ["t3", "t1", "t1-1", "t1", "t2", "inline_only"])
        // The outer group's non-group keys reach every leaf and win over inline values.
        #expect(leaves.allSatisfy { $0.config["num_fewshot"] == .int(1) })
        #expect(leaves[0].groups == ["outer", "inner"])
        #expect(leaves[3].groups == ["outer"])
        #expect(leaves[5].file == nil)
        #expect(leaves[5].config["doc_to_text"] == .string("inline {{q}}"))
        #expect(try idx.leafTaskNames("alpha") == ["t1", "t2"])
        let inner = try idx.expand("inner")
        #expect(inner.map { $0.config["num_fewshot"] } == [nil, .int(7), .int(8)])
    }

    /// Direct members by name, tag or inline `task:` first, then the groups holding those.
    @Test(arguments: [("t3", ["inner", "outer"]), ("t1", ["inner", "outer"]), ("t2", ["outer"]), ("inline_only", ["outer"]),
                      ("inner", ["outer"]), ("outer", []), ("py_task", []), ("missing", [])])
    func groupsContainingANameAreInnermostFirst(name: String, groups: [String]) throws {
        let idx = try TaskIndex(folders: [Self.tree])
        #expect(idx.groupsContaining(name) == groups)
    }

    @Test func unknownNameIsAnError() throws {
        let idx = try TaskIndex(folders: [Self.tree])
        #expect {
            _ = try idx.expand("nope")
        } throws: { ($0 as? LMEvalError)?.kind == .unknownTask }
    }

    @Test func pythonClassTaskIsUnsupportedWithReason() throws {
        let idx = try TaskIndex(folders: [Self.tree])
        let reference = try #require(idx.expand("py_task").first)
        #expect {
            _ = try idx.resolve(reference)
        } throws: { error in
            guard let error = error as? LMEvalError else { return false }
            return error.kind == .unsupported && error.message.contains("Python-class task")
        }
    }

    @Test func earlierFolderWinsForTheSameName() throws {
        let merge = TestSupport.fixtures.appendingPathComponent("configs/merge").path
        let idx = try TaskIndex(folders: [Self.tree, merge, Self.tree])
        #expect(idx.entry("t1")?.folder == Self.tree)
        #expect(idx.entry("child_task") != nil)
        #expect(idx.shadowed.contains { $0.name == "t1" })
    }
}
