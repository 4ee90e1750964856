import ExtendedJSON
import Foundation
import JSON
import LMEval
import Logging
import Scoring
import WorkflowDefinitions

/// What an evaluation wrote, as the workflow result.
public struct EvaluatorOutcome: Sendable, Equatable {
    public var taskID: ObjectID
    public var taskName: String
    public var status: Int
    public var numSamples: Int
    public var scored: Int
    public var failed: Int
    public var unanswered: Int
    public var selection: ScoreSelection?
    public var meanScore: Double?
    /// lm-eval's score table for the scored documents: every filter × metric, with stderr.
    public var table: ResultTable.Task?

    /// `{"task_id", "task", "status", "num_samples", "scored", "failed", "unanswered", "filter", "metric", "mean_score",
    /// "results": [{"filter", "metric", "value", "stderr", "n"}], "n_shot", "version"}`.
    public var json: JSONValue {
        .object(JSONObject([
            ("task_id", .string(taskID.hex)), ("task", .string(taskName)), ("status", .int(status)),
            ("num_samples", .int(numSamples)), ("scored", .int(scored)), ("failed", .int(failed)),
            ("unanswered", .int(unanswered)), ("filter", selection.map { .string($0.filter) } ?? .null),
            ("metric", selection.map { .string($0.metric) } ?? .null), ("mean_score", meanScore.map(JSONValue.double) ?? .null),
            ("results", .array((table?.rows ?? []).map { row in
                .object(JSONObject([
                    ("filter", .string(row.filter)), ("metric", .string(row.metric)), ("value", .double(row.value)),
                    ("stderr", row.stderr.map(JSONValue.double) ?? .null), ("n", .int(row.n)),
                ]))
            })),
            ("n_shot", table.map { .string($0.nShot) } ?? .null), ("version", table?.version ?? .null),
        ]))
    }

    /// lm-eval's table for evaluations given as `json` (workflow results), in order; an error names what is not one.
    public static func renderTable(_ results: [JSONValue]) throws(ApplicationError) -> String {
        var tasks: [ResultTable.Task] = []
        for result in results {
            guard let name = result["task"]?.stringValue, let rows = result["results"]?.arrayValue else {
                throw ApplicationError("not an Evaluator result (no \"task\" and \"results\"): \(result.serialized())", type: "BadParams")
            }
            tasks.append(ResultTable.Task(
                name: name, version: result["version"].flatMap { $0 == .null ? nil : $0 }, nShot: result["n_shot"]?.stringValue ?? "",
                rows: rows.compactMap { row in
                    guard let filter = row["filter"]?.stringValue, let metric = row["metric"]?.stringValue,
                          let value = row["value"]?.doubleValue, let n = row["n"]?.intValue else { return nil }
                    return ResultRow(filter: filter, metric: metric, value: value, stderr: row["stderr"]?.doubleValue, n: n, higherIsBetter: nil)
                }))
        }
        return ResultTable.render(tasks)
    }
}

/// The Evaluator's work, independent of the workflow queue: load the task tree and its responses,
/// score natively, then write the `results` document and mark the task evaluated in one atomic
/// step (a retry replaces the result). Bad input (no such task, another framework) writes nothing;
/// an lmeh task that cannot be evaluated is dropped as the original drops it (`drop`).
public struct Evaluator: Sendable {
    public let services: TestbenchServices

    public init(services: TestbenchServices) {
        self.services = services
    }

    /// Evaluates the task `input` names; throws an `ApplicationError`, or what `progress` throws.
    /// `progress` receives phase updates (the activity turns them into heartbeats, which throw
    /// once the run is cancelled: nothing is written after that).
    public func evaluate(
        _ input: EvaluatorInput, logger: Logger, now: @Sendable () -> Date = Date.init,
        progress: @Sendable (JSONValue) async throws -> Void = { _ in }
    ) async throws -> EvaluatorOutcome {
        let store = services.documents
        let taskID = input.taskID
        guard let task = try await read({ () async throws(DocumentStoreError) in try await store.task(id: taskID) }) else {
            throw ApplicationError("task \(taskID.hex) does not exist in the \(store.kind) document store", type: "TaskNotFound")
        }
        let framework = task["framework"]?.stringValue ?? ""
        if framework == "signatures" {
            return try await evaluateSignature(task, taskID: taskID, logger: logger, now: now, progress: progress)
        }
        guard framework.contains("lmeh") else {
            throw ApplicationError.badParams("task \(taskID.hex) was sampled by framework '\(framework)'; this evaluator scores lmeh and signatures tasks")
        }
        do {
            return try await evaluateLMEH(task, taskID: taskID, logger: logger, now: now, progress: progress)
        } catch let error as ApplicationError where error.nonRetryable {
            try await drop(taskID: taskID, because: error, logger: logger, now: now)
            throw error
        }
    }

    /// The original's failure path for a task that cannot be evaluated: `drop: true` and an empty
    /// result with status 12 (`EVALUATION_ERROR`), so the manager cleans the task up.
    func drop(taskID: ObjectID, because cause: ApplicationError, logger: Logger, now: () -> Date) async throws {
        let result = JSONObject([
            ("_id", .objectID(EvaluatorIDs.resultID(task: taskID))),
            ("result_data", .object(JSONObject([
                ("_id", .objectID(EvaluatorIDs.resultDataID(task: taskID))), ("task_id", .objectID(taskID)), ("num_samples", 0),
                ("status", .int(CompletionBody.Code.evaluation)), ("result_height", -1), ("result_time", .date(now())),
            ]))),
            ("scores", []),
        ])
        do {
            try await services.documents.dropTask(result, taskID: taskID)
        } catch {
            throw ApplicationError("Failed to mark task to drop (\(error.message)) after: \(cause.message)", type: "DocumentStore", cause: error)
        }
        logger.warning("Evaluator dropped task", metadata: ["task_id": "\(taskID.hex)", "type": "\(cause.type)", "error": "\(cause.message)"])
    }

    private func evaluateLMEH(
        _ task: JSONObject, taskID: ObjectID, logger: Logger, now: @Sendable () -> Date,
        progress: @Sendable (JSONValue) async throws -> Void
    ) async throws -> EvaluatorOutcome {
        let store = services.documents
        let path = task["requester_args"]?["path"]?.stringValue ?? CompletionAPI.chatCompletions.rawValue
        guard let api = CompletionAPI(path: path) else {
            throw ApplicationError("Unsupported path for LLM API: task \(taskID.hex) has requester_args.path '\(path)' (expected /v1/completions or /v1/chat/completions)",
                                 type: "UnsupportedPath")
        }
        if task["done"]?.boolValue != true {
            logger.warning("Evaluator: task is not done; evaluating the responses there are", metadata: ["task_id": "\(taskID.hex)"])
        }
        let instances = try await read { () async throws(DocumentStoreError) in try await store.instances(taskID: taskID) }
        let prompts = try await read { () async throws(DocumentStoreError) in try await store.prompts(taskID: taskID) }
        let responses = try await read { () async throws(DocumentStoreError) in try await store.responses(taskID: taskID) }
        guard let taskName = instances.first?["task_name"]?.stringValue ?? task["tasks"]?.stringValue else {
            throw ApplicationError("task \(taskID.hex) has no instances to evaluate", type: "LMEH")
        }
        try await progress(["phase": "scoring", "instances": .int(instances.count), "responses": .int(responses.count)])
        let (resolved, root) = try resolve(taskName)
        let settings = try services.taskSettings(for: resolved.name)
        let result = try TaskEvaluation.run(taskID: taskID, api: api, task: resolved, root: root, settings: settings, instances: instances,
                                            prompts: prompts, responses: responses, resultTime: now())
        try await progress(["phase": "writing", "scored": .int(result.scored)])
        do {
            try await store.saveResult(result.document, taskID: taskID)
        } catch {
            throw ApplicationError("Failed to save the result to \(store.kind): \(error.message)", type: "DocumentStore", cause: error)
        }
        logger.info("Evaluator wrote result", metadata: [
            "task_id": "\(taskID.hex)", "task": "\(taskName)", "status": "\(result.status)", "scored": "\(result.scored)",
            "failed": "\(result.failed)", "unanswered": "\(result.unanswered)", "score": "\(result.selection?.description ?? "-")",
        ])
        let numSamples = result.document["result_data"]?["num_samples"]?.intValue ?? 0
        let nShot = task["num_fewshot"]?.intValue ?? resolved.config.numFewshot ?? 0
        let table = result.rows.isEmpty ? nil : ResultTable.Task(
            name: resolved.config.taskAlias ?? taskName, version: resolved.config.metadata?["version"]?.json, nShot: String(nShot), rows: result.rows)
        return EvaluatorOutcome(taskID: taskID, taskName: taskName, status: result.status, numSamples: numSamples, scored: result.scored,
                                failed: result.failed, unanswered: result.unanswered, selection: result.selection, meanScore: result.meanScore,
                                table: table)
    }

    /// A `signatures` task: the original's tokenizer, config or identity evaluation. A task that
    /// cannot be evaluated gets the original's failed result (status 11) and fails non-retryably.
    private func evaluateSignature(
        _ task: JSONObject, taskID: ObjectID, logger: Logger, now: @Sendable () -> Date,
        progress: @Sendable (JSONValue) async throws -> Void
    ) async throws -> EvaluatorOutcome {
        let store = services.documents
        let name = task["tasks"]?.stringValue ?? ""
        guard let signatureTask = SignatureTask(rawValue: name) else {
            throw ApplicationError.badParams("Task \(name) of framework signatures is not implemented yet.")
        }
        let responses = try await read { () async throws(DocumentStoreError) in try await store.responses(taskID: taskID) }
        try await progress(["phase": "scoring", "responses": .int(responses.count)])
        let output: SignatureEvaluation.Output
        do {
            output = try SignatureEvaluation.evaluate(signatureTask, taskID: taskID, responses: responses, resultTime: now())
        } catch {
            try await progress(["phase": "writing"])
            try await saveSignature(SignatureEvaluation.failedResult(taskID: taskID, resultTime: now()), taskID: taskID, entry: nil)
            throw ApplicationError("Failed to process evaluation.: \(error.message)", type: "EvalError")
        }
        try await progress(["phase": "writing"])
        try await saveSignature(output.result, taskID: taskID, entry: output.entry)
        let signatures = output.result["signatures"]?.arrayValue ?? []
        let good = signatures.filter { $0["status_code"] == 0 }.count
        logger.info("Evaluator wrote signature result", metadata: [
            "task_id": "\(taskID.hex)", "task": "\(name)", "signatures": "\(signatures.count)", "ok": "\(good)",
            "registry": "\(output.entry.map { "\($0.collection.rawValue) \($0.hash)" } ?? "-")",
        ])
        return EvaluatorOutcome(taskID: taskID, taskName: name, status: output.result["result_data"]?["status"]?.intValue ?? 0,
                                numSamples: output.result["result_data"]?["num_samples"]?.intValue ?? 0, scored: good,
                                failed: signatures.count - good, unanswered: 0, selection: nil, meanScore: nil, table: nil)
    }

    private func saveSignature(_ result: JSONObject, taskID: ObjectID, entry: SignatureEntry?) async throws {
        do {
            try await services.documents.saveSignatureResult(result, taskID: taskID, entry: entry)
        } catch {
            throw ApplicationError("Failed to save Result to \(services.documents.kind): \(error.message)", type: "DocumentStore", cause: error)
        }
    }

    /// The lm-eval task the instances were built from, and the task folder it was indexed under.
    func resolve(_ name: String) throws(ApplicationError) -> (ResolvedTask, String?) {
        do {
            let index = try services.taskIndex()
            let references = try index.expand([name])
            guard references.count == 1, let reference = references.first else {
                throw ApplicationError("task '\(name)' names \(references.count) tasks; an evaluation scores one", type: "LMEH")
            }
            let root = reference.file.flatMap { file in index.folders.first { file.hasPrefix($0 + "/") } } ?? index.folders.first
            return (try index.resolve(reference), root)
        } catch let error as ApplicationError {
            throw error
        } catch {
            throw ApplicationError("task '\(name)' cannot be loaded for scoring: \(error)", type: "LMEH")
        }
    }

    private func read<T: Sendable>(_ body: () async throws(DocumentStoreError) -> T) async throws(ApplicationError) -> T {
        do {
            return try await body()
        } catch {
            throw ApplicationError("reading from the \(services.documents.kind) document store: \(error.message)", type: "DocumentStore",
                                 cause: error)
        }
    }
}
