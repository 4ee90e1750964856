import ArgumentParser
import Foundation
import JSON
import LMEval
import Python
import Testbench

struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "lm-eval task configs: list, show, render prompts, and report what resolves.",
        subcommands: [List.self, Show.self, Render.self, Report.self]
    )
}

/// Options every `tasks` command shares: where task configs come from.
struct TaskSourceOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $CONFIG_PATH; optional for tasks commands).")
    var config: String?

    @Option(name: [.customLong("include-path"), .customLong("include_path")], help: "Extra folder of task configs (repeatable), added to the configuration's include_path (lm-eval's --include_path).")
    var includePaths: [String] = []

    /// The configuration when one is given or named by CONFIG_PATH; tasks commands work without one.
    func loadConfig() throws -> TestbenchConfig? {
        let environment = ProcessInfo.processInfo.environment[TestbenchConfig.environmentVariable] ?? ""
        guard config != nil || !environment.isEmpty else { return nil }
        return try ConfigOptions(config: config).load()
    }

    /// The task index over the bundled tasks, the configured include paths and `--include-path`.
    func index() throws -> TaskIndex {
        let configured = try loadConfig()?.includePath ?? []
        for folder in includePaths where !FileManager.default.fileExists(atPath: folder) {
            throw CommandFailure.badInput("--include-path \(folder): no such folder")
        }
        do {
            return try TaskCatalog.index(includePaths: configured + includePaths)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
    }
}

extension ConfigOptions {
    init(config: String?) {
        self.init()
        self.config = config
    }
}

extension TasksCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks, or the tasks of a group or tag.")

        @OptionGroup var source: TaskSourceOptions
        @Option(help: "Only the tasks carrying this tag.") var tag: String?
        @Option(help: "Only the tasks of this group (nested groups expanded).") var group: String?
        @Flag(help: "List groups and tags too.") var all = false

        func run() async throws {
            try await reportingFailures {
                let index = try source.index()
                if tag != nil || group != nil {
                    var names: [String] = []
                    for (option, name) in [("--tag", tag), ("--group", group)] {
                        guard let name else { continue }
                        let expected: TaskIndex.Kind = option == "--tag" ? .tag : .group
                        guard index.entry(name)?.kind == expected else {
                            throw CommandFailure.badInput("\(option) \(name): no \(expected.rawValue) of that name")
                        }
                        do { names.append(contentsOf: try index.leafTaskNames(name)) } catch { throw CommandFailure.badInput("\(error)") }
                    }
                    print(names.joined(separator: "\n"))
                    return
                }
                let names = all ? index.allNames : index.taskNames
                for name in names {
                    let kind = index.entry(name)?.kind.rawValue ?? "task"
                    let tags = index.tags(of: name)
                    print(all || !tags.isEmpty ? "\(name)\t\(kind)\(tags.isEmpty ? "" : "\ttags: " + tags.joined(separator: ","))" : name)
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a task's fully resolved config as JSON.")

        @OptionGroup var source: TaskSourceOptions
        @Argument(help: "Task name.") var name: String

        func run() async throws {
            try await reportingFailures {
                let index = try source.index()
                let resolved: ResolvedTask
                do { resolved = try index.resolveTask(named: name) } catch { throw CommandFailure.badInput("\(error)") }
                var object: JSONObject = ["task": .string(resolved.name), "file": resolved.reference.file.map(JSONValue.string) ?? .null]
                object["groups"] = .array(resolved.reference.groups.map(JSONValue.string))
                object["unknown_keys"] = .array(resolved.config.unknownKeys.keys.map(JSONValue.string))
                object["config"] = .object(resolved.configJSON)
                print(JSONValue.object(object).serialized(.pretty))
            }
        }
    }

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the exact prompts and request bodies lm-eval would build for documents of a local dataset folder.")

        @OptionGroup var source: TaskSourceOptions
        @Argument(help: "Task name.") var name: String
        @Option(help: "Folder with one <split>.jsonl per split (default: the task's dataset_kwargs.data_files, else its folder under the configured datasets_dir or the bundled datasets/).") var data: String?
        @Option(help: "Evaluation-split document ids, comma-separated (default: all).") var doc: String?
        @Flag(help: "Chat form (/v1/chat/completions), like apply_chat_template.") var chat = false
        @Flag(name: .customLong("fewshot-as-multiturn"), help: "Few-shot examples as user/assistant turns (needs --chat).") var fewshotAsMultiturn = false
        @Option(name: .customLong("system-instruction"), help: "System instruction.") var systemInstruction: String?
        @Option(name: .customLong("num-fewshot"), parsing: .unconditional, help: "Number of few-shot examples (ignored when the YAML says num_fewshot: 0).") var numFewshot: Int?
        @Option(help: "Model name placed in request bodies.") var model = "testbench-model"
        @Flag(help: "One JSON line per document (doc_id, prompt, request, target); for loglikelihood tasks one per instance (doc_id, idx, request_type, prompt, continuation, request, target).") var json = false

        func validate() throws {
            if fewshotAsMultiturn && !chat { throw ValidationError("--fewshot-as-multiturn needs --chat") }
            if let numFewshot, numFewshot < 0 { throw ValidationError("--num-fewshot must not be negative") }
        }

        func run() async throws {
            try await reportingFailures {
                let index = try source.index()
                let ids = try parseIDs()
                let documents: LocalDocuments
                if let data {
                    do { documents = try LocalDocuments(folder: data) } catch { throw CommandFailure.badInput("--data \(data): \(error)") }
                } else {
                    let datasetsDir = try source.loadConfig()?.datasetsDir ?? TaskCatalog.bundledDatasetsFolder() ?? "datasets"
                    do {
                        let task = try index.resolveTask(named: name)
                        documents = try ReferenceData.documents(for: task, data: nil, datasetsDir: datasetsDir, singleTask: true)
                    } catch let error as ReferenceRunError {
                        throw CommandFailure.badInput(error.message)
                    } catch {
                        throw CommandFailure.badInput("\(error)")
                    }
                }
                let options = PromptOptions(numFewshot: numFewshot, applyChatTemplate: chat, fewshotAsMultiturn: fewshotAsMultiturn,
                                            systemInstruction: systemInstruction)
                let rendered: [RenderedDocument]
                do {
                    let task = try index.resolveTask(named: name)
                    let renderer = try TaskRenderer(task: task, documents: documents, options: options, model: APIModelOptions(model: model))
                    rendered = try ids.map { try renderer.render(docIDs: $0) } ?? renderer.renderAll()
                } catch {
                    throw CommandFailure.badInput("\(error)")
                }
                let format = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)
                for document in rendered {
                    if json, document.instance.requestType == "generate_until" {
                        print(document.json.serialized(format))
                    } else if json {
                        // One line per loglikelihood instance, in lm-eval's idx order.
                        for line in document.instanceLines { print(line.serialized(format)) }
                    } else if document.instance.requestType != "generate_until" {
                        for (instance, request) in zip(document.instances, document.requests) {
                            print("=== doc \(document.docID) idx \(instance.idx) (\(instance.requestType)) — request ===")
                            print(JSONValue.object(request).serialized(.pretty))
                        }
                        print("=== target ===")
                        print(PythonValue.str(document.target))
                    } else {
                        print("=== doc \(document.docID) — prompt ===")
                        switch document.prompt {
                        case let .text(text): print(text)
                        case .messages: print(document.prompt.json.serialized(.pretty))
                        }
                        print("=== target ===")
                        print(PythonValue.str(document.target))
                        print("=== request ===")
                        print(JSONValue.object(document.request).serialized(.pretty))
                    }
                }
            }
        }

        private func parseIDs() throws -> [Int]? {
            guard let doc else { return nil }
            var ids: [Int] = []
            for part in doc.split(separator: ",") {
                guard let id = Int(part.trimmingCharacters(in: .whitespaces)), id >= 0 else {
                    throw CommandFailure.badInput("--doc: '\(part)' is not a document id (a non-negative integer)")
                }
                ids.append(id)
            }
            guard !ids.isEmpty else { throw CommandFailure.badInput("--doc: give at least one document id") }
            return ids
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve every indexed task and report which are supported, with the reasons for the rest.")

        @OptionGroup var source: TaskSourceOptions
        @Option(name: .customLong("top-reasons"), parsing: .unconditional, help: "How many unsupported reasons to list.") var topReasons = 15
        @Option(help: "Only these tasks: a comma-separated list, or a file with names one per line or comma-separated (# starts a comment); repeatable; groups and tags stand for their tasks.") var tasks: [String] = []
        @Flag(name: .customLong("per-task"), help: "One line per task (name, prompts build, native scoring, reason); the default with --tasks.") var perTask = false

        func run() async throws {
            try await reportingFailures {
                let start = ContinuousClock.now
                let index = try source.index()
                let indexed = ContinuousClock.now
                let names = try tasks.isEmpty ? nil : TaskList.names(tasks)
                let report = ResolutionReport.build(index: index, names: names)
                print("indexed \(index.fileCount) YAML files in \(indexed - start): \(index.taskNames.count) tasks, \(index.groupNames.count) groups, \(index.tagNames.count) tags")
                if perTask || names != nil { print(report.table()) }
                print(report.summary(topReasons: topReasons))
            }
        }
    }
}

/// `--tasks` values: comma lists, or files of names.
enum TaskList {
    /// The names each value lists: an existing file's lines (commas also separate, `#` starts a
    /// comment), else the value split at commas; blanks dropped, order kept.
    static func names(_ values: [String]) throws(CommandFailure) -> [String] {
        var names: [String] = []
        for value in values {
            var isFolder: ObjCBool = false
            let text: String
            if FileManager.default.fileExists(atPath: value, isDirectory: &isFolder) {
                guard !isFolder.boolValue, let contents = try? String(contentsOfFile: value, encoding: .utf8) else {
                    throw .badInput("--tasks \(value): not a readable text file of task names")
                }
                text = contents.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { line in line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
                    .joined(separator: ",")
            } else {
                text = value
            }
            names += text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard !names.isEmpty else { throw .badInput("--tasks names no task") }
        return names
    }
}
