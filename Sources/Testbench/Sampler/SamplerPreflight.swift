import Datasets
import LMEval
import Postgres
import WorkflowDefinitions

/// The decisions a Sampler run makes before it reads documents, shared by `sample` and the
/// start check, so `workflow start` refuses exactly what the worker would.
extension Sampler {
    /// Checks `request` as `sample` would up to its first document read: framework, prompt form,
    /// one registered task, its render plan, and the doc ids, qty and blacklist against the
    /// evaluation split. Refusals are `ApplicationError`s; database trouble is thrown as it comes.
    public func preflight(_ request: SamplerRequest) async throws {
        try Self.requireFramework(request)
        if request.isSignatures {
            _ = try SignatureTask(named: request.tasks)
            return
        }
        let task = try resolveTask(request.tasks)
        let request = try configured(request, task: task)
        let form = try request.promptForm()
        try Self.requirePromptLogprobs(task, request)
        _ = try request.genKwargsOverride()
        let plan = try Self.renderPlan(task, options: Self.promptOptions(request, form: form))
        try await services.postgres.withConnection { connection in
            let source = try await Self.registeredSource(task, on: connection)
            // Any seed: whether a draw of qty documents is possible does not depend on it.
            let range = try source.range(plan.evaluationSplit)
            _ = try DocumentSelection.select(
                firstID: range.minID, splitSize: range.count, qty: request.qty, docIDs: request.docIDs,
                blacklist: request.blacklist, seed: request.seed ?? 0, table: source.table, split: plan.evaluationSplit)
        }
    }

    /// `request` with the task configuration's arguments for `task` (or for the nearest group holding
    /// it); a task neither has an entry for is refused, as the original refuses it.
    func configured(_ request: SamplerRequest, task: ResolvedTask) throws(ApplicationError) -> SamplerRequest {
        request.applying(try services.taskSettings(for: task.name))
    }

    /// A multiple_choice or loglikelihood task is scored from the prompt's logprobs, which only an
    /// echoed `/v1/completions` returns: chat completions give logprobs of generated tokens only.
    static func requirePromptLogprobs(_ task: ResolvedTask, _ request: SamplerRequest) throws(ApplicationError) {
        guard task.config.outputType != .generateUntil, request.requesterArgs.path != SamplerRequest.completionsPath else { return }
        throw ApplicationError.badParams(
            "task \(task.name) has output_type \(task.config.outputType.rawValue), whose loglikelihoods need prompt logprobs (echo), which only \(SamplerRequest.completionsPath) returns; requester_args.path is \(request.requesterArgs.path)")
    }

    /// The original's dispatch: `"lmeh" in framework` (so `lmeh-generative` is lmeh), or exactly `signatures`.
    static func requireFramework(_ request: SamplerRequest) throws(ApplicationError) {
        guard request.framework.contains("lmeh") || request.isSignatures else {
            throw ApplicationError.badParams("\(request.framework) framework not implemented yet")
        }
    }

    static func promptOptions(_ request: SamplerRequest, form: PromptForm) -> PromptOptions {
        PromptOptions(numFewshot: request.numFewshot, applyChatTemplate: form.applyChatTemplate,
                      fewshotAsMultiturn: form.fewshotAsMultiturn, systemInstruction: request.systemInstruction)
    }

    static func renderPlan(_ task: ResolvedTask, options: PromptOptions) throws(ApplicationError) -> RenderPlan {
        do {
            return try RenderPlan(task: task, options: options)
        } catch {
            throw ApplicationError("task \(task.name) has neither test_split nor validation_split to evaluate", type: "LmehGenerator")
        }
    }

    /// The task's registered dataset table as a document source, or why it cannot be sampled.
    static func registeredSource(_ task: ResolvedTask, on connection: isolated PostgresConnection) throws -> DatasetTableDocuments {
        guard let registration = try TaskRegistry.lookup(task.name, on: connection) else {
            throw ApplicationError(
                "task \(task.name) is not registered: run the Register workflow first (input {\"framework\": \"lmeh\", \"tasks\": \"\(task.name)\"})",
                type: "TaskNotRegistered")
        }
        let table = registration.datasetTableName
        let ranges = try DatasetTable.splitRanges(table, on: connection)
        guard !ranges.isEmpty else { throw ApplicationError("No rows found in table \(table)", type: "SQLError") }
        let source = DatasetTableDocuments(table: table, ranges: ranges, connection: connection)
        try source.requireDeclaredSplits(task.config)
        return source
    }
}
