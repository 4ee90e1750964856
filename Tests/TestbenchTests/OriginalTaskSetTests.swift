import Foundation
import JSON
import LMEval
@testable import Testbench
import Testing
import WorkflowDefinitions

/// The original's whole task set (the 248 names its task_config table covers, listed by
/// scripts/taskset/original_task_names.py from lm-eval 0.4.9's tree and the original's folders):
/// each resolves and builds its prompts on fixture rows of its dataset's schema, with the
/// table's few-shot count and chat settings, as the Sampler would. A subtask the table has no entry
/// for (leaderboard_bbh's) takes its group's, as the Sampler and Evaluator look it up
/// (`TaskSettingsTable.settings(for:groups:)`); the original refuses such a subtask.
@Suite("the original's task set", .serialized)
struct OriginalTaskSetTests {
    static let fixture = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/taskset")

    struct TaskRow: Sendable, CustomTestStringConvertible {
        let name: String
        /// The table entry's task or group: the group when the table's key is the group.
        let registeredAs: String
        let outputType: String
        let datasetPath: String
        let datasetName: String?
        var testDescription: String { name }
    }

    static let names: [TaskRow] = {
        guard let text = try? String(contentsOf: fixture.appendingPathComponent("original-task-names.json"), encoding: .utf8),
              let rows = try? JSONValue.parse(text).arrayValue else { return [] }
        return rows.compactMap { row in
            guard let name = row["name"]?.stringValue, let type = row["output_type"]?.stringValue,
                  let path = row["dataset_path"]?.stringValue else { return nil }
            return TaskRow(name: name, registeredAs: row["registered_as"]?.stringValue ?? name, outputType: type, datasetPath: path, datasetName: row["dataset_name"]?.stringValue)
        }
    }()

    /// Built once: indexing lm-eval's tree takes seconds in debug builds.
    static let index: Result<TaskIndex, LMEvalError> = Result { () throws(LMEvalError) in
        try TaskIndex(folders: TaskCatalog.folders(includePaths: [IFEvalRunTests.lmevalTasks], bundled: PackagePaths.tasks))
    }

    /// The fixture rows for `task`'s dataset (`key`: another entry of schemas.json for the same schema).
    static func folder(for task: TaskRow) throws -> String {
        let schemas = try JSONValue.parse(try String(contentsOf: fixture.appendingPathComponent("schemas.json"), encoding: .utf8))
        let folders = try #require(schemas["folders"]?.objectValue)
        let specific = task.datasetName.map { "\(task.datasetPath)/\($0)" }
        let relative = try #require((specific.flatMap { folders[$0] } ?? folders[task.datasetPath])?.stringValue,
                                    "no fixture rows for \(task.datasetPath): add a folder to schemas.json")
        return PackagePaths.root.appendingPathComponent(relative).path
    }

    @Test func theListIsTheOriginalsTable() throws {
        #expect(Self.names.count == 248)
        #expect(Self.names.filter { $0.outputType == "generate_until" }.count == 156)
        #expect(Self.names.filter { $0.outputType == "multiple_choice" }.count == 92)
        let table = try TaskSettingsTable.read(file: PackagePaths.root.appendingPathComponent("tasks/task_config.json").path)
        let index = try Self.index.get()
        for task in Self.names {
            let settings = try table.settings(for: task.name, groups: index.groupsContaining(task.name))
            #expect(settings == (try table.settings(for: task.registeredAs)), "\(task.name) does not get \(task.registeredAs)'s entry")
        }
    }

    @Test(arguments: names)
    func promptsBuild(_ task: TaskRow) throws {
        let index = try Self.index.get()
        let table = try TaskSettingsTable.read(file: PackagePaths.root.appendingPathComponent("tasks/task_config.json").path)
        let settings = try table.settings(for: task.name, groups: index.groupsContaining(task.name))
        let reference = try #require(try index.expand(task.name).first, "\(task.name) is not indexed")
        #expect(reference.name == task.name)
        let resolved = try index.resolve(reference)
        #expect(resolved.config.outputType.rawValue == task.outputType)
        let options = PromptOptions(numFewshot: settings.numFewshot, applyChatTemplate: settings.applyChatTemplate ?? false,
                                    fewshotAsMultiturn: settings.fewshotAsMultiturn ?? false, systemInstruction: settings.systemInstruction)
        let renderer = try TaskRenderer(task: resolved, documents: try LocalDocuments(folder: try Self.folder(for: task)),
                                        options: options, model: APIModelOptions(model: "testbench-model"))
        let rendered = try renderer.render(docIDs: [0])
        let document = try #require(rendered.first)
        #expect(document.docID == 0)
        #expect(!document.requests.isEmpty, "\(task.name): no request built")
        switch document.prompt {
        case let .text(text): #expect(!text.isEmpty, "\(task.name): empty prompt")
        case let .messages(messages): #expect(!messages.isEmpty, "\(task.name): no messages")
        }
        if task.outputType == "multiple_choice" {
            #expect(document.instances.count >= 2, "\(task.name): a choice per instance")
        }
        // The Evaluator's selection from the table's entry: its filters and metrics are the task's.
        let root = reference.file.flatMap { file in index.folders.first { file.hasPrefix($0 + "/") } }
        let fail = { (message: String) in ApplicationError("task \(task.name): \(message)", type: "LMEH") }
        #expect(throws: Never.self, "\(task.name): the table's \(settings.filters)/\(settings.metrics) cannot be scored") {
            if resolved.config.outputType == .generateUntil {
                _ = try TaskScoring(task: resolved, root: root, firstDocument: document.doc, features: Set(document.doc.keys), settings: settings)
            } else {
                let scoring = try LoglikelihoodTaskScoring(task: resolved, firstDocument: document.doc, root: root)
                _ = try LoglikelihoodEvaluation.selection(settings: settings, scorer: scoring.scorer, fail: fail)
            }
        }
    }
}
