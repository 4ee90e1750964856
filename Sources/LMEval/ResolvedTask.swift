import Jinja
import JSON
import Python

/// How one `doc_to_*` key turns a document into a value, decided once at resolution.
public enum FieldRule: Sendable {
    /// A string: a feature name gives the raw value, anything else is a compiled Jinja template.
    /// `template` is nil when the text failed to compile (kept so a feature name still works).
    case text(String, template: JinjaTemplate?, compileError: LMEvalError?)
    /// A literal int, list or mapping from the YAML.
    case literal(JSONValue)
    /// A `!function` with a native implementation.
    case native(FunctionReference, @Sendable (JSONObject) throws(LMEvalError) -> JSONValue)
}

/// The few-shot sampler named by `fewshot_config.sampler`.
public enum SamplerKind: String, Sendable {
    case `default`
    case firstN = "first_n"
}

/// `fewshot_config.samples`: an inline list or a native function's list.
public enum FewShotSamples: Sendable {
    case list([JSONObject])
    case native(FunctionReference, @Sendable () -> [JSONObject])

    public var documents: [JSONObject] {
        switch self {
        case let .list(docs): docs
        case let .native(_, function): function()
        }
    }
}

/// A task ready to build prompts: config validated, templates compiled, functions bound to
/// their native implementations.
public struct ResolvedTask: Sendable {
    public let name: String
    public let reference: TaskReference
    public let config: TaskConfig
    public let docToText: FieldRule
    public let docToTarget: FieldRule
    public let docToChoice: FieldRule?
    public let fewshotDocToText: FieldRule?
    public let fewshotDocToTarget: FieldRule?
    public let fewshotDocToChoice: FieldRule?
    public let description: JinjaTemplate?
    public let genPrefix: FieldRule?
    public let processDocs: (FunctionReference, @Sendable ([JSONObject]) throws(LMEvalError) -> [JSONObject])?
    /// The field and value `process_docs` keeps rows by, when it is a plain row filter (see `NativeFunction.keepRows`).
    public let processDocsKeeps: (key: String, value: JSONValue)?
    public let fewshotSamples: FewShotSamples?
    public let sampler: SamplerKind
    /// `!function`s used only for scoring (process_results, metrics, filters): not needed for prompts.
    public let scoringFunctions: [FunctionReference]

    /// The config as `tasks show` prints it.
    public var configJSON: JSONObject { config.json }
}

/// Turns a `TaskReference` into a `ResolvedTask`, failing clearly on anything the port cannot build.
public struct TaskResolver: Sendable {
    public var natives: NativeFunctionRegistry
    /// The task folder `!function` module paths are taken relative to (the indexed folder).
    public var root: String?

    public init(natives: NativeFunctionRegistry = .standard, root: String? = nil) {
        self.natives = natives
        self.root = root
    }

    public func resolve(_ reference: TaskReference) throws(LMEvalError) -> ResolvedTask {
        let name = reference.name
        let file = reference.file
        func fail(_ kind: LMEvalError.Kind, _ message: String) -> LMEvalError {
            LMEvalError(kind, task: name, file: file, message)
        }
        if reference.kind == .pythonTask {
            let cls = reference.config["class"].map { $0.functionValue?.expression ?? PythonValue.str($0.json) } ?? "?"
            throw fail(.unsupported, "a Python-class task (class: \(cls)); only YAML tasks can be built natively")
        }
        let config: TaskConfig
        do {
            config = try TaskConfig(reference.config, file: file)
        } catch {
            throw error.inTask(name)
        }
        if let prompt = config.usePrompt {
            throw fail(.unsupported, "use_prompt: \(prompt) (promptsource templates are not supported)")
        }
        if config.docToImage != nil || config.docToAudio != nil {
            throw fail(.unsupported, "a multimodal task (doc_to_image/doc_to_audio); API models take text only")
        }
        if let custom = config.customDataset {
            throw fail(.unsupported, "custom_dataset \(PythonValue.str(custom.json)) builds its data in Python")
        }
        if let metrics = config.metricList {
            for metric in metrics {
                guard case let .mapping(m) = metric, m.contains("metric") else {
                    throw fail(.invalidConfig, "metric_list: 'metric' key not provided for an entry, must be specified")
                }
            }
        }
        let sampler: SamplerKind
        switch config.samplerName {
        case let .string(s):
            guard let kind = SamplerKind(rawValue: s) else {
                throw fail(.invalidConfig, "fewshot_config.sampler \(s): no sampling strategy of that name (default, first_n)")
            }
            sampler = kind
        case let .function(f):
            throw fail(.unsupported, "fewshot_config.sampler is a Python sampler class (\(f.expression))")
        case let other:
            throw fail(.invalidConfig, "fewshot_config.sampler must be a string, got \(other.typeName)")
        }

        var processDocs: (FunctionReference, @Sendable ([JSONObject]) throws(LMEvalError) -> [JSONObject])?
        var processDocsKeeps: (key: String, value: JSONValue)?
        if let value = config.processDocs {
            guard case let .function(reference) = value else {
                throw fail(.invalidConfig, "process_docs must be a !function, got \(value.typeName)")
            }
            switch natives.lookup(reference, root: root) {
            case let .processDocs(function)?:
                processDocs = (reference, function)
            case let .keepRows(key, kept)?:
                processDocs = (reference, { docs in docs.filter { $0[key] == kept } })
                processDocsKeeps = (key, kept)
            default:
                throw missing(reference, key: "process_docs", task: name)
            }
        }

        guard let textValue = config.docToText else { throw fail(.invalidConfig, "doc_to_text is not set") }
        guard let targetValue = config.docToTarget else { throw fail(.invalidConfig, "doc_to_target is not set") }
        let docToText = try rule(textValue, key: "doc_to_text", task: name, file: file, allowLiterals: [.int])
        let docToTarget = try rule(targetValue, key: "doc_to_target", task: name, file: file, allowLiterals: [.int, .list])
        let docToChoice = try config.docToChoice.map { value throws(LMEvalError) in
            try rule(value, key: "doc_to_choice", task: name, file: file, allowLiterals: [.list, .mapping])
        }
        let fewshot = config.fewshotConfig
        let fewshotDocToText = try fewshot?["doc_to_text"].flatMap { $0.isNull ? nil : $0 }.map { value throws(LMEvalError) in
            try rule(value, key: "fewshot_config.doc_to_text", task: name, file: file, allowLiterals: [.int])
        }
        let fewshotDocToTarget = try fewshot?["doc_to_target"].flatMap { $0.isNull ? nil : $0 }.map { value throws(LMEvalError) in
            try rule(value, key: "fewshot_config.doc_to_target", task: name, file: file, allowLiterals: [.int, .list])
        }
        let fewshotDocToChoice = try fewshot?["doc_to_choice"].flatMap { $0.isNull ? nil : $0 }.map { value throws(LMEvalError) in
            try rule(value, key: "fewshot_config.doc_to_choice", task: name, file: file, allowLiterals: [.list, .mapping])
        }
        let description: JinjaTemplate?
        if config.description.isEmpty {
            description = nil
        } else {
            description = try compile(config.description, key: "description", task: name, file: file)
        }
        let genPrefix = try config.genPrefix.map { value throws(LMEvalError) in
            try rule(.string(value), key: "gen_prefix", task: name, file: file, allowLiterals: [])
        }
        for optional in [docToText, docToTarget, docToChoice, fewshotDocToText, fewshotDocToTarget, fewshotDocToChoice, genPrefix] {
            if let rule = optional, case let .text(_, nil, error?) = rule, !Self.looksLikeFeatureName(rule) {
                throw error.inTask(name)
            }
        }

        var samples: FewShotSamples?
        if let value = fewshot?["samples"], !value.isNull {
            switch value {
            case let .list(items):
                var docs: [JSONObject] = []
                for item in items {
                    guard case let .mapping(m) = item else {
                        throw fail(.invalidConfig, "fewshot_config.samples: every sample must be a mapping")
                    }
                    docs.append(Self.document(m))
                }
                samples = .list(docs)
            case let .function(reference):
                guard case let .samples(function)? = natives.lookup(reference, root: root) else {
                    throw missing(reference, key: "fewshot_config.samples", task: name)
                }
                samples = .native(reference, function)
            default:
                throw fail(.invalidConfig, "fewshot_config.samples should be a list of samples or a function returning one")
            }
        }

        var scoring: [FunctionReference] = []
        scoring += config.processResults?.functionReferences ?? []
        scoring += (config.metricList ?? []).flatMap(\.functionReferences)
        scoring += config.filterList?.functionReferences ?? []

        return ResolvedTask(
            name: name, reference: reference, config: config, docToText: docToText, docToTarget: docToTarget,
            docToChoice: docToChoice, fewshotDocToText: fewshotDocToText, fewshotDocToTarget: fewshotDocToTarget,
            fewshotDocToChoice: fewshotDocToChoice, description: description, genPrefix: genPrefix,
            processDocs: processDocs, processDocsKeeps: processDocsKeeps, fewshotSamples: samples, sampler: sampler, scoringFunctions: scoring)
    }

    private enum LiteralKind { case int, list, mapping }

    private func rule(_ value: ConfigValue, key: String, task: String, file: String?, allowLiterals: Set<LiteralKind>) throws(LMEvalError) -> FieldRule {
        switch value {
        case let .string(s):
            do {
                return .text(s, template: try compile(s, key: key, task: task, file: file), compileError: nil)
            } catch {
                return .text(s, template: nil, compileError: error)
            }
        case let .function(reference):
            guard case let .docField(function)? = natives.lookup(reference, root: root) else {
                throw missing(reference, key: key, task: task)
            }
            return .native(reference, function)
        case .int where allowLiterals.contains(.int), .bool where allowLiterals.contains(.int):
            return .literal(value.json)
        case .list where allowLiterals.contains(.list):
            return .literal(value.json)
        case .mapping where allowLiterals.contains(.mapping):
            return .literal(value.json)
        default:
            throw LMEvalError(.invalidConfig, task: task, file: file, "\(key): lm-eval cannot use a \(value.typeName) here")
        }
    }

    private func compile(_ source: String, key: String, task: String, file: String?) throws(LMEvalError) -> JinjaTemplate {
        do {
            return try JinjaTemplate(source, name: "\(task): \(key)")
        } catch {
            throw LMEvalError(.template, task: task, file: file, "\(key): \(error.description)")
        }
    }

    private func missing(_ reference: FunctionReference, key: String, task: String) -> LMEvalError {
        LMEvalError(
            .missingFunction, task: task, file: reference.yamlFile,
            "\(key): `!function \(reference.expression)` (\(reference.moduleFile)) has no native counterpart")
    }

    /// A plain identifier can only be meant as a feature name, so its compile failure does not matter yet.
    static func looksLikeFeatureName(_ rule: FieldRule) -> Bool {
        guard case let .text(s, _, _) = rule, !s.isEmpty else { return false }
        return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
    }

    /// YAML sample rows as documents.
    static func document(_ mapping: ConfigMapping) -> JSONObject {
        mapping.json
    }
}

extension TaskIndex {
    /// Resolves one leaf task (from `expand`) with natives looked up relative to its folder.
    public func resolve(_ reference: TaskReference, natives: NativeFunctionRegistry = .standard) throws(LMEvalError) -> ResolvedTask {
        try resolver(for: reference, natives: natives).resolve(reference)
    }

    /// The resolver for one task: natives looked up relative to the indexed folder holding its file.
    public func resolver(for reference: TaskReference, natives: NativeFunctionRegistry = .standard) -> TaskResolver {
        let root = reference.file.flatMap { file in folders.first { file.hasPrefix($0 + "/") } } ?? folders.first
        return TaskResolver(natives: natives, root: root)
    }

    /// Resolves a task by name; a group or tag is an error (expand it first).
    public func resolveTask(named name: String, natives: NativeFunctionRegistry = .standard) throws(LMEvalError) -> ResolvedTask {
        guard let entry = entries[name] else { throw unknown(name) }
        guard entry.kind == .task || entry.kind == .pythonTask else {
            throw LMEvalError(.invalidConfig, task: name, "\(name) is a \(entry.kind.rawValue); expand it to its tasks first")
        }
        let references = try expand(name)
        guard let reference = references.first else { throw unknown(name) }
        return try resolve(reference, natives: natives)
    }
}
