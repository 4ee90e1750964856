import JSON
import Python
import Scoring

/// Scoring of a multiple_choice, loglikelihood or loglikelihood_rolling task: its scorer, made
/// from the task's metric list and native `process_results`, and each document's gold and choices
/// read as lm-eval's `process_results` reads them.
public struct LoglikelihoodTaskScoring: Sendable {
    public let scorer: LoglikelihoodScorer
    public let fields: DocumentFields
    /// lm-eval's `multiple_input`: the first document's `doc_to_text` is a choice index (winogrande),
    /// so every document's gold is its `doc_to_text`; decided once, as lm-eval decides it.
    public let multipleInput: Bool

    /// Whether `task` is scored from loglikelihoods.
    public static func applies(to task: ResolvedTask) -> Bool { task.config.outputType != .generateUntil }

    /// - Parameter firstDocument: the evaluation split's first document (after `process_docs`),
    ///   from which lm-eval decides `multiple_target` and `multiple_input`.
    public init(task: ResolvedTask, firstDocument: JSONObject, root: String? = nil) throws(LMEvalError) {
        let spec = try TaskResolver(root: root).scoringSpec(for: task)
        let fields = DocumentFields(task: task, features: Set(firstDocument.keys))
        self.fields = fields
        var multipleTarget = false
        var multipleInput = false
        if task.config.outputType == .multipleChoice {
            multipleTarget = try fields.target(firstDocument).arrayValue != nil
            if case .int = try fields.text(firstDocument) { multipleInput = true }
        }
        self.multipleInput = multipleInput
        do {
            scorer = try LoglikelihoodScorer(
                taskName: task.name, outputType: task.config.outputType.rawValue, metricList: spec.metricList,
                multipleTarget: multipleTarget, processResults: spec.processResults)
        } catch {
            throw LMEvalError(.invalidConfig, task: task.name, file: task.reference.file, error.message)
        }
    }

    /// The sample `scorer.score` takes: for multiple_choice the gold (`doc_to_text` for a
    /// `multipleInput` task, as winogrande, else `doc_to_target`) and the choices; for rolling the text.
    public func sample(docID: Int, doc: JSONObject, results: [ContinuationScore]) throws(LMEvalError) -> LoglikelihoodSample {
        switch fields.task.config.outputType {
        case .multipleChoice:
            guard case let .array(items)? = try fields.choices(doc) else {
                throw fields.error(.documents, "doc \(docID): doc_to_choice did not return a list")
            }
            let choices = items.map { item in item.stringValue ?? PythonValue.str(item) }
            let gold = multipleInput ? try fields.text(doc) : try fields.target(doc)
            return LoglikelihoodSample(docID: docID, doc: doc, target: gold, choices: choices, results: results)
        default:
            return LoglikelihoodSample(docID: docID, doc: doc, target: try fields.target(doc), results: results)
        }
    }
}
