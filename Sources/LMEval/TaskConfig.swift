import Foundation
import JSON
import Python

/// lm-eval's four request kinds (`output_type`).
public enum OutputType: String, Sendable, CaseIterable {
    case loglikelihood
    case multipleChoice = "multiple_choice"
    case loglikelihoodRolling = "loglikelihood_rolling"
    case generateUntil = "generate_until"
}

/// Every key of lm-eval 0.4.9's `TaskConfig` dataclass, with its defaults and the
/// `__post_init__` adjustments (generation_kwargs defaults, float temperature, default `until`).
public struct TaskConfig: Sendable, Hashable {
    public var task: String?
    public var taskAlias: String?
    /// `tag:` as a list (a single string becomes one element).
    public var tag: [String] = []
    public var customDataset: ConfigValue?
    public var datasetPath: String?
    public var datasetName: String?
    public var datasetKwargs: ConfigMapping?
    public var trainingSplit: String?
    public var validationSplit: String?
    public var testSplit: String?
    public var fewshotSplit: String?
    public var processDocs: ConfigValue?
    public var docToText: ConfigValue?
    public var docToTarget: ConfigValue?
    public var docToImage: ConfigValue?
    public var docToAudio: ConfigValue?
    public var unsafeCode: Bool = false
    public var docToChoice: ConfigValue?
    public var processResults: ConfigValue?
    public var usePrompt: String?
    public var description: String = ""
    public var targetDelimiter: String = " "
    public var fewshotDelimiter: String = "\n\n"
    public var fewshotConfig: ConfigMapping?
    public var numFewshot: Int?
    public var metricList: [ConfigValue]?
    public var outputType: OutputType = .generateUntil
    public var generationKwargs: ConfigMapping?
    public var repeats: Int = 1
    public var filterList: ConfigValue?
    public var shouldDecontaminate: Bool = false
    /// A template string, a feature name or a function.
    public var docToDecontaminationQuery: ConfigValue?
    public var genPrefix: String?
    public var metadata: ConfigMapping?
    /// Keys lm-eval's TaskConfig does not declare (e.g. `group`, `recipe`), kept in file order.
    public var unknownKeys: ConfigMapping = ConfigMapping()

    /// The dataclass fields in declaration order, as `to_dict()` lists them.
    public static let knownKeys: [String] = [
        "task", "task_alias", "tag", "custom_dataset", "dataset_path", "dataset_name", "dataset_kwargs",
        "training_split", "validation_split", "test_split", "fewshot_split", "process_docs", "doc_to_text",
        "doc_to_target", "doc_to_image", "doc_to_audio", "unsafe_code", "doc_to_choice", "process_results",
        "use_prompt", "description", "target_delimiter", "fewshot_delimiter", "fewshot_config", "num_fewshot",
        "metric_list", "output_type", "generation_kwargs", "repeats", "filter_list", "should_decontaminate",
        "doc_to_decontamination_query", "gen_prefix", "metadata",
    ]

    public init() {}

    /// Builds the config from a fully merged mapping (includes resolved), checking types the
    /// way lm-eval would fail on them and applying `__post_init__`.
    public init(_ mapping: ConfigMapping, file: String? = nil) throws(LMEvalError) {
        let reader = ConfigReader(mapping: mapping, file: file)
        task = try reader.string("task")
        taskAlias = try reader.string("task_alias")
        switch mapping["tag"] {
        case nil, .null?: tag = []
        case let .string(s)?: tag = [s]
        case let .list(items)?: tag = items.map { $0.stringValue ?? PythonValue.str($0.json) }
        case let value?: throw reader.invalid("tag", "expected a string or a list, got \(value.typeName)")
        }
        customDataset = reader.value("custom_dataset")
        datasetPath = try reader.name("dataset_path")
        datasetName = try reader.name("dataset_name")
        datasetKwargs = try reader.mapping("dataset_kwargs")
        trainingSplit = try reader.name("training_split")
        validationSplit = try reader.name("validation_split")
        testSplit = try reader.name("test_split")
        fewshotSplit = try reader.name("fewshot_split")
        processDocs = reader.value("process_docs")
        docToText = reader.value("doc_to_text")
        docToTarget = reader.value("doc_to_target")
        docToImage = reader.value("doc_to_image")
        docToAudio = reader.value("doc_to_audio")
        unsafeCode = try reader.bool("unsafe_code") ?? false
        docToChoice = reader.value("doc_to_choice")
        processResults = reader.value("process_results")
        usePrompt = try reader.string("use_prompt")
        description = try reader.string("description") ?? ""
        targetDelimiter = try reader.string("target_delimiter") ?? " "
        fewshotDelimiter = try reader.string("fewshot_delimiter") ?? "\n\n"
        fewshotConfig = try reader.mapping("fewshot_config")
        numFewshot = try reader.int("num_fewshot")
        switch mapping["metric_list"] {
        case nil, .null?: metricList = nil
        case let .list(items)?: metricList = items
        case let value?: throw reader.invalid("metric_list", "expected a list, got \(value.typeName)")
        }
        if let raw = mapping["output_type"] {
            guard case let .string(name) = raw, let type = OutputType(rawValue: name) else {
                throw LMEvalError(
                    .unknownOutputType, task: task, file: file,
                    "output_type \(PythonValue.repr(raw.json)) is not one of \(OutputType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            outputType = type
        }
        generationKwargs = try reader.mapping("generation_kwargs")
        repeats = try reader.int("repeats") ?? 1
        filterList = reader.value("filter_list")
        shouldDecontaminate = try reader.bool("should_decontaminate") ?? false
        docToDecontaminationQuery = reader.value("doc_to_decontamination_query")
        genPrefix = try reader.string("gen_prefix")
        metadata = try reader.mapping("metadata")
        for (key, value) in mapping where !Self.knownKeys.contains(key) {
            unknownKeys[key] = value
        }
        try applyPostInit(file: file)
    }

    /// `TaskConfig.__post_init__`: generation kwargs defaults for generate_until tasks.
    private mutating func applyPostInit(file: String?) throws(LMEvalError) {
        if var kwargs = generationKwargs {
            if let temperature = kwargs["temperature"] {
                kwargs["temperature"] = try Self.pythonFloat(temperature, task: task, file: file)
            }
            if !kwargs.contains("until") {
                kwargs["until"] = .list([.string(fewshotDelimiter)])
            }
            generationKwargs = kwargs
        } else if outputType == .generateUntil {
            generationKwargs = ConfigMapping([
                ("until", .list([.string(fewshotDelimiter)])),
                ("do_sample", .bool(false)),
                ("temperature", .int(0)),
            ])
        }
    }

    /// Python's `float(x)` for the values a YAML temperature can hold.
    static func pythonFloat(_ value: ConfigValue, task: String?, file: String?) throws(LMEvalError) -> ConfigValue {
        switch value {
        case let .int(i): return .double(Double(i))
        case let .double(d): return .double(d)
        case let .bool(b): return .double(b ? 1 : 0)
        case let .string(s):
            if let d = PyNumbers.parseFloat(s) { return .double(d) }
            fallthrough
        default:
            throw LMEvalError(.invalidConfig, task: task, file: file,
                              "generation_kwargs.temperature \(PythonValue.repr(value.json)) is not a number")
        }
    }

    /// The config as lm-eval's `to_dict()` prints it: dataclass order, None values left out,
    /// functions as `!function module.name`; then the keys TaskConfig does not know.
    public var json: JSONObject {
        var out = JSONObject()
        func put(_ key: String, _ value: JSONValue?) { if let value { out[key] = value } }
        put("task", task.map(JSONValue.string))
        put("task_alias", taskAlias.map(JSONValue.string))
        put("tag", tag.isEmpty ? nil : .array(tag.map(JSONValue.string)))
        put("custom_dataset", customDataset?.json)
        put("dataset_path", datasetPath.map(JSONValue.string))
        put("dataset_name", datasetName.map(JSONValue.string))
        put("dataset_kwargs", datasetKwargs.map { .object($0.json) })
        put("training_split", trainingSplit.map(JSONValue.string))
        put("validation_split", validationSplit.map(JSONValue.string))
        put("test_split", testSplit.map(JSONValue.string))
        put("fewshot_split", fewshotSplit.map(JSONValue.string))
        put("process_docs", processDocs?.json)
        put("doc_to_text", docToText?.json)
        put("doc_to_target", docToTarget?.json)
        put("doc_to_image", docToImage?.json)
        put("doc_to_audio", docToAudio?.json)
        put("unsafe_code", .bool(unsafeCode))
        put("doc_to_choice", docToChoice?.json)
        put("process_results", processResults?.json)
        put("use_prompt", usePrompt.map(JSONValue.string))
        put("description", .string(description))
        put("target_delimiter", .string(targetDelimiter))
        put("fewshot_delimiter", .string(fewshotDelimiter))
        put("fewshot_config", fewshotConfig.map { .object($0.json) })
        put("num_fewshot", numFewshot.map(JSONValue.int))
        put("metric_list", metricList.map { .array($0.map(\.json)) })
        put("output_type", .string(outputType.rawValue))
        put("generation_kwargs", generationKwargs.map { .object($0.json) })
        put("repeats", .int(repeats))
        put("filter_list", filterList?.json)
        put("should_decontaminate", .bool(shouldDecontaminate))
        put("doc_to_decontamination_query", docToDecontaminationQuery?.json)
        put("gen_prefix", genPrefix.map(JSONValue.string))
        put("metadata", metadata.map { .object($0.json) })
        for (key, value) in unknownKeys { out[key] = value.json }
        return out
    }

    /// `fewshot_config.sampler`, "default" when unset.
    public var samplerName: ConfigValue {
        fewshotConfig?["sampler"] ?? .string("default")
    }
}

/// Typed reads of config keys with errors naming the key and file.
private struct ConfigReader {
    let mapping: ConfigMapping
    let file: String?

    func invalid(_ key: String, _ message: String) -> LMEvalError {
        LMEvalError(.invalidConfig, task: mapping["task"]?.stringValue, file: file, "\(key): \(message)")
    }

    func value(_ key: String) -> ConfigValue? {
        guard let value = mapping[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(LMEvalError) -> String? {
        guard let value = value(key) else { return nil }
        guard case let .string(s) = value else { throw invalid(key, "expected a string, got \(value.typeName)") }
        return s
    }

    /// Dataset and split names: YAML may spell them as numbers (`dataset_name: 2021`); Python passes them on as they are, HF reads them as text.
    func name(_ key: String) throws(LMEvalError) -> String? {
        guard let value = value(key) else { return nil }
        switch value {
        case let .string(s): return s
        case .int, .double, .bool: return PythonValue.str(value.json)
        default: throw invalid(key, "expected a string, got \(value.typeName)")
        }
    }

    func mapping(_ key: String) throws(LMEvalError) -> ConfigMapping? {
        guard let value = value(key) else { return nil }
        guard case let .mapping(m) = value else { throw invalid(key, "expected a mapping, got \(value.typeName)") }
        return m
    }

    func int(_ key: String) throws(LMEvalError) -> Int? {
        guard let value = value(key) else { return nil }
        switch value {
        case let .int(i): return i
        case let .bool(b): return b ? 1 : 0
        default: throw invalid(key, "expected an integer, got \(value.typeName)")
        }
    }

    func bool(_ key: String) throws(LMEvalError) -> Bool? {
        guard let value = value(key) else { return nil }
        switch value {
        case let .bool(b): return b
        case let .int(i): return i != 0
        default: throw invalid(key, "expected a boolean, got \(value.typeName)")
        }
    }
}
