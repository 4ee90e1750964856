import Datasets
import ExtendedJSON
import Foundation
import JSON
import LMEval
import Logging
import Postgres
import WorkflowDefinitions

/// What a sample wrote.
public struct SamplerOutcome: Sendable, Equatable {
    public var taskID: ObjectID
    public var taskName: String
    /// Sampled rows' `__id`s, ascending.
    public var docIDs: [Int]
    public var prompts: Int
    /// The seed of the document draw (nil when no draw was made: `qty < 0` or `doc_ids`).
    public var seed: Int?
    /// Instances written when they are not one per document (a `signatures` task).
    public var instances: Int? = nil

    /// `{"task_id": "<hex>", "task": …, "instances": n, "prompts": n, "random_seed": …}`, the workflow result.
    public var json: JSONValue {
        .object(JSONObject([
            ("task_id", .string(taskID.hex)), ("task", .string(taskName)), ("instances", .int(instances ?? docIDs.count)),
            ("prompts", .int(prompts)), ("random_seed", seed.map(JSONValue.int) ?? .null),
        ]))
    }
}

/// The Sampler's work, independent of the workflow queue: validate the request, pick documents of
/// the task's evaluation split, build lm-eval's prompts and write task, instances and prompts at once.
public struct Sampler: Sendable {
    public let services: TestbenchServices
    /// Dataset rows read per query while rendering: enough to keep round trips rare, few enough
    /// that the rows held stay a small constant whatever the sample's size.
    public let rowChunk: Int

    public init(services: TestbenchServices, rowChunk: Int = 512) {
        self.services = services
        self.rowChunk = max(1, rowChunk)
    }

    /// Samples for `request`. `runID` fixes the task id, so a retry of the same run replaces what a
    /// crashed attempt wrote. `progress` receives phase updates (and may throw to stop the attempt).
    public func sample(
        _ request: SamplerRequest, runID: String, logger: Logger,
        progress: @Sendable (JSONValue) async throws -> Void = { _ in }
    ) async throws -> SamplerOutcome {
        try Self.requireFramework(request)
        if !request.ignoredKeys.isEmpty {
            logger.warning("Sampler input keys ignored", metadata: ["keys": "\(request.ignoredKeys.joined(separator: ","))"])
        }
        if request.isSignatures {
            return try await sampleSignature(request, runID: runID, seed: request.seed ?? Int.random(in: 0..<4_294_967_296))
        }
        let task = try resolveTask(request.tasks)
        let request = try configured(request, task: task)
        let form = try request.promptForm()
        try Self.requirePromptLogprobs(task, request)
        let genKwargs = try request.genKwargsOverride()
        let options = Self.promptOptions(request, form: form)
        let model = Self.modelOptions(request.llmArgs)
        let plan = try Self.renderPlan(task, options: options)
        let seed = request.seed ?? Int.random(in: 0..<4_294_967_296)

        let clock = ContinuousClock()
        let started = clock.now
        let taskID = SamplerIDs.taskID(runID: runID)
        let drew = request.qty.map { $0 > 0 } ?? false
        // The dataset connection stays leased through the write: rows are read from it a chunk at a
        // time while documents are rendered into the store, so neither side holds the sampled rows.
        // A PostgreSQL store leases a second connection; the services' pool (max_workers + 2) always
        // has one left for it, since every activity holds at most one while it waits for another.
        let (docIDs, written) = try await withDocuments(task: task, plan: plan, request: request, seed: seed, options: options,
                                                        model: model, genKwargs: genKwargs) { loaded in
            logger.info("Sampler selected documents", metadata: [
                "task": "\(task.name)", "table": "\(loaded.table)", "split": "\(plan.evaluationSplit)",
                "documents": "\(loaded.docIDs.count)", "random_seed": "\(drew ? String(seed) : "none")",
            ])
            try await progress(["phase": "rendering", "documents": .int(loaded.docIDs.count)])
            let rendering = clock.now
            let builder = TaskTreeBuilder(
                request: request, form: form, numFewshot: plan.numFewshot, model: model, taskID: taskID, taskName: task.name,
                firstRowID: loaded.firstRowID, seed: drew ? seed : nil,
                timeout: PromptTimeout(service: request.requesterArgs.service, timeouts: services.config.timeouts), creationDate: Date())
            let requestType = task.config.outputType.rawValue
            let renderer = loaded.renderer, rows = loaded.rows, positions = loaded.docIDs.map { $0 - loaded.firstRowID }
            // Documents are rendered inside the store's write and handed over one by one (ids ascending):
            // neither side holds the tree, and the store parses while prompts are still being built.
            let stream = TaskTreeStream(taskID: taskID) { sink in
                var builder = builder
                var sinkError: (any Error)?
                do {
                    try await renderer.renderAscending(docIDs: positions, reading: rows, chunkSize: rowChunk) { rendered in
                        let (instances, prompts) = builder.documents(for: rendered)
                        do {
                            for instance in instances { try await sink(.instance(instance)) }
                            for prompt in prompts { try await sink(.prompt(prompt)) }
                        } catch {
                            sinkError = error
                            throw error
                        }
                    }
                } catch {
                    if let sinkError { throw sinkError }
                    if let error = error as? LMEvalError {
                        throw ApplicationError("building prompts for \(task.name): \(error)", type: "LmehGenerator")
                    }
                    throw Self.readFailure(error)
                }
                return builder.taskDocument(requestType: requestType)
            }
            try await progress(["phase": "writing", "documents": .int(positions.count)])
            let written: TaskTreeCounts
            do {
                written = try await services.documents.replaceTaskTree(streaming: stream)
            } catch let error as ApplicationError {
                throw error
            } catch let error as DocumentStoreError {
                throw ApplicationError("Failed to save documents to \(services.documents.kind): \(error.message)", type: "DocumentStore",
                                       cause: error)
            } catch {
                throw ApplicationError("Failed to save documents to \(services.documents.kind): \(error)", type: "DocumentStore",
                                       cause: error)
            }
            logger.info("Sampler wrote task", metadata: [
                "task_id": "\(taskID.hex)", "task": "\(task.name)", "instances": "\(written.instances)", "prompts": "\(written.prompts)",
                "load_seconds": "\((rendering - started).inSeconds)", "build_and_write_seconds": "\((clock.now - rendering).inSeconds)",
            ])
            return (loaded.docIDs, written)
        }
        return SamplerOutcome(taskID: taskID, taskName: task.name, docIDs: docIDs, prompts: written.prompts,
                              seed: drew ? seed : nil)
    }

    /// lm-eval API model arguments from `llm_args`, with the original's defaults
    /// (`model` "pocket_network", `seed` 1234, `max_gen_toks` 8192).
    static func modelOptions(_ llmArgs: JSONObject?) -> APIModelOptions {
        APIModelOptions(model: llmArgs?["model"]?.stringValue ?? "pocket_network",
                        maxGenToks: llmArgs?["max_gen_toks"]?.intValue ?? 8192,
                        seed: llmArgs?["seed"]?.intValue ?? 1234)
    }

    // MARK: - Task

    func resolveTask(_ tasks: String) throws(ApplicationError) -> ResolvedTask {
        let names = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw .badParams("tasks is empty: name the task to sample") }
        let index: TaskIndex
        let references: [TaskReference]
        do {
            index = try services.taskIndex()
            references = try index.expand(names)
        } catch {
            throw ApplicationError("Tasks not found: \(error)", type: "TaskNotFound")
        }
        guard references.count == 1, let reference = references.first else {
            throw .badParams("tasks '\(tasks)' names \(references.count) tasks (\(references.prefix(5).map(\.name).joined(separator: ", "))…); a Sampler run samples one task")
        }
        let task: ResolvedTask
        do {
            task = try index.resolve(reference)
        } catch {
            throw ApplicationError("Generate TaskDict raise an error: \(error)", type: "LmehGenerator")
        }
        return task
    }

    // MARK: - Documents

    struct Loaded: Sendable {
        var table: String
        /// The selected rows' `__id`s (the renderer takes them less `firstRowID`, as lm-eval positions).
        var docIDs: [Int]
        var firstRowID: Int
        /// Ready to render: the rows the plan reads whole, and the first chunk of the selected ones.
        var renderer: TaskRenderer
        /// The dataset table on the leased connection, for the selected rows not read yet.
        var rows: DatasetTableDocuments
    }

    /// Leases a dataset connection, reads the registration and split ranges, lets the renderer load
    /// what the plan asks (whole splits few-shot examples come from, the first selected rows), and
    /// runs `body` with the connection still leased. Reading errors become the original's
    /// `SQLError`s; what `body` throws passes through.
    private func withDocuments<T: Sendable>(
        task: ResolvedTask, plan: RenderPlan, request: SamplerRequest, seed: Int,
        options: PromptOptions, model: APIModelOptions, genKwargs: JSONObject?,
        _ body: (Loaded) async throws -> T
    ) async throws -> T {
        do {
            return try await services.postgres.withConnection { connection in
                let loaded = try await Self.load(task: task, plan: plan, request: request, seed: seed, options: options, model: model,
                                                 genKwargs: genKwargs, rowChunk: rowChunk, on: connection)
                do {
                    return try await body(loaded)
                } catch {
                    throw PassedThrough(error: error)
                }
            }
        } catch let failure as PassedThrough {
            throw failure.error
        } catch {
            throw Self.readFailure(error)
        }
    }

    /// A failure reading the dataset as the original reports it; the Sampler's own errors pass through.
    static func readFailure(_ error: any Error) -> any Error {
        switch error {
        case let error as DatasetError: ApplicationError("Load Dataset from SQL runs in errors: \(error)", type: "SQLError", cause: error)
        case let error as PostgresError: ApplicationError("Error while connecting to PostgreSQL: \(error)", type: "SQLError", cause: error)
        default: error
        }
    }

    private static func load(
        task: ResolvedTask, plan: RenderPlan, request: SamplerRequest, seed: Int, options: PromptOptions, model: APIModelOptions,
        genKwargs: JSONObject?, rowChunk: Int, on connection: isolated PostgresConnection
    ) async throws -> Loaded {
        let source = try registeredSource(task, on: connection)
        let table = source.table
        let firstRowID = try source.firstRowID(split: plan.evaluationSplit)
        do {
            let (renderer, positions) = try await TaskRenderer.load(
                task: task, plan: plan, source: source,
                select: { size throws(ApplicationError) in
                    try DocumentSelection.select(firstID: firstRowID, splitSize: size, qty: request.qty, docIDs: request.docIDs,
                                                 blacklist: request.blacklist, seed: seed, table: table, split: plan.evaluationSplit)
                        .map { $0 - firstRowID }
                },
                options: options, model: model, genKwargsOverride: genKwargs, streamChunk: rowChunk)
            return Loaded(table: table, docIDs: positions.map { $0 + firstRowID }, firstRowID: firstRowID, renderer: renderer,
                          rows: source)
        } catch let error as LMEvalError {
            throw ApplicationError("building prompts for \(task.name): \(error)", type: "LmehGenerator")
        }
    }
}
