import JSON
import LMEval
import Scoring
import WorkflowDefinitions

/// The Evaluator's scoring of multiple_choice, loglikelihood and loglikelihood_rolling tasks: each
/// instance's response is a `/v1/completions` echo whose prompt logprobs give the continuation's
/// loglikelihood (`EchoLogprobs`), and lm-eval's `process_results` and aggregations
/// (`LoglikelihoodScorer`) turn a document's instances into its metrics.
enum LoglikelihoodEvaluation {
    /// What `TaskEvaluation.run` stores and reports.
    struct Outcome {
        var scores: [JSONObject] = []
        var failures: [JSONObject] = []
        var values: [Double] = []
        var unanswered = 0
        var rows: [ResultRow] = []
        var selection: ScoreSelection?
    }

    static func run(task: ResolvedTask, root: String?, settings: TaskSettings?, join: TaskEvaluation.Join) throws(ApplicationError) -> Outcome {
        var outcome = Outcome()
        guard let first = join.documents.first else { return outcome }
        let fail = { (message: String) in ApplicationError("task \(task.name): \(message)", type: "LMEH") }
        let scoring: LoglikelihoodTaskScoring
        do {
            scoring = try LoglikelihoodTaskScoring(task: task, firstDocument: first.doc, root: root)
        } catch {
            throw fail(error.message)
        }
        let selection = try selection(settings: settings, scorer: scoring.scorer, fail: fail)
        outcome.selection = selection
        var items: [[(name: String, item: LoglikelihoodItem)]] = []
        for document in join.documents {
            switch results(of: document) {
            case .unanswered:
                outcome.unanswered += 1
            case let .failed(code, error):
                outcome.failures.append(TaskEvaluation.scoreEntry(score: 0, docID: document.docID, runTime: 0, code: code, error: error))
            case let .scored(results, runTime):
                do {
                    let sample = try scoring.sample(docID: document.docID, doc: document.doc, results: results)
                    let scored = try scoring.scorer.score(sample)
                    var selected: [Double] = []
                    for metric in selection.metrics {
                        guard let item = scored.first(where: { $0.name == metric })?.item else {
                            throw fail("the selected metric '\(metric)' is not among the document's metrics (\(scored.map(\.name).joined(separator: ", ")))")
                        }
                        selected.append(value(item))
                    }
                    items.append(scored)
                    outcome.values.append(selected[0])
                    for value in selected {
                        outcome.scores.append(TaskEvaluation.scoreEntry(score: value, docID: document.docID, runTime: runTime, code: 0, error: ""))
                    }
                } catch let error as ApplicationError {
                    throw error
                } catch let error as ScoringError where error.kind == .configuration {
                    throw ApplicationError(error.description, type: "LMEH")
                } catch {
                    let message = (error as? ScoringError)?.message ?? (error as? LMEvalError)?.message ?? "\(error)"
                    outcome.failures.append(TaskEvaluation.scoreEntry(score: 0, docID: document.docID, runTime: 0,
                                                                      code: CompletionBody.Code.evaluation, error: message))
                }
            }
        }
        if !items.isEmpty {
            do {
                outcome.rows = try scoring.scorer.aggregate(items)
            } catch {
                throw ApplicationError(error.description, type: "LMEH")
            }
        }
        return outcome
    }

    /// The configured metrics (the table's filters must include lm-eval's "none", the only pipeline
    /// these tasks have), else the task's first metric.
    static func selection(settings: TaskSettings?, scorer: LoglikelihoodScorer, fail: (String) -> ApplicationError) throws(ApplicationError) -> ScoreSelection {
        let names = scorer.metrics.map(\.name)
        guard let settings else {
            guard let metric = names.first else { throw fail("the task has no metric to score with") }
            return ScoreSelection(filters: ["none"], metrics: [metric], configured: false)
        }
        guard settings.filters.contains("none") else {
            throw fail("the task configuration selects filters \(settings.filters.joined(separator: ", ")), and a \(scorer.kind.rawValue) task has only 'none'")
        }
        if scorer.processResults == nil, let missing = settings.metrics.first(where: { !names.contains($0) }) {
            throw fail("the task configuration selects metric '\(missing)', which is not a metric of the task (it has: \(names.joined(separator: ", ")))")
        }
        guard !settings.metrics.isEmpty else { throw fail("the task configuration selects no metric") }
        return ScoreSelection(filters: ["none"], metrics: settings.metrics, configured: true)
    }

    /// The stored per-document score of an item: the number; a weighted pair's loglikelihood; the
    /// probability a Brier item gives the gold choice; 1 for a (gold, pred) pair that agrees, else 0.
    static func value(_ item: LoglikelihoodItem) -> Double {
        switch item {
        case let .number(value, _): value
        case let .weighted(loglikelihood, _): loglikelihood
        case let .brier(gold, probabilities):
            probabilities.indices.contains(gold) ? probabilities[gold] : 0
        // f1 and mcc exist only over the whole task; a document's share is whether it was classified right.
        case let .classified(gold, pred): gold == pred ? 1 : 0
        }
    }

    enum DocumentResults {
        case unanswered
        case failed(code: Int, error: String)
        case scored([ContinuationScore], runTime: Double)
    }

    /// The continuation score of each of the document's instances, from its (first) prompt's response.
    static func results(of document: TaskEvaluation.Join.Document) -> DocumentResults {
        var results: [ContinuationScore] = []
        var runTime = 0.0
        for instance in document.instances {
            guard let response = instance.responses.first ?? nil else { return .unanswered }
            guard TaskEvaluation.isSuccess(response) else {
                let code = response["error_code"]?.intValue ?? 0
                return .failed(code: code == 0 ? 1 : code, error: response["error"]?.stringValue ?? "")
            }
            guard case let .array(arguments)? = instance.arguments else {
                return .failed(code: CompletionBody.Code.evaluation, error: "instance of doc \(document.docID) has no arguments")
            }
            let context: String, continuation: String
            switch (arguments.first?.stringValue, arguments.count > 1 ? arguments[1].stringValue : nil) {
            case let (given?, following?): (context, continuation) = (given, following)
            case let (text?, nil): (context, continuation) = ("", text)
            default: return .failed(code: CompletionBody.Code.evaluation, error: "instance of doc \(document.docID) has no string arguments")
            }
            guard case let .string(raw)? = response["response"] else {
                return .failed(code: CompletionBody.Code.evaluation, error: "the response document has no 'response' string")
            }
            switch CompletionBody.continuationScore(raw, context: context, continuation: continuation) {
            case let .success(score): results.append(score)
            case let .failure(failure): return .failed(code: failure.code, error: "the supplier's response: " + failure.error)
            }
            runTime += response["ms"]?.doubleValue ?? 0
        }
        return .scored(results, runTime: runTime)
    }
}
