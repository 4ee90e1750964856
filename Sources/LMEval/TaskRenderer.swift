import JSON
import Python

/// Where a task's rows come from, read as the render plan asks: the Sampler's PostgreSQL tables,
/// local split files (reference runs, `tasks render --data`), arrays in tests. Asynchronous, so a
/// database-backed source can read on its own connection; errors pass through as thrown.
public protocol AsyncDocumentSource: Sendable {
    /// How many rows `split` has before `process_docs`; nil when the dataset has no such split.
    func rowCount(split: String) async throws -> Int?
    /// Every row of `split` in dataset order, before `process_docs`; nil when the split does not exist.
    func rows(split: String) async throws -> [JSONObject]?
    /// The rows of `split` at the given doc ids (0-based positions in the split), before `process_docs`.
    func rows(split: String, docIDs: [Int]) async throws -> [Int: JSONObject]
}

/// A source that holds or reads its splits synchronously (in memory, local files).
public protocol DocumentSource: AsyncDocumentSource {
    /// The rows of `split` in dataset order, before `process_docs`; nil when the split does not exist.
    func documents(split: String) throws(LMEvalError) -> [JSONObject]?
}

/// A synchronous source answers the asynchronous requests from its whole splits.
extension DocumentSource {
    /// The number of rows `documents(split:)` returns.
    public func rowCount(split: String) async throws -> Int? {
        try documents(split: split)?.count
    }

    /// `documents(split:)`.
    public func rows(split: String) async throws -> [JSONObject]? {
        try documents(split: split)
    }

    /// The rows at `docIDs` of `documents(split:)` (ids outside the split are left out).
    public func rows(split: String, docIDs: [Int]) async throws -> [Int: JSONObject] {
        guard let rows = try documents(split: split) else { return [:] }
        var out: [Int: JSONObject] = [:]
        for id in docIDs where rows.indices.contains(id) { out[id] = rows[id] }
        return out
    }
}

/// What rendering a task reads, decided once from the task and the prompt options: the
/// evaluation split, where few-shot examples come from and how many are drawn, hence which
/// splits must be loaded whole.
public struct RenderPlan: Sendable, Equatable {
    /// `test_split`, else `validation_split`.
    public let evaluationSplit: String
    public let fewshotSource: TaskRenderer.FewShotSource
    /// The few-shot count after `--num_fewshot`.
    public let numFewshot: Int

    public init(task: ResolvedTask, options: PromptOptions) throws(LMEvalError) {
        guard let split = TaskRenderer.evaluationSplit(of: task) else {
            throw LMEvalError(.invalidConfig, task: task.name, file: task.reference.file,
                              "the task has neither test_split nor validation_split to evaluate")
        }
        evaluationSplit = split
        fewshotSource = TaskRenderer.fewshotSource(of: task)
        numFewshot = options.effectiveNumFewshot(task.config)
    }

    /// Few-shot examples are drawn from the evaluation split itself, so it is loaded whole.
    public var fewshotFromEvaluationSplit: Bool {
        numFewshot > 0 && fewshotSource == .split(evaluationSplit)
    }

    /// The other split examples are drawn from (loaded whole); nil when none is drawn from one.
    public var otherFewshotSplit: String? {
        guard numFewshot > 0, case let .split(name) = fewshotSource, name != evaluationSplit else { return nil }
        return name
    }
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
    /// `doc_to_target(doc)`: a string, int or list.
    public var target: JSONValue
    /// lm-eval's instances for the document in `idx` order: one for generate_until, loglikelihood
    /// and rolling; one per choice (then one unconditional per choice for `acc_mutual_info`) for multiple_choice.
    public var instances: [Instance]
    /// The JSON body lm-eval's API model would POST for each instance (key order as lm-eval builds it).
    public var requests: [JSONObject]

    public init(docID: Int, doc: JSONObject, prompt: Prompt, target: JSONValue, instances: [Instance], requests: [JSONObject]) {
        self.docID = docID
        self.doc = doc
        self.prompt = prompt
        self.target = target
        self.instances = instances
        self.requests = requests
    }

    /// The first instance (the only one unless the task is multiple_choice).
    public var instance: Instance { instances[0] }
    /// The first instance's request body.
    public var request: JSONObject { requests[0] }

    /// `{"doc_id", "prompt", "request", "target"}`, the line `testbench tasks render --json` prints.
    public var json: JSONValue {
        .object(JSONObject([
            ("doc_id", .int(docID)), ("prompt", prompt.json), ("request", .object(request)), ("target", target),
        ]))
    }

    /// One `{"doc_id", "idx", "request_type", "prompt", "continuation", "request", "target"}` line per
    /// loglikelihood instance (`prompt` is the context; a rolling instance has the text as `continuation`
    /// and an empty prompt).
    public var instanceLines: [JSONValue] {
        zip(instances, requests).map { instance, request in
            let context: JSONValue
            let continuation: String
            switch instance.arguments {
            case let .generateUntil(prompt, _): context = prompt.json; continuation = ""
            case let .loglikelihood(prompt, cont): context = prompt.json; continuation = cont
            case let .loglikelihoodRolling(text): context = .string(""); continuation = text
            }
            return .object(JSONObject([
                ("doc_id", .int(docID)), ("idx", .int(instance.idx)), ("request_type", .string(instance.requestType)),
                ("prompt", context), ("continuation", .string(continuation)), ("request", .object(request)), ("target", target),
            ]))
        }
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
    /// How many documents the evaluation split has after `process_docs`; doc ids run `0..<evaluationCount`.
    public let evaluationCount: Int
    /// Evaluation rows after `process_docs`, indexed by doc id; nil for rows a sparse load left out.
    let evaluationRows: [JSONObject?]
    /// Few-shot source rows, nil when lm-eval would build no sampler.
    public let fewshotDocuments: [JSONObject]?
    public let numFewshot: Int
    /// Task generation kwargs after `--gen_kwargs` updates.
    public let generationKwargs: JSONObject
    let builder: PromptBuilder
    let fields: DocumentFields

    /// The loaded evaluation rows (after `process_docs`) in doc-id order; every row for a full load.
    public var evaluationDocuments: [JSONObject] { evaluationRows.compactMap { $0 } }

    /// Where a task's few-shot examples come from (lm-eval's `fewshot_docs()`).
    public enum FewShotSource: Sendable, Equatable {
        /// A dataset split, loaded whole.
        case split(String)
        /// `fewshot_config.samples`, in the config.
        case samples
        /// No few-shot source: lm-eval builds no sampler.
        case none
    }

    /// `fewshot_docs()`: `fewshot_split`, else `fewshot_config.samples`, else training, validation, test split.
    public static func fewshotSource(of task: ResolvedTask) -> FewShotSource {
        let config = task.config
        if let split = config.fewshotSplit { return .split(split) }
        if task.fewshotSamples != nil { return .samples }
        if let split = config.trainingSplit ?? config.validationSplit ?? config.testSplit { return .split(split) }
        return .none
    }

    /// The split evaluated: `test_split`, else `validation_split`; nil when the task names neither.
    public static func evaluationSplit(of task: ResolvedTask) -> String? {
        task.config.testSplit ?? task.config.validationSplit
    }

    /// Loads the splits the task names from `documents` and prepares the builder.
    /// `genKwargsOverride` is `--gen_kwargs` (updates the task's generation kwargs for generate_until tasks).
    public init(
        task: ResolvedTask, documents: some DocumentSource, options: PromptOptions, model: APIModelOptions,
        genKwargsOverride: JSONObject? = nil
    ) throws(LMEvalError) {
        let plan = try RenderPlan(task: task, options: options)
        let rows = try Self.processedSplit(plan.evaluationSplit, task: task, documents: documents)
        try self.init(task: task, plan: plan, rows: rows.map { Optional($0) }, fewshotRows: { name throws(LMEvalError) in try documents.documents(split: name) },
                      requireFewshotSplit: true, options: options, model: model, genKwargsOverride: genKwargsOverride)
    }

    /// Loads what `plan` asks from `source` and prepares rendering: the evaluation split's size,
    /// the rows of the doc ids `select` picks for that size (the whole split when few-shot
    /// examples are drawn from it or every row is picked), and the other few-shot split whole.
    /// With `streamChunk`, only the first `streamChunk` selected rows are read where the plan allows
    /// it (the evaluation split is not a few-shot source, and `process_docs`, if any, sees only some
    /// rows anyway); `renderAscending(docIDs:reading:chunkSize:_:)` then reads the rest as it renders.
    /// The column names `doc_to_*` may name come from the rows read here (a table's rows all have its columns).
    /// Errors of `source` and `select` pass through; the task's own are `LMEvalError`s.
    public static func load(
        task: ResolvedTask, plan: RenderPlan, source: some AsyncDocumentSource, select: (_ splitSize: Int) throws -> [Int],
        options: PromptOptions, model: APIModelOptions, genKwargsOverride: JSONObject? = nil, streamChunk: Int? = nil
    ) async throws -> (renderer: TaskRenderer, docIDs: [Int]) {
        let split = plan.evaluationSplit
        let missing = { (name: String) in LMEvalError(.documents, task: task.name, file: task.reference.file, "split \(name) is not in the dataset") }
        guard let count = try await source.rowCount(split: split) else { throw missing(split) }
        let docIDs = try select(count)
        let distinct = Self.distinctAscending(docIDs)
        let everyRow = distinct.count == count
        var rows: [Int: JSONObject] = [:]
        if plan.fewshotFromEvaluationSplit || (everyRow && (streamChunk == nil || task.processDocs != nil)) {
            // lm-eval runs process_docs over the whole split; a split few-shot examples come from is held whole.
            guard let all = try await source.rows(split: split) else { throw missing(split) }
            for (id, row) in all.enumerated() { rows[id] = row }
        } else if let streamChunk, distinct.count > streamChunk {
            rows = try await source.rows(split: split, docIDs: Array(distinct.prefix(max(1, streamChunk))))
        } else {
            rows = try await source.rows(split: split, docIDs: docIDs)
        }
        var others: [String: [JSONObject]] = [:]
        if let name = plan.otherFewshotSplit {
            guard let fewshot = try await source.rows(split: name) else { throw missing(name) }
            others[name] = fewshot
        }
        let renderer = try TaskRenderer(task: task, evaluationRows: rows, evaluationCount: count, documents: InMemoryDocuments(others),
                                        options: options, model: model, genKwargsOverride: genKwargsOverride)
        return (renderer, docIDs)
    }

    /// Prepares rendering from only some evaluation rows: `evaluationRows` maps doc id to the raw
    /// row (before `process_docs`) and `evaluationCount` is the split's size, so the few-shot draws
    /// of the rows left out can be replayed (they do not depend on document contents).
    /// `process_docs` runs over the given rows in id order and must keep them row for row (the
    /// dataset table of a filtering task is filtered when registered). `documents` supplies the
    /// few-shot source split whole; it may lack it when no few-shot examples are asked for.
    public init(
        task: ResolvedTask, evaluationRows: [Int: JSONObject], evaluationCount: Int, documents: some DocumentSource,
        options: PromptOptions, model: APIModelOptions, genKwargsOverride: JSONObject? = nil
    ) throws(LMEvalError) {
        let fail = { (message: String) in LMEvalError(.documents, task: task.name, file: task.reference.file, message) }
        let plan = try RenderPlan(task: task, options: options)
        let split = plan.evaluationSplit
        let ids = evaluationRows.keys.sorted()
        if let bad = ids.first(where: { $0 < 0 || $0 >= evaluationCount }) {
            throw fail("doc id \(bad) is outside the \(evaluationCount) documents of split \(split)")
        }
        let processed = try Self.processedRowForRow(ids.compactMap { evaluationRows[$0] }, task: task, split: split)
        var rows = [JSONObject?](repeating: nil, count: evaluationCount)
        for (id, row) in zip(ids, processed) { rows[id] = row }
        try self.init(task: task, plan: plan, rows: rows, fewshotRows: { name throws(LMEvalError) in try documents.documents(split: name) },
                      requireFewshotSplit: false, options: options, model: model, genKwargsOverride: genKwargsOverride)
    }

    /// `fewshotRows` reads a few-shot source split other than a fully loaded evaluation split.
    private init(
        task: ResolvedTask, plan: RenderPlan, rows: [JSONObject?], fewshotRows: (String) throws(LMEvalError) -> [JSONObject]?,
        requireFewshotSplit: Bool, options: PromptOptions, model: APIModelOptions, genKwargsOverride: JSONObject?
    ) throws(LMEvalError) {
        self.task = task
        self.options = options
        self.model = model
        let config = task.config
        let split = plan.evaluationSplit
        evaluationSplit = split
        evaluationRows = rows
        evaluationCount = rows.count
        numFewshot = plan.numFewshot

        switch plan.fewshotSource {
        case let .split(name):
            if name == split, rows.allSatisfy({ $0 != nil }) {
                fewshotDocuments = rows.compactMap { $0 }
            } else if let raw = try fewshotRows(name) {
                fewshotDocuments = try Self.processed(raw, task: task)
            } else if !requireFewshotSplit, numFewshot == 0 {
                // A sparse load need not supply a few-shot split no prompt draws from.
                fewshotDocuments = nil
            } else {
                throw LMEvalError(.documents, task: task.name, file: task.reference.file, "split \(name) is not in the dataset")
            }
        case .samples:
            fewshotDocuments = task.fewshotSamples?.documents
        case .none:
            fewshotDocuments = nil
        }

        var features = Set<String>()
        for case let doc? in rows { features.formUnion(doc.keys) }
        let fields = DocumentFields(task: task, features: features)
        self.fields = fields

        // lm-eval's "test one doc": doc_to_text of the first row decides multiple_input
        // (a sparse load uses its first loaded row; the answer depends on the template, not the row).
        var multipleInput = 0
        guard let first = rows.first(where: { $0 != nil }) ?? nil else {
            throw LMEvalError(.documents, task: task.name, file: task.reference.file, "the evaluation split \(split) has no documents")
        }
        let text = try fields.text(first)
        _ = try fields.target(first)
        if let choices = try fields.choices(first) {
            if case .int = text { multipleInput = choices.arrayValue?.count ?? 0 }
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
        return try processed(rows, task: task)
    }

    /// `rows` after the task's `process_docs`.
    static func processed(_ rows: [JSONObject], task: ResolvedTask) throws(LMEvalError) -> [JSONObject] {
        guard let (_, process) = task.processDocs else { return rows }
        do {
            return try process(rows)
        } catch {
            throw error.inTask(task.name)
        }
    }

    /// `process_docs` over some rows of `split`, which must keep them row for row.
    static func processedRowForRow(_ rows: [JSONObject], task: ResolvedTask, split: String) throws(LMEvalError) -> [JSONObject] {
        let processed = try processed(rows, task: task)
        guard processed.count == rows.count else {
            throw LMEvalError(.documents, task: task.name, file: task.reference.file,
                              "process_docs turned \(rows.count) rows of split \(split) into \(processed.count); loading only some rows needs a process_docs that maps row for row (filter the dataset table when registering)")
        }
        return processed
    }

    /// Renders `docIDs` (any order, duplicates allowed), replaying the few-shot draws of every
    /// document from 0 to the largest id so each gets the examples lm-eval gives it in a full run.
    public func render(docIDs: [Int]) throws(LMEvalError) -> [RenderedDocument] {
        var rendered: [Int: RenderedDocument] = [:]
        try renderAscending(docIDs: docIDs) { rendered[$0.docID] = $0 }
        return docIDs.compactMap { rendered[$0] }
    }

    /// Renders the distinct `docIDs` in ascending order, handing each document to `body` as soon as it
    /// is built, so a caller keeping only what it derives holds one rendered document at a time.
    public func renderAscending(docIDs: [Int], _ body: (RenderedDocument) -> Void) throws(LMEvalError) {
        try renderAscending(docIDs: docIDs, while: { body($0); return true })
    }

    /// `renderAscending(docIDs:_:)` until `body` returns false (a consumer that failed stops the rendering).
    public func renderAscending(docIDs: [Int], while body: (RenderedDocument) -> Bool) throws(LMEvalError) {
        let ids = try distinctAscending(docIDs)
        // Every row is checked before the first document is handed over.
        var docs: [JSONObject] = []
        docs.reserveCapacity(ids.count)
        for id in ids {
            guard let doc = evaluationRows[id] else {
                throw LMEvalError(.documents, task: task.name, "doc id \(id) of split \(evaluationSplit) was not loaded")
            }
            docs.append(doc)
        }
        var walk = DocumentWalk(seed: options.fewshotSeed)
        for (id, doc) in zip(ids, docs) {
            guard body(try walk.render(id, doc: doc, with: self)) else { return }
        }
    }

    /// Renders the distinct `docIDs` in ascending order as `renderAscending(docIDs:_:)` does, reading
    /// the rows not loaded from `source`, `chunkSize` at a time (through `process_docs`, which must map
    /// them row for row), so only one chunk of rows is held. It runs on the caller's executor (a
    /// document store's write, say). What `source` and `body` throw passes through.
    public nonisolated(nonsending) func renderAscending(
        docIDs: [Int], reading source: some AsyncDocumentSource, chunkSize: Int,
        _ body: nonisolated(nonsending) (RenderedDocument) async throws -> Void
    ) async throws {
        let ids = try distinctAscending(docIDs)
        let size = max(1, chunkSize)
        var walk = DocumentWalk(seed: options.fewshotSeed)
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + size, ids.count)]
            start = chunk.endIndex
            let unread = chunk.filter { evaluationRows[$0] == nil }
            var read: [Int: JSONObject] = [:]
            if !unread.isEmpty {
                let raw = try await source.rows(split: evaluationSplit, docIDs: unread)
                let found = unread.filter { raw[$0] != nil }
                let processed = try Self.processedRowForRow(found.compactMap { raw[$0] }, task: task, split: evaluationSplit)
                for (id, row) in zip(found, processed) { read[id] = row }
            }
            for id in chunk {
                guard let doc = evaluationRows[id] ?? read[id] else {
                    throw LMEvalError(.documents, task: task.name, "doc id \(id) of split \(evaluationSplit) is not in the dataset")
                }
                try await body(try walk.render(id, doc: doc, with: self))
            }
        }
    }

    /// The distinct ids ascending, each checked against the split's size.
    private func distinctAscending(_ docIDs: [Int]) throws(LMEvalError) -> [Int] {
        for id in docIDs where !evaluationRows.indices.contains(id) {
            throw LMEvalError(.documents, task: task.name, "doc id \(id) is outside the \(evaluationCount) documents of split \(evaluationSplit)")
        }
        return Self.distinctAscending(docIDs)
    }

    /// `docIDs` without repeats, ascending; no copy when they already are (the Sampler's are).
    static func distinctAscending(_ docIDs: [Int]) -> [Int] {
        if zip(docIDs, docIDs.dropFirst()).allSatisfy({ $0 < $1 }) { return docIDs }
        var sorted = docIDs.sorted()
        var kept = 0
        for index in sorted.indices where kept == 0 || sorted[kept - 1] != sorted[index] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    /// lm-eval's one `Random(1234)` per task, walked upward through the doc ids: the few-shot draws
    /// of the documents passed over are replayed, so each document gets the examples a full run gives it.
    struct DocumentWalk {
        var rng: PythonRandom
        var next = 0

        init(seed: Int) { rng = PythonRandom(seed: seed) }

        /// Renders `doc` as doc id `id`, which must be above the ids rendered before.
        mutating func render(_ id: Int, doc: JSONObject, with renderer: TaskRenderer) throws(LMEvalError) -> RenderedDocument {
            while next < id {
                try renderer.builder.sampler?.skip(
                    numFewshot: renderer.numFewshot, chat: renderer.options.applyChatTemplate,
                    fewshotAsMultiturn: renderer.options.fewshotAsMultiturn, rng: &rng)
                next += 1
            }
            next = id + 1
            return try renderer.renderOne(id, doc: doc, rng: &rng)
        }
    }

    /// Renders every loaded evaluation document in order.
    public func renderAll() throws(LMEvalError) -> [RenderedDocument] {
        try render(docIDs: evaluationRows.indices.filter { evaluationRows[$0] != nil })
    }

    private func renderOne(_ id: Int, doc: JSONObject, rng: inout PythonRandom) throws(LMEvalError) -> RenderedDocument {
        let prompt = try builder.context(for: doc, numFewshot: numFewshot, rng: &rng)
        let target = try fields.target(doc)
        let taskName = task.config.task ?? task.name
        let instances = try requestInstances(doc: doc, docID: id, prompt: prompt, target: target).enumerated().map { idx, request in
            Instance(requestType: request.type, doc: doc, arguments: request.arguments, idx: idx,
                     taskName: taskName, docID: id, repeats: task.config.repeats)
        }
        var requests: [JSONObject] = []
        requests.reserveCapacity(instances.count)
        for instance in instances { requests.append(try RequestBodyBuilder.body(for: instance, model: model)) }
        return RenderedDocument(docID: id, doc: doc, prompt: prompt, target: target, instances: instances, requests: requests)
    }

    /// `ConfigurableTask.construct_requests`: the request type and arguments of each of the document's instances.
    private func requestInstances(
        doc: JSONObject, docID: Int, prompt: Prompt, target: JSONValue
    ) throws(LMEvalError) -> [(type: String, arguments: Instance.Arguments)] {
        let config = task.config
        switch config.outputType {
        case .generateUntil:
            return [("generate_until", .generateUntil(context: prompt, generationKwargs: generationKwargs))]
        case .loglikelihood:
            return [("loglikelihood", .loglikelihood(context: prompt, continuation: try text(target, "doc_to_target", docID)))]
        case .loglikelihoodRolling:
            return [("loglikelihood_rolling", .loglikelihoodRolling(text: try text(target, "doc_to_target", docID)))]
        case .multipleChoice:
            guard case let .array(items)? = try fields.choices(doc) else {
                throw fields.error(.documents, "doc \(docID): doc_to_choice did not return a list")
            }
            var choices: [String] = []
            for item in items { choices.append(try text(item, "doc_to_choice", docID)) }
            let delimiter = options.applyChatTemplate ? "" : config.targetDelimiter
            var arguments: [Instance.Arguments] = []
            if builder.multipleInput > 0 {
                // The choices complete the context (winogrande); the target is the shared continuation.
                guard case let .text(context) = prompt else {
                    throw fields.error(.unsupported, "a multiple-input task (doc_to_text is a choice index) in chat form needs the model's chat template, which is not applied here")
                }
                let continuation = delimiter + (try text(target, "doc_to_target", docID))
                arguments = choices.map { .loglikelihood(context: .text(context + $0), continuation: continuation) }
            } else {
                arguments = choices.map { .loglikelihood(context: prompt, continuation: delimiter + $0) }
            }
            if Self.metricNames(config).contains("acc_mutual_info") {
                // The unconditional loglikelihood of each choice: log P(choice|ctx) - log P(choice).
                arguments += choices.map { .loglikelihood(context: .text(""), continuation: delimiter + $0) }
            }
            return arguments.map { ("loglikelihood", $0) }
        }
    }

    /// The `metric` names of the task's `metric_list` (none when it has no list).
    static func metricNames(_ config: TaskConfig) -> [String] {
        (config.metricList ?? []).compactMap { entry in
            guard case let .mapping(mapping) = entry, case let .string(name)? = mapping["metric"] else { return nil }
            return name
        }
    }

    /// A request argument that must be a string (Python would concatenate it with the context).
    private func text(_ value: JSONValue, _ key: String, _ docID: Int) throws(LMEvalError) -> String {
        guard case let .string(s) = value else {
            throw fields.error(.documents, "doc \(docID): \(key) gave \(value.typeName) \(PythonValue.repr(value)); a loglikelihood request needs a string")
        }
        return s
    }
}
