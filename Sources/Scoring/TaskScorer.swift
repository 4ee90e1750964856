import JSON
import Python

/// Scores a generate_until task's responses the way lm-eval 0.4.9 does: every filter pipeline
/// of `filter_list` (or the default "none" = `take_first`), then the task's `process_results`
/// (native) or lm-eval's default one with the `metric_list` metrics; `aggregate` turns the
/// per-document scores into lm-eval's result rows.
///
/// Everything that can be checked without a document is checked in `init` (lm-eval's task
/// load): unknown filters, metrics, aggregations or `process_results` are errors naming the task.
///
/// Known differences from lm-eval 0.4.9 (none shows in the score fixtures):
/// - Only `generate_until` is scored; metrics other than `exact_match` and `bypass` need a native
///   `process_results` (bound by the caller, see `ProcessResults`); aggregations are `mean`, `median`, `nanmean`,
///   `bypass`. `custom`, `regex_pos` and `decontaminate` filters are not available.
/// - lm-eval bootstraps the stderr of `median`/`nanmean`; here it is `nil` ("N/A").
/// - Means use plain left-to-right summation, as CPython ≤ 3.11's `sum`; 3.12+ compensates,
///   which can change the last bits of a value.
/// - An lm-eval exception (a regex `group_select` out of range, a target that cannot be
///   converted) fails the whole run there; here it is a `ScoringError` for that sample.
/// - `take_first_k` checks every document's number of responses, lm-eval only the first's.
public struct TaskScorer: Sendable {
    /// A named filter pipeline (`filter_list[i]`).
    public struct Pipeline: Sendable {
        public let name: String
        public let steps: [ResponseFilter]
    }

    public let taskName: String
    public let outputType: String
    public let pipelines: [Pipeline]
    public let metrics: [MetricSpec]
    /// The task's native `process_results`; nil scores with `metrics` as lm-eval's default does.
    public let processResults: ProcessResults?
    private let multipleTarget: Bool?
    private let hasChoices: Bool

    /// - Parameters:
    ///   - filterList: the task's `filter_list` pipelines, or nil for lm-eval's default "none".
    ///   - metricList: the task's `metric_list` entries, or nil for the output type's defaults.
    ///   - processResults: the task's native `process_results`, if it names one.
    ///   - multipleTarget: lm-eval decides "multiple targets" once per task from the first
    ///     evaluation document (`doc_to_target` returned a list); pass that. `nil` decides per
    ///     sample from the sample's target.
    ///   - hasChoices: the task sets `doc_to_choice` (the target is then an index into `choices`).
    public init(taskName: String, outputType: String = "generate_until", filterList: [FilterPipelineSpec]?, metricList: [MetricEntry]?,
                processResults: ProcessResults? = nil, multipleTarget: Bool? = nil, hasChoices: Bool = false) throws(ScoringError) {
        self.taskName = taskName
        self.outputType = outputType
        self.processResults = processResults
        self.multipleTarget = multipleTarget
        self.hasChoices = hasChoices
        guard outputType == "generate_until" else {
            throw ScoringError(.configuration, task: taskName, "output_type '\(outputType)' is not scored natively yet (only generate_until)")
        }
        pipelines = try Self.pipelines(filterList, task: taskName)
        metrics = try Self.metrics(metricList, outputType: outputType, task: taskName, usesProcessResults: processResults != nil)
    }

    private static func pipelines(_ filterList: [FilterPipelineSpec]?, task: String) throws(ScoringError) -> [Pipeline] {
        guard let filterList else { return [Pipeline(name: "none", steps: [.takeFirst])] }
        var out: [Pipeline] = []
        for spec in filterList {
            var steps: [ResponseFilter] = []
            for step in spec.steps {
                do {
                    steps.append(try ResponseFilter(function: step.function, arguments: step.arguments, task: task))
                } catch {
                    throw ScoringError(.configuration, task: task, "filter pipeline '\(spec.name)': \(error.message)")
                }
            }
            out.append(Pipeline(name: spec.name, steps: steps))
        }
        return out
    }

    private static func metrics(_ metricList: [MetricEntry]?, outputType: String, task: String, usesProcessResults: Bool) throws(ScoringError) -> [MetricSpec] {
        let entries = metricList ?? (MetricSpec.defaults[outputType] ?? []).map { MetricEntry(metric: $0) }
        var out: [MetricSpec] = []
        for entry in entries {
            let spec = try MetricSpec(entry: entry, task: task, usesProcessResults: usesProcessResults)
            // A repeated name replaces the earlier entry, as lm-eval's dicts do, keeping its place.
            if let index = out.firstIndex(where: { $0.name == spec.name }) { out[index] = spec } else { out.append(spec) }
        }
        return out
    }

    /// The filter pipelines' names, in `filter_list` order.
    public var filterNames: [String] { pipelines.map(\.name) }

    /// Filters and scores one document under every pipeline.
    public func score(_ sample: ScoringSample) throws(ScoringError) -> SampleScore {
        var results: [FilterScore] = []
        for pipeline in pipelines {
            var value: JSONValue = .array(sample.responses.map { .string($0) })
            for step in pipeline.steps {
                value = try step.apply(value, doc: sample.doc, task: taskName)
            }
            let metricValues: [(name: String, value: JSONValue)]
            if let processResults {
                metricValues = try processResults.function(sample.doc, [value])
            } else {
                metricValues = try defaultProcessResults(sample, result: value)
            }
            results.append(FilterScore(filter: pipeline.name, filtered: value, metrics: metricValues))
        }
        return SampleScore(docID: sample.docID, filters: results)
    }

    /// lm-eval's `ConfigurableTask.process_results` for generate_until.
    private func defaultProcessResults(_ sample: ScoringSample, result: JSONValue) throws(ScoringError) -> [(name: String, value: JSONValue)] {
        var gold = sample.target
        let multiple = multipleTarget ?? (sample.target.arrayValue != nil)
        if hasChoices {
            guard let choices = sample.choices else {
                throw ScoringError(.sample, task: taskName, "doc \(sample.docID): the task has doc_to_choice but no choices were given")
            }
            guard case let .int(index) = gold, index < choices.count, index >= -choices.count else {
                throw ScoringError(.sample, task: taskName, "doc \(sample.docID): target \(PythonValue.repr(gold)) is not an index into \(choices.count) choices")
            }
            gold = .string(choices[index < 0 ? choices.count + index : index])
        } else if multiple {
            gold = .array(try ResponseFilter.elements(of: gold, filter: "list(target)", task: taskName))
        } else if !Self.sameType(gold, result), !(metrics.contains { $0.name == "bypass" } || result.arrayValue != nil) {
            gold = try cast(gold, like: result, docID: sample.docID)
        }
        var out: [(name: String, value: JSONValue)] = []
        for metric in metrics {
            let value: JSONValue
            switch metric.function {
            case let .exactMatch(exactMatch):
                if multiple {
                    let golds = gold.arrayValue ?? [gold]
                    let score = try exactMatch.score(predictions: Array(repeating: result, count: golds.count), references: golds.map(Self.pythonStrIfNeeded), task: taskName)
                    value = .double(score > 0 ? 1.0 : 0.0)
                } else {
                    value = .double(try exactMatch.score(predictions: [result], references: [gold], task: taskName))
                }
            case .bypass:
                // bypass returns None; with several targets lm-eval's any([None, …]) gives 0.0.
                value = multiple ? .double(0.0) : .null
            case .processResults:
                throw ScoringError(.configuration, task: taskName, "metric '\(metric.name)' needs the task's process_results")
            }
            out.append((metric.name, value))
        }
        return out
    }

    /// numpy turns a mixed list of targets into strings.
    private static func pythonStrIfNeeded(_ value: JSONValue) -> JSONValue {
        if case .string = value { return value }
        return .string(PythonValue.str(value))
    }

    private static func sameType(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null), (.bool, .bool), (.int, .int), (.double, .double), (.string, .string), (.array, .array), (.object, .object):
            return true
        default:
            return false
        }
    }

    /// `type(result)(gold)`.
    private func cast(_ gold: JSONValue, like result: JSONValue, docID: Int) throws(ScoringError) -> JSONValue {
        func fail() -> ScoringError {
            ScoringError(.sample, task: taskName, "doc \(docID): cannot convert target \(PythonValue.repr(gold)) to \(result.typeName) like the filtered response \(PythonValue.repr(result))")
        }
        switch result {
        case .string: return .string(PythonValue.str(gold))
        case .int:
            switch gold {
            case let .bool(b): return .int(b ? 1 : 0)
            case let .double(d): guard d.isFinite, abs(d) < 9.2e18 else { throw fail() }; return .int(Int(d.rounded(.towardZero)))
            case let .string(s):
                guard case let .value(i) = PyNumbers.parseInt(s, base: 10) else { throw fail() }
                return .int(i)
            default: throw fail()
            }
        case .double:
            switch gold {
            case let .bool(b): return .double(b ? 1 : 0)
            case let .int(i): return .double(Double(i))
            case let .string(s): guard let d = PyNumbers.parseFloat(s) else { throw fail() }; return .double(d)
            default: throw fail()
            }
        case .bool:
            switch gold {
            case .null: return .bool(false)
            case let .int(i): return .bool(i != 0)
            case let .double(d): return .bool(d != 0)
            case let .string(s): return .bool(!s.isEmpty)
            case let .array(a): return .bool(!a.isEmpty)
            case let .object(o): return .bool(!o.isEmpty)
            case .bool: return gold
            }
        default:
            throw fail()
        }
    }

    /// lm-eval's per-task aggregation: one row per (filter, metric), filters in pipeline order,
    /// metrics in the order `process_results` returned them.
    public func aggregate(_ scores: [SampleScore]) throws(ScoringError) -> [ResultRow] {
        var keys: [(filter: String, metric: String)] = []
        var items: [String: [String: [JSONValue]]] = [:]
        for score in scores {
            for filterScore in score.filters {
                for (metric, value) in filterScore.metrics {
                    if items[filterScore.filter]?[metric] == nil { keys.append((filterScore.filter, metric)) }
                    items[filterScore.filter, default: [:]][metric, default: []].append(value)
                }
            }
        }
        // lm-eval groups by filter first (its loop runs over filters, then metrics).
        let filterOrder = pipelines.map(\.name)
        keys.sort { (filterOrder.firstIndex(of: $0.filter) ?? Int.max) < (filterOrder.firstIndex(of: $1.filter) ?? Int.max) }
        var rows: [ResultRow] = []
        for (filter, metric) in keys {
            let values = items[filter]?[metric] ?? []
            let spec = metrics.first { $0.name == metric }
            if let native = spec?.nativeAggregation, !values.isEmpty {
                rows.append(ResultRow(filter: filter, metric: metric, value: try native.function(values), stderr: nil, n: values.count,
                                      higherIsBetter: spec?.higherIsBetter))
                continue
            }
            // A metric process_results returns without a metric_list entry is averaged (lm-eval's fallback).
            let aggregation = spec?.aggregation ?? .mean
            var numbers: [Double] = []
            if aggregation != .bypass {
                for value in values {
                    switch value {
                    case let .bool(b): numbers.append(b ? 1 : 0)
                    case let .int(i): numbers.append(Double(i))
                    case let .double(d): numbers.append(d)
                    default:
                        throw ScoringError(.sample, task: taskName, "metric '\(metric)' (filter '\(filter)') has a non-numeric value \(PythonValue.repr(value)) that '\(aggregation.rawValue)' cannot aggregate")
                    }
                }
            } else {
                numbers = values.map { $0.doubleValue ?? 0 }
            }
            guard !numbers.isEmpty else { continue }
            let (value, integral) = aggregation.aggregate(numbers)
            rows.append(ResultRow(filter: filter, metric: metric, value: value, integral: integral,
                                  stderr: aggregation.stderr(numbers), n: numbers.count, higherIsBetter: spec?.higherIsBetter))
        }
        return rows
    }
}
