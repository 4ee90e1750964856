import Foundation
import JSON
import LMEval
import Python
import Scoring

/// What lm-eval's results file records about a run besides its scores: the command line's model,
/// seeds and prompt options, and when it ran.
public struct LMEvalRunRecord: Sendable {
    /// `--model`: lm-eval's model type (`config.model`, `model_source`).
    public var modelSource: String
    /// `--model_args` as given (`config.model_args`); the model name is read from it as lm-eval does.
    public var modelArgs: String
    /// `--limit` as lm-eval's command line reads it (a float).
    public var limit: Double?
    /// `--gen_kwargs`, parsed.
    public var genKwargs: JSONObject?
    /// `--seed`: random, numpy, torch and few-shot seeds (nil is Python's None).
    public var seeds: [Int?]
    public var systemInstruction: String?
    public var applyChatTemplate: Bool
    public var fewshotAsMultiturn: Bool
    /// When the run started (`date`, and the file names' timestamp base).
    public var started: Date
    /// A monotonic clock reading at the start (`start_time`, as lm-eval's `perf_counter`).
    public var startClock: Double

    public init(modelSource: String, modelArgs: String, limit: Double? = nil, genKwargs: JSONObject? = nil,
                seeds: [Int?] = [0, 1234, 1234, 1234], systemInstruction: String? = nil, applyChatTemplate: Bool = false,
                fewshotAsMultiturn: Bool = false, started: Date = Date(), startClock: Double = ProcessInfo.processInfo.systemUptime) {
        self.modelSource = modelSource
        self.modelArgs = modelArgs
        self.limit = limit
        self.genKwargs = genKwargs
        self.seeds = seeds
        self.systemInstruction = systemInstruction
        self.applyChatTemplate = applyChatTemplate
        self.fewshotAsMultiturn = fewshotAsMultiturn
        self.started = started
        self.startClock = startClock
    }

    /// lm-eval's model name: the value after the first of `peft=`, `delta=`, `pretrained=`, `model=`,
    /// `path=`, `engine=` found anywhere in the model args, up to the next comma; "" without one.
    public var modelName: String {
        for prefix in ["peft=", "delta=", "pretrained=", "model=", "path=", "engine="] {
            guard let range = modelArgs.range(of: prefix) else { continue }
            return String(modelArgs[range.upperBound...].prefix { $0 != "," })
        }
        return ""
    }
}

/// lm-eval 0.4.9's `--output_path` files: `results_<date>.json` and, with `--log_samples`,
/// `samples_<task>_<date>.jsonl`, with its keys, paths and hashes.
public enum LMEvalOutput {
    /// Where the files go and what they are called.
    public struct Paths: Sendable, Equatable {
        public var results: String
        /// Folder of the samples files.
        public var samplesFolder: String
        public var dateID: String

        /// lm-eval's rules: a path ending in `.json` names the results file (`<stem>_<date>.json`, the
        /// samples beside it); anything else is a folder that gets a subfolder named after the sanitized model.
        public init(outputPath: String, modelNameSanitized: String, dateID: String) {
            self.dateID = dateID
            let url = URL(fileURLWithPath: outputPath)
            let name = url.lastPathComponent
            // pathlib's suffix: the text from the last dot, unless that dot starts the name.
            if name.hasSuffix(".json"), name.count > ".json".count {
                let folder = url.deletingLastPathComponent().path
                samplesFolder = folder
                results = folder + "/" + String(name.dropLast(".json".count)) + "_\(dateID).json"
            } else {
                samplesFolder = url.appendingPathComponent(modelNameSanitized).path
                results = samplesFolder + "/results_\(dateID).json"
            }
        }

        /// `samples_<task>_<date>.jsonl`.
        public func samples(task: String) -> String { samplesFolder + "/samples_\(task)_\(dateID).jsonl" }
    }

    /// lm-eval's `sanitize_model_name`: runs of `"<>:/|\?*[]` become `__`.
    public static func sanitizeModelName(_ name: String) -> String {
        var out = ""
        var inRun = false
        for character in name {
            if "\"<>:/|\\?*[]".contains(character) {
                if !inRun { out += "__" }
                inRun = true
            } else {
                out.append(character)
                inRun = false
            }
        }
        return out
    }

    /// Python's `datetime.now().isoformat()` with `:` replaced by `-` (local time, microseconds
    /// unless they are zero): lm-eval's timestamp in file names.
    public static func dateID(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let seconds = date.timeIntervalSince1970
        let micro = Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded(.down))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2))-\(pad(parts.minute, 2))-\(pad(parts.second, 2))"
        if micro > 0 { text += "." + pad(micro, 6) }
        return text
    }

    /// lm-eval's `hash_string`.
    public static func hash(_ text: String) -> String { SHA256.hex(text) }

    /// One task's `--log_samples` lines, as lm-eval writes them: per filter (in the order the
    /// scorer ran them), per document, `doc_id`, `doc`, `target` (as text), `arguments`
    /// (`gen_args_<i>` → `arg_<j>`), `resps`, `filtered_resps` (as text), `filter`, `metrics`
    /// (the names), the three hashes, then each metric's value.
    public static func sampleLines(_ task: ReferenceTaskResult) -> [JSONObject] {
        let documents = Dictionary(task.documents.map { ($0.docID, $0) }, uniquingKeysWith: { first, _ in first })
        var filters: [String] = []
        for sample in task.samples where !filters.contains(sample.filter) { filters.append(sample.filter) }
        var lines: [JSONObject] = []
        for filter in filters {
            for sample in task.samples where sample.filter == filter {
                guard let document = documents[sample.docID] else { continue }
                let target = document.target.stringValue ?? PythonValue.str(document.target)
                var arguments = JSONObject()
                for (i, instance) in document.instances.enumerated() where i == 0 || sample.loglikelihoods != nil {
                    var values = JSONObject()
                    for (j, argument) in argumentValues(instance).enumerated() { values["arg_\(j)"] = argument }
                    arguments["gen_args_\(i)"] = .object(values)
                }
                var line = JSONObject()
                line["doc_id"] = .int(sample.docID)
                line["doc"] = .object(document.doc)
                line["target"] = .string(target)
                line["arguments"] = .object(arguments)
                if let scores = sample.loglikelihoods {
                    // lm-eval's samples file writes every response item through str(): a rolling
                    // instance's loglikelihood, else the (loglikelihood, is_greedy) tuple's members.
                    let rolling = document.instance.requestType == "loglikelihood_rolling"
                    let pairs = scores.map { score -> JSONValue in
                        let loglikelihood = JSONValue.string(PythonValue.str(JSONValue.double(score.loglikelihood)))
                        return rolling ? loglikelihood : .array([loglikelihood, .string(score.isGreedy.map { $0 ? "True" : "False" } ?? "None")])
                    }
                    line["resps"] = .array(pairs.map { .array([$0]) })
                    line["filtered_resps"] = .array(pairs)
                } else {
                    line["resps"] = .array([.array([.string(sample.response)])])
                    line["filtered_resps"] = .array([.string(sample.filtered.stringValue ?? PythonValue.str(sample.filtered))])
                }
                line["filter"] = .string(filter)
                line["metrics"] = .array(sample.metrics.map { .string($0.name) })
                line["doc_hash"] = .string(hash(JSONValue.object(document.doc).serialized(.pretty)))
                line["prompt_hash"] = .string(hash(document.instance.argumentsJSON.arrayValue?.first?.stringValue ?? ""))
                line["target_hash"] = .string(hash(target))
                for metric in sample.metrics { line[metric.name] = metric.value }
                lines.append(line)
            }
        }
        return lines
    }

    /// An instance's arguments as lm-eval's JSON shows them: a chat context is a `JsonChatStr`
    /// tuple, so a one-element list.
    private static func argumentValues(_ instance: Instance) -> [JSONValue] {
        guard case let .array(values) = instance.argumentsJSON else { return [] }
        guard case .generateUntil(.messages, _) = instance.arguments, let first = values.first else { return values }
        return [.array([first])] + values.dropFirst()
    }

    /// lm-eval's results document, in its key order.
    public static func results(_ report: ReferenceRunReport, record: LMEvalRunRecord, logSamples: Bool, ended: Double,
                               gitHash: String?) -> JSONObject {
        var out = JSONObject()
        out["results"] = .object(resultsSection(report))
        let aggregated = report.groups.filter { !($0.aggregates ?? []).isEmpty }
        if !aggregated.isEmpty {
            var groups = JSONObject()
            for entry in report.tableEntries() {
                guard let group = entry.group, !(group.aggregates ?? []).isEmpty else { continue }
                groups[group.name] = .object(rowObject(alias: group.displayName, rows: report.groupRows(group), aliasLast: true))
            }
            out["groups"] = .object(groups)
        }
        out["group_subtasks"] = .object(groupSubtasks(report))
        var configs = JSONObject()
        var versions = JSONObject()
        var nShot = JSONObject()
        var higherIsBetter = JSONObject()
        let ordered = evaluationOrder(report)
        for task in ordered {
            configs[task.task] = .object(taskConfig(task, record: record))
            versions[task.task] = task.version ?? .null
            nShot[task.task] = .int(task.numFewshot)
            higherIsBetter[task.task] = .object(higherIsBetterObject(task.rows))
        }
        for group in report.groups {
            versions[group.name] = group.version ?? .null
            let rows = report.groupRows(group)
            higherIsBetter[group.name] = .object(higherIsBetterObject(rows.isEmpty ? report.tasks.filter { $0.groups.contains(group.name) }.flatMap(\.rows) : rows))
        }
        out["configs"] = .object(sorted(configs))
        out["versions"] = .object(sorted(versions))
        out["n-shot"] = .object(sorted(nShot))
        out["higher_is_better"] = .object(sorted(higherIsBetter))
        var nSamples = JSONObject()
        for task in ordered {
            nSamples[task.task] = .object(JSONObject([("original", .int(task.evaluationCount)), ("effective", .int(task.documents.count))]))
        }
        out["n-samples"] = .object(nSamples)
        out["config"] = .object(JSONObject([
            ("model", .string(record.modelSource)), ("model_args", .string(record.modelArgs)), ("batch_size", .int(1)),
            ("batch_sizes", .array([])), ("device", .null), ("use_cache", .null), ("limit", record.limit.map(JSONValue.double) ?? .null),
            ("bootstrap_iters", .int(100_000)), ("gen_kwargs", record.genKwargs.map(JSONValue.object) ?? .null),
            ("random_seed", seed(record, 0)), ("numpy_seed", seed(record, 1)), ("torch_seed", seed(record, 2)), ("fewshot_seed", seed(record, 3)),
        ]))
        out["git_hash"] = gitHash.map(JSONValue.string) ?? .null
        out["date"] = .double(record.started.timeIntervalSince1970)
        // lm-eval's environment report (torch's collect_env) has no counterpart here.
        out["pretty_env_info"] = .string("testbench \(TestbenchVersion.current)")
        out["transformers_version"] = .null
        out["lm_eval_version"] = .string("0.4.9")
        out["upper_git_hash"] = .null
        var taskHashes = JSONObject()
        if logSamples {
            for task in ordered {
                let joined = sampleLines(task).map { line in
                    ["doc_hash", "prompt_hash", "target_hash"].map { line[$0]?.stringValue ?? "" }.joined()
                }.joined()
                taskHashes[task.task] = .string(hash(joined))
            }
        }
        out["task_hashes"] = .object(taskHashes)
        let name = record.modelName
        out["model_source"] = .string(record.modelSource)
        out["model_name"] = .string(name)
        out["model_name_sanitized"] = .string(sanitizeModelName(name))
        out["system_instruction"] = record.systemInstruction.map(JSONValue.string) ?? .null
        out["system_instruction_sha"] = record.systemInstruction.flatMap { $0.isEmpty ? nil : JSONValue.string(hash($0)) } ?? .null
        out["fewshot_as_multiturn"] = .bool(record.fewshotAsMultiturn)
        // An API model's template is applied by the server: lm-eval records it as "" (and no sha).
        out["chat_template"] = record.applyChatTemplate ? .string("") : .null
        out["chat_template_sha"] = .null
        out["start_time"] = .double(record.startClock)
        out["end_time"] = .double(ended)
        out["total_evaluation_time_seconds"] = .string(PythonFloat.repr(ended - record.startClock))
        return out
    }

    /// Writes the results file and, with `logSamples`, one samples file per task; returns their paths.
    public static func write(_ report: ReferenceRunReport, record: LMEvalRunRecord, outputPath: String, logSamples: Bool,
                             gitHash: String? = nil, now: Date = Date()) throws(ReferenceRunError) -> [String] {
        let paths = Paths(outputPath: outputPath, modelNameSanitized: sanitizeModelName(record.modelName), dateID: dateID(now))
        let ended = ProcessInfo.processInfo.systemUptime
        let document = JSONValue.object(results(report, record: record, logSamples: logSamples, ended: ended, gitHash: gitHash))
        var written: [String] = []
        do {
            try FileManager.default.createDirectory(atPath: paths.samplesFolder, withIntermediateDirectories: true)
            try Data(document.serialized(.pretty).utf8).write(to: URL(fileURLWithPath: paths.results))
            written.append(paths.results)
            if logSamples {
                for task in report.tasks {
                    let format = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)
                    let text = sampleLines(task).map { JSONValue.object($0).serialized(format) + "\n" }.joined()
                    let path = paths.samples(task: task.task)
                    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                    written.append(path)
                }
            }
        } catch {
            throw ReferenceRunError("--output_path \(outputPath): \(error.localizedDescription)")
        }
        return written
    }

    /// `results`: every group and task in the printed table's order, `alias` (indented as the
    /// table shows it) then `<metric>,<filter>` and `<metric>_stderr,<filter>` per row.
    static func resultsSection(_ report: ReferenceRunReport) -> JSONObject {
        var out = JSONObject()
        for entry in report.tableEntries() {
            let alias = ReferenceRunReport.indent(entry.depth)
            if let group = entry.group {
                out[group.name] = .object(rowObject(alias: alias + group.displayName, rows: report.groupRows(group), aliasLast: true))
            } else if let task = entry.task {
                out[task.task] = .object(rowObject(alias: alias + task.displayName, rows: task.rows))
            }
        }
        return out
    }

    /// A task's or group's scores; lm-eval sets a task's alias before its scores and a group's after.
    private static func rowObject(alias: String, rows: [ResultRow], aliasLast: Bool = false) -> JSONObject {
        var out = JSONObject()
        if !aliasLast { out["alias"] = .string(alias) }
        for row in rows {
            out["\(row.metric),\(row.filter)"] = .double(row.value)
            out["\(row.metric)_stderr,\(row.filter)"] = row.stderr.map(JSONValue.double) ?? .string("N/A")
        }
        if aliasLast { out["alias"] = .string(alias) }
        return out
    }

    /// The tasks in lm-eval's evaluation order: its command line sorts the names it is given and
    /// loads them into a `ChainMap`, which yields them last first; a group's members keep their order.
    static func evaluationOrder(_ report: ReferenceRunReport) -> [ReferenceTaskResult] {
        var byTop: [String: [ReferenceTaskResult]] = [:]
        for task in report.tasks { byTop[task.groups.first ?? task.task, default: []].append(task) }
        return byTop.keys.sorted { $1.unicodeScalars.lexicographicallyPrecedes($0.unicodeScalars) }.flatMap { byTop[$0] ?? [] }
    }

    /// A task's `configs` entry: its config with the run's model arguments merged into `metadata`
    /// (lm-eval's command line passes them to every task) and `--gen_kwargs` applied.
    static func taskConfig(_ task: ReferenceTaskResult, record: LMEvalRunRecord) -> JSONObject {
        var config = task.config
        if let modelArgs = try? LMEvalArguments.keyValues(record.modelArgs, option: "--model_args"), !modelArgs.isEmpty {
            var metadata = config["metadata"]?.objectValue ?? JSONObject()
            for (key, value) in modelArgs { metadata[key] = value }
            config["metadata"] = .object(metadata)
        }
        if record.genKwargs != nil, config["generation_kwargs"] != nil,
           case let .generateUntil(_, kwargs)? = task.documents.first?.instance.arguments {
            config["generation_kwargs"] = .object(kwargs)
        }
        return config
    }

    /// `group_subtasks`: each group's direct members and each task with none, innermost first as lm-eval lists them.
    static func groupSubtasks(_ report: ReferenceRunReport) -> JSONObject {
        var members: [(String, [String])] = []
        func add(_ name: String, _ member: String?) {
            if let index = members.firstIndex(where: { $0.0 == name }) {
                if let member, !members[index].1.contains(member) { members[index].1.append(member) }
            } else {
                members.append((name, member.map { [$0] } ?? []))
            }
        }
        for task in evaluationOrder(report) {
            for (depth, group) in task.groups.enumerated() {
                add(group, depth + 1 < task.groups.count ? task.groups[depth + 1] : task.task)
            }
            if task.groups.isEmpty { add(task.task, nil) }
        }
        return JSONObject(members.reversed().map { ($0.0, JSONValue.array($0.1.map(JSONValue.string))) })
    }

    private static func higherIsBetterObject(_ rows: [ResultRow]) -> JSONObject {
        var out = JSONObject()
        for row in rows where out[row.metric] == nil { out[row.metric] = row.higherIsBetter.map(JSONValue.bool) ?? .null }
        return out
    }

    private static func seed(_ record: LMEvalRunRecord, _ index: Int) -> JSONValue {
        guard index < record.seeds.count, let value = record.seeds[index] else { return .null }
        return .int(value)
    }

    private static func sorted(_ object: JSONObject) -> JSONObject {
        JSONObject(object.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }.compactMap { key in object[key].map { (key, $0) } })
    }
}
