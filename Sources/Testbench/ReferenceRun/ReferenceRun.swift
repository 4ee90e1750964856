import Foundation
import JSON
import LMEval
import Scoring
import WorkflowDefinitions

/// Why a reference run could not run: bad options, tasks, data or responses file.
public struct ReferenceRunError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a reference run builds prompts.
public struct ReferenceRunOptions: Sendable {
    /// Task, group or tag names (expanded to tasks).
    public var tasks: [String]
    /// `--data`: see `ReferenceData`.
    public var data: String?
    /// Used when `data` is nil.
    public var datasetsDir: String
    /// At most this many documents per task.
    public var limit: DocumentLimit?
    /// Chat form (`/v1/chat/completions`), lm-eval's `apply_chat_template`.
    public var chat: Bool
    public var fewshotAsMultiturn: Bool
    public var systemInstruction: String?
    public var numFewshot: Int?
    /// Replaces the task's `max_gen_toks` (lm-eval's `--gen_kwargs max_gen_toks=N`).
    public var maxGenToks: Int?
    /// lm-eval's `--gen_kwargs`: updates a generate_until task's generation kwargs (after `maxGenToks`).
    public var genKwargs: JSONObject?
    /// lm-eval's `fewshot_random_seed` (the fourth `--seed` value).
    public var fewshotSeed: Int
    /// The `model` field of request bodies.
    public var model: String

    public init(tasks: [String], data: String? = nil, datasetsDir: String = "datasets", limit: DocumentLimit? = nil, chat: Bool = false,
                fewshotAsMultiturn: Bool = false, systemInstruction: String? = nil, numFewshot: Int? = nil,
                maxGenToks: Int? = nil, genKwargs: JSONObject? = nil, fewshotSeed: Int = 1234, model: String = "testbench-model") {
        self.tasks = tasks
        self.data = data
        self.datasetsDir = datasetsDir
        self.limit = limit
        self.chat = chat
        self.fewshotAsMultiturn = fewshotAsMultiturn
        self.systemInstruction = systemInstruction
        self.numFewshot = numFewshot
        self.maxGenToks = maxGenToks
        self.genKwargs = genKwargs
        self.fewshotSeed = fewshotSeed
        self.model = model
    }

    /// The API the prompts are built for.
    public var api: CompletionAPI { chat ? .chatCompletions : .completions }

    /// What replaces the task's generation kwargs: `maxGenToks`, then `genKwargs`.
    public var genKwargsOverride: JSONObject? {
        var kwargs = JSONObject()
        if let maxGenToks { kwargs["max_gen_toks"] = .int(maxGenToks) }
        for (key, value) in genKwargs ?? JSONObject() { kwargs[key] = value }
        return kwargs.isEmpty ? nil : kwargs
    }
}

/// `--limit`: a number of documents, or (lm-eval's `--limit` below 1) a fraction of the evaluation split.
public enum DocumentLimit: Sendable, Equatable {
    case count(Int)
    case fraction(Double)

    /// lm-eval's reading of `--limit X`: below 1.0 a fraction, else a count (truncated).
    public init?(lmEval value: Double) {
        guard value.isFinite, value > 0 else { return nil }
        self = value < 1 ? .fraction(value) : .count(Int(value))
    }

    /// Documents kept out of a split of `total` (a fraction is rounded up, as lm-eval's `get_sample_size`).
    public func documents(of total: Int) -> Int {
        switch self {
        case let .count(count): max(0, count)
        case let .fraction(fraction): Int((Double(total) * fraction).rounded(.up))
        }
    }
}

/// Where generations come from.
public enum ReferenceResponses: Sendable {
    /// Recorded responses; the documents run are those the file answers (first `limit` by doc id).
    case file(ResponsesFile)
    /// A live server; the documents run are the first `limit` of the evaluation split.
    case endpoint(OpenAIClient.Options)

    /// The responses file, in file mode.
    public var file: ResponsesFile? {
        if case let .file(file) = self { file } else { nil }
    }
}

/// One document under one filter pipeline.
public struct ReferenceSample: Sendable {
    public var task: String
    public var docID: Int
    public var filter: String
    public var response: String
    public var filtered: JSONValue
    public var metrics: [(name: String, value: JSONValue)]
    /// Each instance's `(loglikelihood, is_greedy)` in idx order (loglikelihood tasks; nil for generate_until).
    public var loglikelihoods: [ContinuationScore]? = nil
}

/// A document that got no score: the request failed or the scorer rejected it.
public struct ReferenceFailure: Error, Sendable, Equatable {
    public var task: String
    public var docID: Int
    /// The original's status code for such a sample.
    public var statusCode: Int
    public var message: String
}

/// One task's outcome.
public struct ReferenceTaskResult: Sendable {
    public var task: String
    /// Enclosing groups, outermost first.
    public var groups: [String] = []
    /// As lm-eval's table shows it (alias, else name).
    public var displayName: String
    public var version: JSONValue?
    public var numFewshot: Int
    public var selection: ScoreSelection
    public var rows: [ResultRow]
    public var samples: [ReferenceSample]
    public var failures: [ReferenceFailure]
    /// The documents run, rendered (what lm-eval's samples file shows of each).
    public var documents: [RenderedDocument] = []
    /// Documents in the evaluation split (lm-eval's `n-samples.original`).
    public var evaluationCount = 0
    /// The task's config as lm-eval's `configs` entry shows it.
    public var config: JSONObject = JSONObject()
}

/// Every task's outcome, with the printed table and the `--output` JSON.
public struct ReferenceRunReport: Sendable {
    public var tasks: [ReferenceTaskResult]
    /// The groups the tasks were named through.
    public var groups: [ReferenceGroup] = []

    public init(tasks: [ReferenceTaskResult], groups: [ReferenceGroup] = []) {
        self.tasks = tasks
        self.groups = groups
    }

    /// lm-eval's results table (`make_table`): groups and tasks in its order, each group with its
    /// aggregate rows, members indented (" - "); then, when a group aggregates, lm-eval's group table.
    public var table: String {
        let entries = tableEntries()
        var rows: [ResultTable.Task] = []
        var groupTable: [ResultTable.Task] = []
        for entry in entries {
            let name = Self.indent(entry.depth)
            if let group = entry.group {
                let aggregated = group.aggregates != nil
                let row = ResultTable.Task(name: name + group.displayName, version: aggregated ? group.version : nil, nShot: " ",
                                           rows: groupRows(group), unaggregated: !aggregated)
                rows.append(row)
                if aggregated { groupTable.append(row) }
            } else if let task = entry.task {
                rows.append(ResultTable.Task(name: name + task.displayName, version: task.version, nShot: String(task.numFewshot), rows: task.rows))
            }
        }
        let main = ResultTable.render(rows)
        guard groups.contains(where: { !($0.aggregates ?? []).isEmpty }), !groupTable.isEmpty else { return main }
        return main + "\n" + ResultTable.render(groupTable, column: "Groups")
    }

    /// `{"results": [{task, filter, metric, value, stderr, n}], "samples": [{task, doc_id, filter, response, filtered, metrics}],
    /// "failures": [{task, doc_id, status_code, error}]}`.
    public var json: JSONValue {
        var results: [JSONValue] = []
        var samples: [JSONValue] = []
        var failures: [JSONValue] = []
        for task in tasks {
            for row in task.rows {
                results.append(.object(JSONObject([
                    ("task", .string(task.task)), ("filter", .string(row.filter)), ("metric", .string(row.metric)),
                    ("value", .double(row.value)), ("stderr", row.stderr.map(JSONValue.double) ?? .null), ("n", .int(row.n)),
                ])))
            }
            for sample in task.samples {
                samples.append(.object(JSONObject([
                    ("task", .string(sample.task)), ("doc_id", .int(sample.docID)), ("filter", .string(sample.filter)),
                    ("response", .string(sample.response)), ("filtered", sample.filtered),
                    ("metrics", .object(JSONObject(sample.metrics.map { ($0.name, $0.value) }))),
                ])))
            }
            for failure in task.failures {
                failures.append(.object(JSONObject([
                    ("task", .string(failure.task)), ("doc_id", .int(failure.docID)), ("status_code", .int(failure.statusCode)),
                    ("error", .string(failure.message)),
                ])))
            }
        }
        return .object(JSONObject([("results", .array(results)), ("samples", .array(samples)), ("failures", .array(failures))]))
    }

    /// Failed documents across tasks.
    public var failureCount: Int { tasks.reduce(0) { $0 + $1.failures.count } }
}

/// Runs tasks locally: builds lm-eval's prompts from local documents, takes generations from a
/// responses file or a live OpenAI-compatible server, and scores them with the task's filters and metrics.
public struct ReferenceRunner: Sendable {
    public let index: TaskIndex
    public let options: ReferenceRunOptions

    public init(index: TaskIndex, options: ReferenceRunOptions) {
        self.index = index
        self.options = options
    }

    /// How a task's documents are scored: generations through its filters and metrics, or (multiple_choice,
    /// loglikelihood, loglikelihood_rolling) each instance's loglikelihood through lm-eval's `process_results`.
    enum PreparedScoring {
        case generations(TaskScoring)
        case loglikelihoods(LoglikelihoodTaskScoring, ScoreSelection)

        var selection: ScoreSelection {
            switch self {
            case let .generations(scoring): scoring.selection
            case let .loglikelihoods(_, selection): selection
            }
        }
    }

    struct Prepared {
        var task: ResolvedTask
        var groups: [String]
        var scoring: PreparedScoring
        var renderer: TaskRenderer
        var features: Set<String>
        var documents: [RenderedDocument]
        /// Recorded responses by doc id (file mode, generate_until).
        var recorded: [Int: String]?
        /// Recorded loglikelihoods by doc id, in idx order (file mode, loglikelihood tasks).
        var recordedLoglikelihoods: [Int: [ContinuationScore]]?
    }

    /// Runs every task. Everything that can be checked (tasks, data, responses file) is checked
    /// before the first request; a failed request is a failed document, not an error.
    public func run(_ responses: ReferenceResponses, progress: @Sendable (String, Int) -> ProgressReporter? = { _, _ in nil }) async throws(ReferenceRunError) -> ReferenceRunReport {
        let references: [TaskReference]
        do { references = try index.expand(options.tasks) } catch { throw ReferenceRunError("\(error)") }
        guard !references.isEmpty else { throw ReferenceRunError("no tasks named") }
        if case let .file(file) = responses {
            let known = Set(references.map(\.name))
            if let stray = file.taskNames.first(where: { !known.contains($0) }) {
                throw ReferenceRunError("--responses \(file.path) has responses for task \(stray), which is not among the tasks run (\(known.sorted().joined(separator: ", ")))")
            }
        }
        var prepared: [Prepared] = []
        for reference in references {
            prepared.append(try prepare(reference, responses: responses, singleTask: references.count == 1))
        }
        var results: [ReferenceTaskResult] = []
        for task in prepared {
            switch task.scoring {
            case let .generations(scoring):
                let replies = await generations(task, responses: responses, progress: progress)
                results.append(try score(task, scoring: scoring, replies: replies))
            case let .loglikelihoods(scoring, selection):
                let replies = await loglikelihoods(task, responses: responses, progress: progress)
                results.append(try score(task, scoring: scoring, selection: selection, replies: replies))
            }
        }
        var groups: [ReferenceGroup] = []
        for name in Set(references.flatMap(\.groups)).sorted() {
            let config = index.entry(name)?.kind == .group ? (try? index.mergedConfig(of: name))?.json : nil
            groups.append(try ReferenceGroup(name: name, config: config))
        }
        return ReferenceRunReport(tasks: results, groups: groups)
    }

    private func prepare(_ reference: TaskReference, responses: ReferenceResponses, singleTask: Bool) throws(ReferenceRunError) -> Prepared {
        let task: ResolvedTask
        do { task = try index.resolve(reference) } catch { throw ReferenceRunError("\(error)") }
        let documents = try ReferenceData.documents(for: task, data: options.data, datasetsDir: options.datasetsDir, singleTask: singleTask)
        let promptOptions = PromptOptions(numFewshot: options.numFewshot, applyChatTemplate: options.chat,
                                          fewshotAsMultiturn: options.fewshotAsMultiturn, systemInstruction: options.systemInstruction,
                                          fewshotSeed: options.fewshotSeed)
        let renderer: TaskRenderer
        do {
            renderer = try TaskRenderer(task: task, documents: documents, options: promptOptions, model: APIModelOptions(model: options.model),
                                        genKwargsOverride: options.genKwargsOverride)
        } catch {
            throw ReferenceRunError("\(error)")
        }
        var features = Set<String>()
        for doc in renderer.evaluationDocuments { features.formUnion(doc.keys) }
        let root = reference.file.flatMap { file in index.folders.first { file.hasPrefix($0 + "/") } } ?? index.folders.first
        let scoring: PreparedScoring
        if LoglikelihoodTaskScoring.applies(to: task) {
            if options.chat {
                throw ReferenceRunError("task \(task.name) is \(task.config.outputType.rawValue): its loglikelihoods come from /v1/completions prompt logprobs (echo), which /v1/chat/completions (--chat) cannot return; run it without --chat")
            }
            guard let first = renderer.evaluationDocuments.first else { throw ReferenceRunError("task \(task.name) has no documents in split \(renderer.evaluationSplit)") }
            let loglikelihood: LoglikelihoodTaskScoring
            do { loglikelihood = try LoglikelihoodTaskScoring(task: task, firstDocument: first, root: root) } catch { throw ReferenceRunError(error.message) }
            do {
                let selection = try LoglikelihoodEvaluation.selection(settings: nil, scorer: loglikelihood.scorer) { ApplicationError("task \(task.name): \($0)", type: "LMEH") }
                scoring = .loglikelihoods(loglikelihood, selection)
            } catch {
                throw ReferenceRunError(error.message)
            }
        } else {
            do {
                scoring = .generations(try TaskScoring(task: task, root: root, firstDocument: renderer.evaluationDocuments.first, features: features))
            } catch {
                throw ReferenceRunError(error.message)
            }
        }
        let count = renderer.evaluationDocuments.count
        var ids: [Int]
        var recorded: [Int: String]?
        var recordedScores: [Int: [Int: ContinuationScore]]?
        switch responses {
        case let .file(file):
            let answered: [Int]
            if case .loglikelihoods = scoring {
                let scores = try file.loglikelihoods(for: task.name, singleTask: singleTask)
                guard !scores.isEmpty else {
                    let hint = (try? file.responses(for: task.name, singleTask: singleTask))?.isEmpty == false
                        ? " (its lines give \"response\" text; a \(task.config.outputType.rawValue) task is scored from {\"doc_id\", \"idx\", \"loglikelihood\", \"is_greedy\"} lines)" : ""
                    throw ReferenceRunError("--responses \(file.path) has no loglikelihoods for task \(task.name)\(hint)")
                }
                answered = scores.keys.sorted()
                recordedScores = scores
            } else {
                let answers = try file.responses(for: task.name, singleTask: singleTask)
                guard !answers.isEmpty else {
                    let hint = (try? file.loglikelihoods(for: task.name, singleTask: singleTask))?.isEmpty == false
                        ? " (its lines give loglikelihoods; a generate_until task is scored from {\"doc_id\", \"response\"} lines)" : ""
                    throw ReferenceRunError("--responses \(file.path) has no responses for task \(task.name)\(hint)")
                }
                answered = answers.keys.sorted()
                recorded = answers
            }
            if let outside = answered.first(where: { $0 >= count }) {
                throw ReferenceRunError("--responses \(file.path): doc \(outside) of \(task.name) is outside its \(count) documents (split \(renderer.evaluationSplit))")
            }
            ids = answered
        case .endpoint:
            ids = Array(0..<count)
        }
        if let limit = options.limit { ids = Array(ids.prefix(limit.documents(of: count))) }
        let rendered: [RenderedDocument]
        do { rendered = try renderer.render(docIDs: ids) } catch { throw ReferenceRunError("\(error)") }
        var recordedLoglikelihoods: [Int: [ContinuationScore]]?
        if let recordedScores, let file = responses.file {
            recordedLoglikelihoods = try Self.instanceScores(recordedScores, documents: rendered, task: task.name, path: file.path)
        }
        return Prepared(task: task, groups: reference.groups, scoring: scoring, renderer: renderer, features: features, documents: rendered,
                        recorded: recorded, recordedLoglikelihoods: recordedLoglikelihoods)
    }

    /// A recorded document's loglikelihoods in idx order; a document must give exactly its instances' idx values.
    static func instanceScores(_ recorded: [Int: [Int: ContinuationScore]], documents: [RenderedDocument], task: String,
                               path: String) throws(ReferenceRunError) -> [Int: [ContinuationScore]] {
        var out: [Int: [ContinuationScore]] = [:]
        for document in documents {
            guard let byIdx = recorded[document.docID] else { continue }
            let expected = document.instances.map(\.idx)
            if let stray = byIdx.keys.sorted().first(where: { !expected.contains($0) }) {
                throw ReferenceRunError("--responses \(path): doc \(document.docID) of \(task) has no instance idx \(stray) (its \(expected.count) instances are idx 0–\(expected.count - 1))")
            }
            var scores: [ContinuationScore] = []
            for idx in expected {
                guard let score = byIdx[idx] else {
                    throw ReferenceRunError("--responses \(path): doc \(document.docID) of \(task) has no loglikelihood for idx \(idx) (it needs one for each of its \(expected.count) instances)")
                }
                scores.append(score)
            }
            out[document.docID] = scores
        }
        return out
    }

    /// Each document's generation: recorded, or from a live server.
    private func generations(_ task: Prepared, responses: ReferenceResponses,
                             progress: @Sendable (String, Int) -> ProgressReporter?) async -> [Int: Result<String, ReferenceFailure>] {
        var replies: [Int: Result<String, ReferenceFailure>] = [:]
        switch responses {
        case .file:
            for document in task.documents { replies[document.docID] = task.recorded?[document.docID].map { .success($0) } }
        case let .endpoint(clientOptions):
            let client = OpenAIClient(options: clientOptions)
            var bodies: [JSONObject] = []
            for document in task.documents {
                var body = document.request
                body["model"] = .string(options.model)
                bodies.append(body)
            }
            let answers = await client.complete(bodies, progress: progress(task.task.name, bodies.count))
            for (document, answer) in zip(task.documents, answers) {
                switch answer {
                case let .success(reply): replies[document.docID] = .success(reply.text)
                case let .failure(failure):
                    replies[document.docID] = .failure(ReferenceFailure(task: task.task.name, docID: document.docID,
                                                                        statusCode: failure.statusCode, message: failure.description))
                }
            }
        }
        return replies
    }

    /// Each document's instance loglikelihoods: recorded, or scored from a live server's echoed prompt logprobs.
    private func loglikelihoods(_ task: Prepared, responses: ReferenceResponses,
                                progress: @Sendable (String, Int) -> ProgressReporter?) async -> [Int: Result<[ContinuationScore], ReferenceFailure>] {
        var replies: [Int: Result<[ContinuationScore], ReferenceFailure>] = [:]
        switch responses {
        case .file:
            for document in task.documents {
                if let scores = task.recordedLoglikelihoods?[document.docID] { replies[document.docID] = .success(scores) }
            }
        case let .endpoint(clientOptions):
            let client = OpenAIClient(options: clientOptions)
            var bodies: [JSONObject] = []
            for document in task.documents {
                for var body in document.requests {
                    body["model"] = .string(options.model)
                    bodies.append(body)
                }
            }
            var answers = await client.complete(bodies, progress: progress(task.task.name, bodies.count))[...]
            for document in task.documents {
                let mine = answers.prefix(document.instances.count)
                answers = answers.dropFirst(document.instances.count)
                replies[document.docID] = Self.scores(of: document, answers: Array(mine), task: task.task.name)
            }
        }
        return replies
    }

    /// A document's instance loglikelihoods from the server's echoed bodies, or the first failure.
    static func scores(of document: RenderedDocument, answers: [Result<CompletionReply, RequestFailure>], task: String) -> Result<[ContinuationScore], ReferenceFailure> {
        var scores: [ContinuationScore] = []
        for (instance, answer) in zip(document.instances, answers) {
            let reply: CompletionReply
            switch answer {
            case let .success(value): reply = value
            case let .failure(failure):
                return .failure(ReferenceFailure(task: task, docID: document.docID, statusCode: failure.statusCode, message: failure.description))
            }
            let fail = { (code: Int, message: String) in
                Result<[ContinuationScore], ReferenceFailure>.failure(ReferenceFailure(task: task, docID: document.docID, statusCode: code, message: "idx \(instance.idx): \(message)"))
            }
            guard let span = instance.scoredSpan else { return fail(CompletionBody.Code.evaluation, "not a loglikelihood instance") }
            switch CompletionBody.continuationScore(reply.body, context: span.context, continuation: span.continuation) {
            case let .success(score): scores.append(score)
            case let .failure(failure): return fail(failure.code, failure.error)
            }
        }
        return .success(scores)
    }

    private func score(_ task: Prepared, scoring: LoglikelihoodTaskScoring, selection: ScoreSelection,
                       replies: [Int: Result<[ContinuationScore], ReferenceFailure>]) throws(ReferenceRunError) -> ReferenceTaskResult {
        var items: [[(name: String, item: LoglikelihoodItem)]] = []
        var samples: [ReferenceSample] = []
        var failures: [ReferenceFailure] = []
        let name = task.task.name
        for document in task.documents {
            guard let reply = replies[document.docID] else { continue }
            let results: [ContinuationScore]
            switch reply {
            case let .success(value): results = value
            case let .failure(failure):
                failures.append(failure)
                continue
            }
            do {
                let scored = try scoring.scorer.score(try scoring.sample(docID: document.docID, doc: document.doc, results: results))
                items.append(scored)
                let filtered = JSONValue.array(results.map { .array([.double($0.loglikelihood), $0.isGreedy.map(JSONValue.bool) ?? .null]) })
                samples.append(ReferenceSample(task: name, docID: document.docID, filter: "none", response: "", filtered: filtered,
                                               metrics: scored.map { ($0.name, $0.item.json) }, loglikelihoods: results))
            } catch let error as ScoringError where error.kind == .configuration {
                throw ReferenceRunError(error.description)
            } catch let error as ScoringError {
                failures.append(ReferenceFailure(task: name, docID: document.docID, statusCode: CompletionBody.Code.evaluation, message: error.message))
            } catch let error as LMEvalError {
                failures.append(ReferenceFailure(task: name, docID: document.docID, statusCode: CompletionBody.Code.evaluation, message: error.message))
            } catch {
                failures.append(ReferenceFailure(task: name, docID: document.docID, statusCode: CompletionBody.Code.evaluation, message: "\(error)"))
            }
        }
        let rows: [ResultRow]
        do { rows = try scoring.scorer.aggregate(items) } catch { throw ReferenceRunError(error.description) }
        return result(task, selection: selection, rows: rows, samples: samples, failures: failures)
    }

    private func result(_ task: Prepared, selection: ScoreSelection, rows: [ResultRow], samples: [ReferenceSample],
                        failures: [ReferenceFailure]) -> ReferenceTaskResult {
        let config = task.task.config
        // lm-eval writes the few-shot count it used into the task's config.
        var effective = config
        effective.numFewshot = task.renderer.numFewshot
        return ReferenceTaskResult(
            task: task.task.name, groups: task.groups, displayName: config.taskAlias ?? task.task.name, version: config.metadata?["version"]?.json,
            numFewshot: task.renderer.numFewshot, selection: selection, rows: rows, samples: samples, failures: failures,
            documents: task.documents, evaluationCount: task.renderer.evaluationDocuments.count, config: effective.json)
    }

    private func score(_ task: Prepared, scoring: TaskScoring, replies: [Int: Result<String, ReferenceFailure>]) throws(ReferenceRunError) -> ReferenceTaskResult {
        var scores: [SampleScore] = []
        var samples: [ReferenceSample] = []
        var failures: [ReferenceFailure] = []
        let name = task.task.name
        for document in task.documents {
            guard let reply = replies[document.docID] else { continue }
            let text: String
            switch reply {
            case let .success(value): text = value
            case let .failure(failure):
                failures.append(failure)
                continue
            }
            do {
                let sample = try scoring.sample(docID: document.docID, doc: document.doc, responses: [text])
                let score = try scoring.scorer.score(sample)
                scores.append(score)
                for filter in score.filters {
                    samples.append(ReferenceSample(task: name, docID: document.docID, filter: filter.filter, response: text,
                                                   filtered: filter.filtered, metrics: filter.metrics))
                }
            } catch let error as ScoringError where error.kind == .configuration {
                throw ReferenceRunError(error.description)
            } catch let error as ScoringError {
                failures.append(ReferenceFailure(task: name, docID: document.docID, statusCode: CompletionBody.Code.evaluation, message: error.message))
            } catch {
                failures.append(ReferenceFailure(task: name, docID: document.docID, statusCode: CompletionBody.Code.evaluation, message: "\(error)"))
            }
        }
        let rows: [ResultRow]
        do { rows = try scoring.scorer.aggregate(scores) } catch { throw ReferenceRunError(error.description) }
        return result(task, selection: scoring.selection, rows: rows, samples: samples, failures: failures)
    }
}
