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

    public init(services: TestbenchServices) {
        self.services = services
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
        let loaded = try await load(task: task, plan: plan, request: request, seed: seed, options: options, model: model, genKwargs: genKwargs)
        let drew = request.qty.map { $0 > 0 } ?? false
        logger.info("Sampler selected documents", metadata: [
            "task": "\(task.name)", "table": "\(loaded.table)", "split": "\(plan.evaluationSplit)", "documents": "\(loaded.docIDs.count)",
            "random_seed": "\(drew ? String(seed) : "none")",
        ])
        try await progress(["phase": "rendering", "documents": .int(loaded.docIDs.count)])
        let rendering = clock.now

        let taskID = SamplerIDs.taskID(runID: runID)
        let builder = TaskTreeBuilder(
            request: request, form: form, numFewshot: plan.numFewshot, model: model, taskID: taskID, taskName: task.name,
            firstRowID: loaded.firstRowID, seed: drew ? seed : nil,
            timeout: PromptTimeout(service: request.requesterArgs.service, timeouts: services.config.timeouts), creationDate: Date())
        let requestType = task.config.outputType.rawValue
        let renderer = loaded.renderer, positions = loaded.docIDs.map { $0 - loaded.firstRowID }
        // Documents are rendered inside the store's write and handed over one by one (ids ascending):
        // neither side holds the tree, and the store parses while prompts are still being built.
        let stream = TaskTreeStream(taskID: taskID) { sink in
            var builder = builder
            var sinkError: (any Error)?
            do {
                try renderer.renderAscending(docIDs: positions, while: { rendered in
                    let (instances, prompts) = builder.documents(for: rendered)
                    do {
                        for instance in instances { try sink(.instance(instance)) }
                        for prompt in prompts { try sink(.prompt(prompt)) }
                        return true
                    } catch {
                        sinkError = error
                        return false
                    }
                })
            } catch {
                throw ApplicationError("building prompts for \(task.name): \(error)", type: "LmehGenerator")
            }
            if let sinkError { throw sinkError }
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
            throw ApplicationError("Failed to save documents to \(services.documents.kind): \(error)", type: "DocumentStore", cause: error)
        }
        logger.info("Sampler wrote task", metadata: [
            "task_id": "\(taskID.hex)", "task": "\(task.name)", "instances": "\(written.instances)", "prompts": "\(written.prompts)",
            "load_seconds": "\((rendering - started).inSeconds)", "build_and_write_seconds": "\((clock.now - rendering).inSeconds)",
        ])
        return SamplerOutcome(taskID: taskID, taskName: task.name, docIDs: loaded.docIDs, prompts: written.prompts,
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
        var renderer: TaskRenderer
    }

    /// Reads the registration and split ranges, then lets the renderer load what the plan asks
    /// (the selected rows, or whole splits few-shot examples come from) on one connection.
    private func load(
        task: ResolvedTask, plan: RenderPlan, request: SamplerRequest, seed: Int,
        options: PromptOptions, model: APIModelOptions, genKwargs: JSONObject?
    ) async throws -> Loaded {
        do {
            return try await services.postgres.withConnection { connection in
                try await Self.load(task: task, plan: plan, request: request, seed: seed, options: options, model: model,
                                    genKwargs: genKwargs, on: connection)
            }
        } catch let error as ApplicationError {
            throw error
        } catch let error as DatasetError {
            throw ApplicationError("Load Dataset from SQL runs in errors: \(error)", type: "SQLError", cause: error)
        } catch let error as PostgresError {
            throw ApplicationError("Error while connecting to PostgreSQL: \(error)", type: "SQLError", cause: error)
        }
    }

    private static func load(
        task: ResolvedTask, plan: RenderPlan, request: SamplerRequest, seed: Int, options: PromptOptions, model: APIModelOptions,
        genKwargs: JSONObject?, on connection: isolated PostgresConnection
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
                options: options, model: model, genKwargsOverride: genKwargs)
            return Loaded(table: table, docIDs: positions.map { $0 + firstRowID }, firstRowID: firstRowID, renderer: renderer)
        } catch let error as LMEvalError {
            throw ApplicationError("building prompts for \(task.name): \(error)", type: "LmehGenerator")
        }
    }
}
