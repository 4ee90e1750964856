import Foundation
import JSON
import LMEval
import Testbench
import Testing

/// Reference runs from recorded responses (JSONL) over the bundled tasks and datasets.
@Suite struct ReferenceRunTests {
    static func temporaryFile(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("responses-\(UUID().uuidString).jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func line(_ docID: Int, _ response: String, task: String? = nil) -> String {
        var object = JSONObject([("doc_id", .int(docID)), ("response", .string(response))])
        if let task { object["task"] = .string(task) }
        return JSONValue.object(object).serialized()
    }

    static func targets(_ dataset: String) throws -> [String] {
        let text = try String(contentsOfFile: "\(PackagePaths.datasets)/bigbench/\(dataset)/test.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { try #require(JSONValue.parse(String($0))["target"]?.stringValue) }
    }

    static func runner(_ tasks: [String], data: String? = nil, limit: Int? = nil) throws -> ReferenceRunner {
        ReferenceRunner(index: try TaskIndex(folders: [PackagePaths.tasks]),
                        options: ReferenceRunOptions(tasks: tasks, data: data, datasetsDir: PackagePaths.datasets, limit: limit.map(DocumentLimit.count)))
    }

    @Test func scoresRecordedResponsesLikeLMEval() async throws {
        let targets = try Self.targets("word_sorting")
        // doc 0 right, doc 1 wrong, doc 2 right but with a trailing line the filter drops, doc 3 case differs (ignore_case).
        let path = try Self.temporaryFile([
            Self.line(0, " " + targets[0]), Self.line(1, " zebra apple"), Self.line(2, " \(targets[2])\nQ: next question"),
            Self.line(3, " " + targets[3].uppercased()),
        ])
        let report = try await Self.runner(["bigbench_word_sorting"]).run(.file(try ResponsesFile(path: path)))
        let task = try #require(report.tasks.first)
        #expect(task.selection == ScoreSelection(filters: ["direct-answer"], metrics: ["exact_match"], configured: false))
        let row = try #require(task.rows.first)
        #expect(row.filter == "direct-answer" && row.metric == "exact_match" && row.n == 4)
        #expect(row.value == 0.75)
        #expect(abs((row.stderr ?? 0) - 0.25) < 1e-12)
        #expect(task.samples.map(\.docID) == [0, 1, 2, 3])
        #expect(task.samples[2].filtered == .string(targets[2]))
        #expect(task.samples.map { $0.metrics.first?.value } == [.double(1), .double(0), .double(1), .double(1)])
        #expect(task.failures.isEmpty)
        #expect(report.table.contains("|bigbench_word_sorting|"))
        #expect(report.table.contains("|exact_match|↑  | 0.75|±  |  0.25|"))

        let json = report.json
        #expect(json["results"]?.arrayValue?.first == [
            "task": "bigbench_word_sorting", "filter": "direct-answer", "metric": "exact_match", "value": 0.75, "stderr": .double(row.stderr ?? 0), "n": 4,
        ])
        let sample = try #require(json["samples"]?.arrayValue?[1])
        #expect(sample == ["task": "bigbench_word_sorting", "doc_id": 1, "filter": "direct-answer", "response": " zebra apple",
                           "filtered": "zebra apple", "metrics": ["exact_match": 0.0]])
    }

    @Test func severalTasksNeedTaskNamesAndLimitKeepsTheFirstDocuments() async throws {
        let sorting = try Self.targets("word_sorting")
        let counting = try Self.targets("object_counting")
        let path = try Self.temporaryFile([
            Self.line(5, " " + sorting[5], task: "bigbench_word_sorting"), Self.line(2, " nope", task: "bigbench_word_sorting"),
            Self.line(9, " " + sorting[9], task: "bigbench_word_sorting"),
            Self.line(0, "Let's count. So the answer is \(counting[0]).", task: "bigbench_object_counting_cot"),
        ])
        let report = try await Self.runner(["bigbench_word_sorting", "bigbench_object_counting_cot"], limit: 2)
            .run(.file(try ResponsesFile(path: path)))
        #expect(report.tasks.map(\.task) == ["bigbench_word_sorting", "bigbench_object_counting_cot"])
        #expect(report.tasks[0].samples.map(\.docID) == [2, 5])
        #expect(report.tasks[0].rows.first?.value == 0.5)
        #expect(report.tasks[1].rows.first?.filter == "cot-answer")
        #expect(report.tasks[1].rows.first?.value == 1.0)
        #expect(report.tasks[1].numFewshot == 3)

        let unnamed = try Self.temporaryFile([Self.line(0, "x")])
        await #expect(throws: ReferenceRunError.self) {
            try await Self.runner(["bigbench_word_sorting", "bigbench_object_counting_cot"]).run(.file(try ResponsesFile(path: unnamed)))
        }
    }

    @Test func oneTaskMayReadItsOwnFolder() async throws {
        let targets = try Self.targets("navigate")
        let path = try Self.temporaryFile([Self.line(0, " " + targets[0])])
        let folder = "\(PackagePaths.datasets)/bigbench/navigate"
        let report = try await Self.runner(["bigbench_navigate"], data: folder).run(.file(try ResponsesFile(path: path)))
        #expect(report.tasks.first?.rows.first?.value == 1.0)
        // The same folder as a datasets_dir does not hold bigbench/navigate.
        await #expect(throws: ReferenceRunError.self) {
            try await Self.runner(["bigbench_navigate", "bigbench_word_sorting"], data: folder)
                .run(.file(try ResponsesFile(path: try Self.temporaryFile([Self.line(0, "x", task: "bigbench_navigate")]))))
        }
    }

    @Test(arguments: [
        (["{\"doc_id\": 0}"], "response must be a string"),
        (["not json"], "line 1: not JSON"),
        ([line(0, "a"), line(0, "b")], "a second response for doc 0"),
        (["{\"doc_id\": -1, \"response\": \"x\"}"], "doc_id must be a non-negative integer"),
    ])
    func badResponseFiles(_ lines: [String], _ message: String) throws {
        let path = try Self.temporaryFile(lines)
        let error = try #require(throws: ReferenceRunError.self) { try ResponsesFile(path: path) }
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.message.contains(path))
    }

    @Test func badRunInputsAreClearErrors() async throws {
        let outside = try Self.temporaryFile([Self.line(100_000, "x")])
        let error = await #expect(throws: ReferenceRunError.self) {
            try await Self.runner(["bigbench_word_sorting"]).run(.file(try ResponsesFile(path: outside)))
        }
        #expect(error?.message.contains("doc 100000 of bigbench_word_sorting is outside its 250 documents") == true)

        let otherTask = try Self.temporaryFile([Self.line(0, "x", task: "bigbench_navigate")])
        let stray = await #expect(throws: ReferenceRunError.self) {
            try await Self.runner(["bigbench_word_sorting"]).run(.file(try ResponsesFile(path: otherTask)))
        }
        #expect(stray?.message.contains("bigbench_navigate, which is not among the tasks run") == true)

        let unknown = await #expect(throws: ReferenceRunError.self) {
            try await Self.runner(["no_such_task"]).run(.file(try ResponsesFile(path: otherTask)))
        }
        #expect(unknown?.message.contains("no_such_task") == true)
    }
}
