import Datasets
import ExtendedJSON
import Foundation
import JSON
import LMEval
import Logging
import Postgres

/// What a sample wrote.
public struct SamplerOutcome: Sendable, Equatable {
    public var taskID: ObjectID
    public var taskName: String
    /// Sampled doc ids (0-based within the evaluation split), ascending.
    public var docIDs: [Int]
    public var prompts: Int
    /// The seed of the document draw (nil when no draw was made: `qty < 0` or `doc_ids`).
    public var seed: Int?

    /// `{"task_id": "<hex>", "task": …, "instances": n, "prompts": n, "random_seed": …}`, the workflow result.
    public var json: JSONValue {
        .object(JSONObject([
            ("task_id", .string(taskID.hex)), ("task", .string(taskName)), ("instances", .int(docIDs.count)),
            ("prompts", .int(prompts)), ("random_seed", seed.map(JSONValue.int) ?? .null),
        ]))
    }
}

/// The Sampler's work, independent of the workflow queue: validate the request, pick documents of
/// the task's evaluation split, build lm-eval's prompts and write task, instances and prompts at once.
public struct Sampler: Sendable {
    public let services: TestbenchServices

    public init(services: TestbenchServices) {
        self.services = services
    }

    /// Samples for `request`. `runID` fixes the task id, so a retry of the same run replaces what a
    /// crashed attempt wrote. `progress` receives phase updates (and may throw to stop the attempt).
    public func sample(
        _ request: SamplerRequest, runID: String, logger: Logger,
        progress: @Sendable (JSONValue) async throws -> Void = { _ in }
    ) async throws -> SamplerOutcome {
        guard request.framework.contains("lmeh") else {
            throw SamplerError.badParams("\(request.framework) framework not implemented yet")
        }
        if !request.ignoredKeys.isEmpty {
            logger.warning("Sampler input keys ignored", metadata: ["keys": "\(request.ignoredKeys.joined(separator: ","))"])
        }
        let form = try request.promptForm()
        let genKwargs = try request.genKwargsOverride()
        let task = try resolveTask(request.tasks)
        let options = PromptOptions(numFewshot: request.numFewshot, applyChatTemplate: form.applyChatTemplate,
                                    fewshotAsMultiturn: form.fewshotAsMultiturn, systemInstruction: request.systemInstruction)
        let model = Self.modelOptions(request.llmArgs)
        let numFewshot = options.effectiveNumFewshot(task.config)
        guard let evaluationSplit = TaskRenderer.evaluationSplit(of: task) else {
            throw SamplerError("task \(task.name) has neither test_split nor validation_split to evaluate", type: "LmehGenerator")
        }
        let seed = request.seed ?? Int.random(in: 0..<4_294_967_296)

        let clock = ContinuousClock()
        let started = clock.now
        let loaded = try await load(task: task, evaluationSplit: evaluationSplit, request: request, seed: seed,
                                    fewshotFromEvaluationSplit: numFewshot > 0 && TaskRenderer.fewshotSource(of: task) == .split(evaluationSplit),
                                    fewshotSplit: numFewshot > 0 ? Self.otherFewshotSplit(task, evaluationSplit) : nil)
        let drew = request.qty.map { $0 > 0 } ?? false
        logger.info("Sampler selected documents", metadata: [
            "task": "\(task.name)", "table": "\(loaded.table)", "split": "\(evaluationSplit)", "documents": "\(loaded.docIDs.count)",
            "random_seed": "\(drew ? String(seed) : "none")",
        ])
        try await progress(["phase": "rendering", "documents": .int(loaded.docIDs.count)])

        let taskID = SamplerIDs.taskID(runID: runID)
        var builder = TaskTreeBuilder(
            request: request, form: form, numFewshot: numFewshot, model: model, taskID: taskID, taskName: task.name,
            firstRowID: loaded.firstRowID, seed: drew ? seed : nil,
            timeout: PromptTimeout(service: request.requesterArgs.service, timeouts: services.config.timeouts), creationDate: Date())
        do {
            let renderer = try TaskRenderer(task: task, evaluationRows: loaded.evaluationRows, evaluationCount: loaded.evaluationCount,
                                            documents: InMemoryDocuments(loaded.otherSplits), options: options, model: model,
                                            genKwargsOverride: genKwargs)
            // Documents become instance and prompt documents as they are rendered (ids are ascending).
            try renderer.renderAscending(docIDs: loaded.docIDs) { builder.append($0) }
        } catch {
            throw SamplerError("building prompts for \(task.name): \(error)", type: "LmehGenerator")
        }
        let tree = builder.finish(requestType: task.config.outputType.rawValue)
        let built = clock.now
        try await progress(["phase": "writing", "prompts": .int(tree.prompts.count)])
        do {
            try await services.documents.replaceTaskTree(tree)
        } catch {
            throw SamplerError("Failed to save documents to \(services.documents.kind): \(error.message)", type: "DocumentStore",
                               nonRetryable: !error.isRetryable)
        }
        logger.info("Sampler wrote task", metadata: [
            "task_id": "\(taskID.hex)", "task": "\(task.name)", "instances": "\(tree.instances.count)", "prompts": "\(tree.prompts.count)",
            "load_and_build_seconds": "\((built - started).secondsValue)", "write_seconds": "\((clock.now - built).secondsValue)",
        ])
        return SamplerOutcome(taskID: taskID, taskName: task.name, docIDs: loaded.docIDs, prompts: tree.prompts.count,
                              seed: drew ? seed : nil)
    }

    /// lm-eval API model arguments from `llm_args`, with the original's defaults
    /// (`model` "pocket_network", `seed` 1234, `max_gen_toks` 8192).
    static func modelOptions(_ llmArgs: JSONObject?) -> APIModelOptions {
        APIModelOptions(model: llmArgs?["model"]?.stringValue ?? "pocket_network",
                        maxGenToks: llmArgs?["max_gen_toks"]?.intValue ?? 8192,
                        seed: llmArgs?["seed"]?.intValue ?? 1234)
    }

    /// The few-shot source split when it is not the evaluation split (those are loaded whole).
    static func otherFewshotSplit(_ task: ResolvedTask, _ evaluationSplit: String) -> String? {
        if case let .split(name) = TaskRenderer.fewshotSource(of: task), name != evaluationSplit { return name }
        return nil
    }

    // MARK: - Task

    private func resolveTask(_ tasks: String) throws(SamplerError) -> ResolvedTask {
        let names = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw .badParams("tasks is empty: name the task to sample") }
        let index: TaskIndex
        let references: [TaskReference]
        do {
            index = try services.taskIndex()
            references = try index.expand(names)
        } catch {
            throw SamplerError("Tasks not found: \(error)", type: "TaskNotFound")
        }
        guard references.count == 1, let reference = references.first else {
            throw .badParams("tasks '\(tasks)' names \(references.count) tasks (\(references.prefix(5).map(\.name).joined(separator: ", "))…); a Sampler run samples one task")
        }
        let task: ResolvedTask
        do {
            task = try index.resolve(reference)
        } catch {
            throw SamplerError("Generate TaskDict raise an error: \(error)", type: "LmehGenerator")
        }
        guard task.config.outputType == .generateUntil else {
            throw SamplerError("Task \(task.name) has output_type \(task.config.outputType.rawValue). Currently only 'generate_until' output_type is supported",
                               type: "LmehGenerator")
        }
        return task
    }

    // MARK: - Documents

    struct Loaded: Sendable {
        var table: String
        var docIDs: [Int]
        var firstRowID: Int
        var evaluationCount: Int
        var evaluationRows: [Int: JSONObject]
        var otherSplits: [String: [JSONObject]]
    }

    /// Reads the registration and split ranges, selects doc ids and loads their rows plus the
    /// few-shot split, on one connection: one query for the sampled rows, one per other split.
    private func load(
        task: ResolvedTask, evaluationSplit: String, request: SamplerRequest, seed: Int,
        fewshotFromEvaluationSplit: Bool, fewshotSplit: String?
    ) async throws -> Loaded {
        do {
            return try await services.postgres.withConnection { connection in
                try await Self.load(task: task, evaluationSplit: evaluationSplit, request: request, seed: seed,
                                    fewshotFromEvaluationSplit: fewshotFromEvaluationSplit, fewshotSplit: fewshotSplit, on: connection)
            }
        } catch let error as SamplerError {
            throw error
        } catch let error as DatasetError {
            throw SamplerError("Load Dataset from SQL runs in errors: \(error)", type: "SQLError", nonRetryable: !error.isRetryable)
        } catch let error as PostgresError {
            let transient = error.isConnectionLost || error.isSerializationFailure
                || [.connectionFailed, .poolClosed, .cancelled].contains(error.code)
            throw SamplerError("Error while connecting to PostgreSQL: \(error)", type: "SQLError", nonRetryable: !transient)
        }
    }

    private static func load(
        task: ResolvedTask, evaluationSplit: String, request: SamplerRequest, seed: Int,
        fewshotFromEvaluationSplit: Bool, fewshotSplit: String?, on connection: isolated PostgresConnection
    ) throws -> Loaded {
        guard let registration = try TaskRegistry.lookup(task.name, on: connection) else {
            throw SamplerError(
                "task \(task.name) is not registered: run the Register workflow first (input {\"framework\": \"lmeh\", \"tasks\": \"\(task.name)\"})",
                type: "TaskNotRegistered")
        }
        let table = registration.datasetTableName
        let ranges = try DatasetTable.splitRanges(table, on: connection)
        guard !ranges.isEmpty else { throw SamplerError("No rows found in table \(table)", type: "SQLError") }
        func range(_ split: String) throws(SamplerError) -> SplitRange {
            guard let range = ranges.first(where: { $0.split == split }) else {
                throw SamplerError("'\(split)' split not found in _split_ranges of \(table): \(ranges.map(\.split).joined(separator: ", "))",
                                   type: "SQLError")
            }
            return range
        }
        let evaluation = try range(evaluationSplit)
        let docIDs = try DocumentSelection.select(
            splitSize: evaluation.count, qty: request.qty, docIDs: request.docIDs, blacklist: request.blacklist, seed: seed,
            table: table, split: evaluationSplit)
        // The stored ids of a split are contiguous, so doc id = __id - min(__id).
        guard evaluation.maxID - evaluation.minID + 1 == evaluation.count else {
            throw SamplerError("split \(evaluationSplit) of \(table) has gaps in __id (\(evaluation.minID)…\(evaluation.maxID) for \(evaluation.count) rows)",
                               type: "SQLError")
        }

        var rows: [Int: JSONObject] = [:]
        rows.reserveCapacity(fewshotFromEvaluationSplit ? evaluation.count : docIDs.count)
        if fewshotFromEvaluationSplit || docIDs.count == evaluation.count {
            // Few-shot examples come from this split (or every row is sampled): load it whole.
            for row in try DatasetTable.rows(table, split: evaluationSplit, on: connection) {
                rows[evaluation.documentIndex(ofID: row.id)] = row.document
            }
        } else {
            for row in try DatasetTable.rows(table, ids: docIDs.map { $0 + evaluation.minID }, on: connection) {
                rows[evaluation.documentIndex(ofID: row.id)] = row.document
            }
        }
        var others: [String: [JSONObject]] = [:]
        if let fewshotSplit {
            _ = try range(fewshotSplit)
            others[fewshotSplit] = try DatasetTable.rows(table, split: fewshotSplit, on: connection).map(\.document)
        }
        return Loaded(table: table, docIDs: docIDs, firstRowID: evaluation.minID, evaluationCount: evaluation.count,
                      evaluationRows: rows, otherSplits: others)
    }
}

extension Duration {
    /// The duration in seconds, for logs.
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
