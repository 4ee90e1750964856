import JSON

/// Where a task's rows come from (PostgreSQL tables, a local JSONL folder, test arrays).
public protocol DocumentSource: Sendable {
    /// The rows of `split` in dataset order, before `process_docs`; nil when the split does not exist.
    func documents(split: String) throws(LMEvalError) -> [JSONObject]?
}

/// Splits held in memory.
public struct InMemoryDocuments: DocumentSource {
    public var splits: [String: [JSONObject]]

    public init(_ splits: [String: [JSONObject]]) { self.splits = splits }

    public func documents(split: String) throws(LMEvalError) -> [JSONObject]? { splits[split] }
}

/// One rendered evaluation document.
public struct RenderedDocument: Sendable {
    public var docID: Int
    public var doc: JSONObject
    public var prompt: Prompt
    /// The JSON body lm-eval's API model would POST (key order as lm-eval builds it).
    public var request: JSONObject
    /// `doc_to_target(doc)`: a string, int or list.
    public var target: JSONValue
    public var instance: Instance

    /// `{"doc_id", "prompt", "request", "target"}`, the line `testbench tasks render --json` prints.
    public var json: JSONValue {
        .object(JSONObject([
            ("doc_id", .int(docID)), ("prompt", prompt.json), ("request", .object(request)), ("target", target),
        ]))
    }
}

/// Builds prompts, request bodies, targets and instances for a resolved task over its documents,
/// reproducing lm-eval's run: one `Random(1234)` per task, drawn document by document from 0.
public struct TaskRenderer: Sendable {
    public let task: ResolvedTask
    public let options: PromptOptions
    public let model: APIModelOptions
    /// The split evaluated (`test_split`, else `validation_split`).
    public let evaluationSplit: String
    /// Evaluation rows after `process_docs`; doc ids index this array.
    public let evaluationDocuments: [JSONObject]
    /// Few-shot source rows, nil when lm-eval would build no sampler.
    public let fewshotDocuments: [JSONObject]?
    public let numFewshot: Int
    /// Task generation kwargs after `--gen_kwargs` updates.
    public let generationKwargs: JSONObject
    let builder: PromptBuilder
    let fields: DocumentFields

    /// Loads the splits the task names from `documents` and prepares the builder.
    /// `genKwargsOverride` is `--gen_kwargs` (updates the task's generation kwargs for generate_until tasks).
    public init(
        task: ResolvedTask, documents: some DocumentSource, options: PromptOptions, model: APIModelOptions,
        genKwargsOverride: JSONObject? = nil
    ) throws(LMEvalError) {
        self.task = task
        self.options = options
        self.model = model
        let config = task.config
        let error = { (kind: LMEvalError.Kind, message: String) in
            LMEvalError(kind, task: task.name, file: task.reference.file, message)
        }
        let processed = { (split: String) throws(LMEvalError) -> [JSONObject] in
            try Self.processedSplit(split, task: task, documents: documents)
        }
        guard let split = config.testSplit ?? config.validationSplit else {
            throw error(.invalidConfig, "the task has neither test_split nor validation_split to evaluate")
        }
        evaluationSplit = split
        evaluationDocuments = try processed(split)

        // fewshot_docs(): fewshot_split, else fewshot_config.samples, else training/validation/test split.
        if let fewshotSplit = config.fewshotSplit {
            fewshotDocuments = try processed(fewshotSplit)
        } else if let samples = task.fewshotSamples {
            fewshotDocuments = samples.documents
        } else if let training = config.trainingSplit {
            fewshotDocuments = try processed(training)
        } else if let validation = config.validationSplit {
            fewshotDocuments = try processed(validation)
        } else if let test = config.testSplit {
            fewshotDocuments = try processed(test)
        } else {
            fewshotDocuments = nil
        }

        var features = Set<String>()
        for doc in evaluationDocuments { features.formUnion(doc.keys) }
        let fields = DocumentFields(task: task, features: features)
        self.fields = fields
        numFewshot = options.effectiveNumFewshot(config)

        // lm-eval's "test one doc": doc_to_text of the first row decides multiple_input.
        var multipleInput = 0
        if let first = evaluationDocuments.first {
            let text = try fields.text(first)
            _ = try fields.target(first)
            if let choices = try fields.choices(first) {
                if case .int = text { multipleInput = choices.arrayValue?.count ?? 0 }
            }
        } else {
            throw error(.documents, "the evaluation split \(split) has no documents")
        }
        let sampler = fewshotDocuments.map { [fields] in FewShotSampler(kind: task.sampler, documents: $0, fields: fields) }
        builder = PromptBuilder(fields: fields, sampler: sampler, options: options, multipleInput: multipleInput)

        var kwargs = task.config.generationKwargs?.json ?? JSONObject()
        if config.outputType == .generateUntil, let genKwargsOverride {
            for (key, value) in genKwargsOverride { kwargs[key] = value }
        }
        generationKwargs = kwargs
    }

    /// A split's rows after the task's `process_docs`.
    static func processedSplit(_ split: String, task: ResolvedTask, documents: some DocumentSource) throws(LMEvalError) -> [JSONObject] {
        guard let rows = try documents.documents(split: split) else {
            throw LMEvalError(.documents, task: task.name, file: task.reference.file, "split \(split) is not in the dataset")
        }
        guard let (_, process) = task.processDocs else { return rows }
        do {
            return try process(rows)
        } catch {
            throw error.inTask(task.name)
        }
    }

    /// Renders `docIDs` (any order, duplicates allowed), replaying the few-shot draws of every
    /// document from 0 to the largest id so each gets the examples lm-eval gives it in a full run.
    public func render(docIDs: [Int]) throws(LMEvalError) -> [RenderedDocument] {
        guard !docIDs.isEmpty else { return [] }
        for id in docIDs where !evaluationDocuments.indices.contains(id) {
            throw LMEvalError(.documents, task: task.name, "doc id \(id) is outside the \(evaluationDocuments.count) documents of split \(evaluationSplit)")
        }
        let wanted = Set(docIDs)
        let last = docIDs.max() ?? 0
        var rng = PythonRandom(seed: options.fewshotSeed)
        var rendered: [Int: RenderedDocument] = [:]
        for id in 0...last {
            if wanted.contains(id) {
                rendered[id] = try renderOne(id, rng: &rng)
            } else {
                try builder.sampler?.skip(
                    numFewshot: numFewshot, chat: options.applyChatTemplate, fewshotAsMultiturn: options.fewshotAsMultiturn, rng: &rng)
            }
        }
        return docIDs.compactMap { rendered[$0] }
    }

    /// Renders every evaluation document in order.
    public func renderAll() throws(LMEvalError) -> [RenderedDocument] {
        try render(docIDs: Array(evaluationDocuments.indices))
    }

    private func renderOne(_ id: Int, rng: inout PythonRandom) throws(LMEvalError) -> RenderedDocument {
        let doc = evaluationDocuments[id]
        let prompt = try builder.context(for: doc, numFewshot: numFewshot, rng: &rng)
        let target = try fields.target(doc)
        let arguments: Instance.Arguments
        switch task.config.outputType {
        case .generateUntil:
            arguments = .generateUntil(context: prompt, generationKwargs: generationKwargs)
        case .loglikelihood, .multipleChoice, .loglikelihoodRolling:
            throw LMEvalError(.unsupported, task: task.name, file: task.reference.file,
                              "output_type \(task.config.outputType.rawValue): only generate_until requests are built yet")
        }
        let instance = Instance(
            requestType: task.config.outputType.rawValue, doc: doc, arguments: arguments, idx: 0,
            taskName: task.config.task ?? task.name, docID: id, repeats: task.config.repeats)
        let request = try RequestBodyBuilder.body(for: instance, model: model)
        return RenderedDocument(docID: id, doc: doc, prompt: prompt, request: request, target: target, instance: instance)
    }
}
