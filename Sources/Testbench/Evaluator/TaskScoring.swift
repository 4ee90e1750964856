import Foundation
import JSON
import LMEval
import Python
import Scoring
import WorkflowQueue

/// Which filter pipeline's which metric is a sample's stored score.
///
/// The original kept this as a per-task-family table in code; here it is task data: a task's
/// `metadata.testbench_score: {filter: <filter_list name>, metric: <metric name>}` (any YAML
/// can set it, an including YAML overrides it). Without it: the first filter pipeline of
/// `filter_list` ("none" when the task has none) and the first metric of `metric_list`
/// (lm-eval's default `exact_match` when there is none).
public struct ScoreSelection: Sendable, Equatable, CustomStringConvertible {
    public var filter: String
    public var metric: String
    /// True when the task's `metadata.testbench_score` named it, false for the default.
    public var configured: Bool

    public init(filter: String, metric: String, configured: Bool) {
        self.filter = filter
        self.metric = metric
        self.configured = configured
    }

    public var description: String { "\(filter)/\(metric)\(configured ? "" : " (default)")" }
}

/// A resolved task ready to score generations natively: lm-eval's filters and metrics
/// (`Scoring.TaskScorer`), the selected score, and the task's `doc_to_target`/`doc_to_choice`.
public struct TaskScoring: Sendable {
    public let task: ResolvedTask
    public let scorer: TaskScorer
    public let selection: ScoreSelection
    /// `doc_to_target`/`doc_to_choice` over documents with the given features.
    private let fields: DocumentFields
    /// The field a `doc_to_target` of the form `{{ name }}` prints, when rendering can be skipped.
    private let targetField: String?

    /// Builds the scorer; every unknown filter, metric or `process_results`, and a
    /// `testbench_score` naming a filter or metric the task does not have, is an error here.
    /// - Parameters:
    ///   - root: the task folder `!function`s are taken relative to (for native `process_results`).
    ///   - firstDocument: lm-eval's first evaluation document, which decides whether targets are lists.
    ///   - features: the evaluation documents' column names (a `doc_to_*` naming one returns its raw value).
    public init(task: ResolvedTask, root: String?, firstDocument: JSONObject?, features: Set<String>) throws(ApplicationError) {
        self.task = task
        fields = DocumentFields(task: task, features: features)
        targetField = Self.plainField(task)
        let config = task.config
        let fail = { (message: String) in ApplicationError("task \(task.name): \(message)", type: "LMEH") }
        let spec: ScoringSpec
        do {
            spec = try TaskResolver(root: root).scoringSpec(for: task)
        } catch {
            throw fail(error.message)
        }
        var multipleTarget: Bool?
        if let firstDocument {
            do {
                multipleTarget = try fields.target(firstDocument).arrayValue != nil
            } catch {
                throw fail("doc_to_target of the first document: \(error)")
            }
        }
        do {
            scorer = try TaskScorer(
                taskName: task.name, outputType: spec.outputType.rawValue, filterList: spec.filterList,
                metricList: spec.metricList, processResults: spec.processResults,
                multipleTarget: multipleTarget, hasChoices: spec.hasChoices)
        } catch {
            throw fail(error.message)
        }
        selection = try Self.selection(config: config, scorer: scorer, fail: fail)
    }

    private static func selection(config: TaskConfig, scorer: TaskScorer, fail: (String) -> ApplicationError) throws(ApplicationError) -> ScoreSelection {
        let metricNames = scorer.metrics.map(\.name)
        let selected: ScoreSelection
        if let value = config.metadata?["testbench_score"], !value.isNull {
            guard case let .mapping(mapping) = value, case let .string(filter)? = mapping["filter"], case let .string(metric)? = mapping["metric"] else {
                throw fail("metadata.testbench_score must be a mapping {filter: <filter_list name>, metric: <metric name>}, got \(PythonValue.str(value.json))")
            }
            selected = ScoreSelection(filter: filter, metric: metric, configured: true)
        } else {
            guard let filter = scorer.filterNames.first, let metric = metricNames.first else {
                throw fail("the task has no filter pipeline or no metric to score with")
            }
            selected = ScoreSelection(filter: filter, metric: metric, configured: false)
        }
        guard scorer.filterNames.contains(selected.filter) else {
            throw fail("metadata.testbench_score.filter '\(selected.filter)' is not a filter_list pipeline of the task (it has: \(scorer.filterNames.joined(separator: ", ")))")
        }
        // A native process_results may return metrics beyond metric_list, so only metric_list is checked then.
        guard metricNames.contains(selected.metric) else {
            throw fail("metadata.testbench_score.metric '\(selected.metric)' is not a metric of the task (it has: \(metricNames.joined(separator: ", ")))")
        }
        if selected.metric == "bypass" { throw fail("the bypass metric has no per-sample value; select another metric") }
        return selected
    }

    /// `name` when `doc_to_target` is exactly `{{ name }}` and the task has no `doc_to_choice`: a
    /// string field then renders as itself, so scoring need not run the template for every document.
    static func plainField(_ task: ResolvedTask) -> String? {
        guard task.config.docToChoice == nil, case let .text(source, _, _) = task.docToTarget,
              source.hasPrefix("{{"), source.hasSuffix("}}"), source.count > 4 else { return nil }
        let name = source.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
        guard let first = name.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII),
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        else { return nil }
        return name
    }

    /// The sample lm-eval's `process_results` would see for `doc` (after `process_docs`).
    public func sample(docID: Int, doc: JSONObject, responses: [String]) throws(ApplicationError) -> ScoringSample {
        do {
            let target: JSONValue
            // A string that reads as a list literal goes through lm-eval's parsing in DocumentFields.
            if let name = targetField, case let .string(text)? = doc[name], !text.hasPrefix("[") {
                target = .string(text)
            } else {
                target = try fields.target(doc)
            }
            var choices: [String]?
            if let value = try fields.choices(doc) {
                guard case let .array(items) = value else {
                    throw ApplicationError("doc \(docID): doc_to_choice returned a \(value.typeName), not a list", type: "LMEH")
                }
                choices = items.map { $0.stringValue ?? PythonValue.str($0) }
            }
            return ScoringSample(docID: docID, doc: doc, target: target, choices: choices, responses: responses)
        } catch let error as ApplicationError {
            throw error
        } catch {
            throw ApplicationError("doc \(docID): \(error)", type: "LMEH")
        }
    }

    /// The selected score of a scored sample, or why it has none.
    public func selectedScore(_ score: SampleScore) -> Result<Double, ApplicationError> {
        guard let filtered = score.filter(selection.filter) else {
            return .failure(ApplicationError("doc \(score.docID): filter '\(selection.filter)' gave no result", type: "LMEH"))
        }
        switch filtered.metric(selection.metric) {
        case let .double(d)?: return .success(d)
        case let .int(i)?: return .success(Double(i))
        case let .bool(b)?: return .success(b ? 1 : 0)
        case let value:
            return .failure(ApplicationError("doc \(score.docID): metric '\(selection.metric)' (filter '\(selection.filter)') has no numeric value (\(value.map { PythonValue.str($0) } ?? "missing"))", type: "LMEH"))
        }
    }
}
