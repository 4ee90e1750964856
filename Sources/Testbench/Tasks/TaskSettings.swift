import Foundation
import JSON
import WorkflowDefinitions

/// One entry of the original's per-task table (`task_config.py`'s `task_cnfg`): the metrics and
/// filters whose values become the stored scores, and the Sampler arguments a task family fixes.
public struct TaskSettings: Sendable, Equatable {
    /// Metric names whose per-sample values are stored as scores (`metrics`, required).
    public var metrics: [String]
    /// Filter pipeline names scored (`filters`; the original's default is `["none"]`).
    public var filters: [String]
    /// Values that replace the Sampler input's own when present.
    public var numFewshot: Int?
    public var systemInstruction: String?
    public var applyChatTemplate: Bool?
    public var fewshotAsMultiturn: Bool?
    /// `gen_kwargs`: a `k=v,…` string or an object, as the Sampler input takes it.
    public var genKwargs: JSONValue?
    /// Replaces `requester_args.path`.
    public var path: String?

    public init(metrics: [String], filters: [String] = ["none"], numFewshot: Int? = nil, systemInstruction: String? = nil,
                applyChatTemplate: Bool? = nil, fewshotAsMultiturn: Bool? = nil, genKwargs: JSONValue? = nil, path: String? = nil) {
        self.metrics = metrics
        self.filters = filters
        self.numFewshot = numFewshot
        self.systemInstruction = systemInstruction
        self.applyChatTemplate = applyChatTemplate
        self.fewshotAsMultiturn = fewshotAsMultiturn
        self.genKwargs = genKwargs
        self.path = path
    }
}

/// The original's task table as data: `tasks/task_config.json` (same keys as `task_cnfg`), or
/// the file `TESTBENCH_TASK_CONFIG_FILE` names, looked up by the original's name rules.
public struct TaskSettingsTable: Sendable, Equatable {
    /// Environment variable naming a JSON file that replaces the shipped table.
    public static let fileVariable = "TESTBENCH_TASK_CONFIG_FILE"
    /// The shipped table's file name inside the bundled tasks folder.
    public static let shippedFileName = "task_config.json"

    public var entries: [String: TaskSettings]
    /// The file the table was read from, for error messages.
    public var source: String

    public init(entries: [String: TaskSettings], source: String) {
        self.entries = entries
        self.source = source
    }

    /// The table in force: `$TESTBENCH_TASK_CONFIG_FILE`, else the shipped file beside the bundled tasks.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ApplicationError) -> TaskSettingsTable {
        if let explicit = environment[fileVariable], !explicit.isEmpty { return try read(file: explicit) }
        let candidates = [TaskCatalog.bundledTasksFolder(environment: environment), TaskCatalog.repositoryFolder("tasks")]
            .compactMap { $0 }.map { ($0 as NSString).appendingPathComponent(shippedFileName) }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw ApplicationError("the task configuration tasks/\(shippedFileName) was not found; set \(fileVariable) to a task configuration file",
                                   type: "TaskConfig")
        }
        return try read(file: file)
    }

    /// Reads and checks a table file; any problem names the file and the entry.
    public static func read(file: String) throws(ApplicationError) -> TaskSettingsTable {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw ApplicationError("task configuration \(file) cannot be read (\(fileVariable) or tasks/\(shippedFileName))", type: "TaskConfig")
        }
        do {
            return try parse(JSONValue.parse(text), source: file)
        } catch let error as ApplicationError {
            throw error
        } catch {
            throw ApplicationError("task configuration \(file): \(error)", type: "TaskConfig")
        }
    }

    /// The table from its JSON form: `{"<name>": {"metrics": [...], "filters": [...], "num_fewshot": n, ...}}`.
    public static func parse(_ json: JSONValue, source: String) throws(ApplicationError) -> TaskSettingsTable {
        guard case let .object(object) = json else {
            throw ApplicationError("task configuration \(source): the top level must be an object of task names", type: "TaskConfig")
        }
        var entries: [String: TaskSettings] = [:]
        for (name, value) in object {
            do {
                entries[name] = try entry(value, name: name)
            } catch {
                throw ApplicationError("task configuration \(source): \(error)", type: "TaskConfig")
            }
        }
        return TaskSettingsTable(entries: entries, source: source)
    }

    private static func entry(_ value: JSONValue, name: String) throws(JSONFieldError) -> TaskSettings {
        var reader = try JSONFieldReader(value, path: name)
        let metrics = try reader.require(reader.stringList("metrics"), "metrics")
        guard !metrics.isEmpty else { throw reader.invalid("metrics", "must name at least one metric") }
        var settings = TaskSettings(metrics: metrics)
        settings.filters = try reader.stringList("filters") ?? ["none"]
        settings.numFewshot = try reader.int("num_fewshot")
        if let shots = settings.numFewshot, shots < 0 { throw reader.invalid("num_fewshot", "must be 0 or more") }
        settings.systemInstruction = try reader.string("system_instruction")
        settings.applyChatTemplate = try reader.bool("apply_chat_template")
        settings.fewshotAsMultiturn = try reader.bool("fewshot_as_multiturn")
        if let kwargs = reader.value("gen_kwargs") {
            guard kwargs.stringValue != nil || kwargs.objectValue != nil else {
                throw reader.invalid("gen_kwargs", "must be a 'key=value,…' string or an object")
            }
            settings.genKwargs = kwargs
        }
        settings.path = try reader.string("path")
        try reader.finish()
        return settings
    }

    /// The entry name the original's `get_task_config` picks for `taskName` (before looking it up).
    ///
    /// Its substring rules, in its order (but `professional` is not `pro`, see below); then
    /// `bigbench_` (this port's bundled tasks) → `bigbench`; else the task name itself.
    public static func entryName(for taskName: String) -> String {
        func has(_ part: String) -> Bool { taskName.contains(part) }
        if has("leaderboard") {
            if has("leaderboard_gpqa") { return "leaderboard_gpqa" }
            if has("leaderboard_musr") { return "leaderboard_musr" }
            if has("leaderboard_math") { return "leaderboard_math" }
            return taskName
        }
        if has("mmlu") {
            if has("generative") { return "mmlu_generative" }
            // The original tests "pro", which sends mmlu_professional_* (multiple choice) to
            // mmlu_pro's generative entry, whose custom-extract filter those tasks do not have.
            if has("pro"), !has("professional") { return "mmlu_pro" }
            return "mmlu"
        }
        if has("babisteps-chat-cot-task") { return "babisteps-chat" }
        if has("babisteps-task") { return "babisteps" }
        if has("babi") { return "babi" }
        if has("bbh_cot_fewshot_") { return "bbh_cot_fewshot_" }
        if taskName.hasPrefix("bigbench_") { return taskName.hasSuffix("_mc") ? "bigbench_mc" : "bigbench" }
        return taskName
    }

    /// The settings for `taskName`: its own entry by the name rules, else (where the original refuses
    /// the task) the entry of the nearest group in `groups` (innermost first) that has one, so a
    /// subtask such as `leaderboard_bbh_navigate` is scored as its group `leaderboard_bbh` is.
    public func settings(for taskName: String, groups: @autoclosure () -> [String] = []) throws(ApplicationError) -> TaskSettings {
        let name = Self.entryName(for: taskName)
        if let settings = entries[name] { return settings }
        let tried = groups()
        for group in tried {
            if let settings = entries[Self.entryName(for: group)] { return settings }
        }
        let via = name == taskName ? "" : " (its entry by the name rules: '\(name)')"
        let groupsText = tried.isEmpty ? "" : ", nor are the groups holding it (\(tried.joined(separator: ", ")))"
        throw ApplicationError(
            "task \(taskName) is not in the task configuration \(source)\(via)\(groupsText): add an entry with its metrics (and filters) to evaluate it",
            type: "LmehGenerator")
    }
}

extension SamplerRequest {
    /// The request with the task configuration's Sampler arguments in place of its own, as the
    /// original's sampler overwrites them (the stored task document carries the result).
    public func applying(_ settings: TaskSettings) -> SamplerRequest {
        var request = self
        if let shots = settings.numFewshot { request.numFewshot = shots }
        if let instruction = settings.systemInstruction { request.systemInstruction = instruction }
        if let apply = settings.applyChatTemplate { request.applyChatTemplate = apply }
        if let multiturn = settings.fewshotAsMultiturn { request.fewshotAsMultiturn = multiturn }
        if let kwargs = settings.genKwargs { request.genKwargs = kwargs }
        if let path = settings.path { request.requesterArgs.path = path }
        return request
    }
}
