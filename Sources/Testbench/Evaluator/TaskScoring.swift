import Foundation
import JSON
import LMEval
import Python
import Scoring
import WorkflowDefinitions

/// Which filter pipelines' which metrics are a sample's stored scores.
///
/// The original keeps this in its per-task table (`TaskSettingsTable`, `tasks/task_config.json`):
/// every selected filter the task has × every selected metric is one stored score per document.
/// Without settings (reference runs): the first filter pipeline of `filter_list` ("none" when
/// the task has none) and the first metric of `metric_list` (lm-eval's default `exact_match`).
public struct ScoreSelection: Sendable, Equatable, CustomStringConvertible {
    /// The selected filter pipelines the task has, in the task's `filter_list` order.
    public var filters: [String]
    /// The selected metrics, in the settings' order.
    public var metrics: [String]
    /// True when the task configuration chose them, false for the default.
    public var configured: Bool

    public init(filters: [String], metrics: [String], configured: Bool) {
        self.filters = filters
        self.metrics = metrics
        self.configured = configured
    }

    /// The first selected filter and metric, whose value is the score a report shows.
    public var filter: String { filters.first ?? "none" }
    public var metric: String { metrics.first ?? "exact_match" }

    public var description: String {
        "\(filters.joined(separator: ","))/\(metrics.joined(separator: ","))\(configured ? "" : " (default)")"
    }
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

    /// Builds the scorer; every unknown filter, metric or `process_results`, and settings
    /// whose filters the task has none of or whose metrics it does not compute, is an error here.
    /// - Parameters:
    ///   - root: the task folder `!function`s are taken relative to (for native `process_results`).
    ///   - firstDocument: lm-eval's first evaluation document, which decides whether targets are lists.
    ///   - features: the evaluation documents' column names (a `doc_to_*` naming one returns its raw value).
    ///   - settings: the task configuration's entry for the task (nil: the default selection).
    public init(task: ResolvedTask, root: String?, firstDocument: JSONObject?, features: Set<String>,
                settings: TaskSettings? = nil) throws(ApplicationError) {
        self.task = task
        fields = DocumentFields(task: task, features: features)
        targetField = Self.plainField(task)
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
        selection = try Self.selection(settings: settings, scorer: scorer, processResults: spec.processResults != nil, fail: fail)
    }

    private static func selection(settings: TaskSettings?, scorer: TaskScorer, processResults: Bool,
                                  fail: (String) -> ApplicationError) throws(ApplicationError) -> ScoreSelection {
        let metricNames = scorer.metrics.map(\.name)
        guard let settings else {
            guard let filter = scorer.filterNames.first, let metric = metricNames.first else {
                throw fail("the task has no filter pipeline or no metric to score with")
            }
            if metric == "bypass" { throw fail("the bypass metric has no per-sample value; select another metric") }
            return ScoreSelection(filters: [filter], metrics: [metric], configured: false)
        }
        // As the original: filters the task lacks are skipped; none left scores nothing, which is a misconfiguration.
        let filters = scorer.filterNames.filter(settings.filters.contains)
        guard !filters.isEmpty else {
            throw fail("the task configuration selects filters \(settings.filters.joined(separator: ", ")), and the task has none of them (it has: \(scorer.filterNames.joined(separator: ", ")))")
        }
        // A native process_results may return metrics beyond metric_list, so metric_list is checked only without one.
        if !processResults, let missing = settings.metrics.first(where: { !metricNames.contains($0) }) {
            throw fail("the task configuration selects metric '\(missing)', which is not a metric of the task (it has: \(metricNames.joined(separator: ", ")))")
        }
        if settings.metrics.contains("bypass") { throw fail("the bypass metric has no per-sample value; select another metric") }
        return ScoreSelection(filters: filters, metrics: settings.metrics, configured: true)
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

    /// The selected scores of a scored sample (filter by filter, metric by metric within each), or why it has none.
    public func selectedScores(_ score: SampleScore) -> Result<[Double], ApplicationError> {
        var values: [Double] = []
        for filter in selection.filters {
            guard let filtered = score.filter(filter) else {
                return .failure(ApplicationError("doc \(score.docID): filter '\(filter)' gave no result", type: "LMEH"))
            }
            for metric in selection.metrics {
                switch filtered.metric(metric) {
                case let .double(d)?: values.append(d)
                case let .int(i)?: values.append(Double(i))
                case let .bool(b)?: values.append(b ? 1 : 0)
                case nil: continue  // as the original: a selected metric the task did not compute is no score
                case let value:
                    return .failure(ApplicationError("doc \(score.docID): metric '\(metric)' (filter '\(filter)') has no numeric value (\(value.map { PythonValue.str($0) } ?? "missing"))", type: "LMEH"))
                }
            }
        }
        guard !values.isEmpty else {
            return .failure(ApplicationError("doc \(score.docID): none of the metrics \(selection.metrics.joined(separator: ", ")) was computed", type: "LMEH"))
        }
        return .success(values)
    }

    /// The first selected filter's first metric, the score a report shows.
    public func selectedScore(_ score: SampleScore) -> Result<Double, ApplicationError> {
        selectedScores(score).map { $0[0] }
    }
}
