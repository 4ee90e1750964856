import JSON
import Python
import Scoring

/// What scoring needs from a task config, typed: the filter pipelines, the metric entries and
/// the native `process_results`. Built here because reading task YAML is LMEval's job; Scoring
/// only checks that it can compute what the spec names.
public struct ScoringSpec: Sendable {
    /// The request kind scored (only generate_until is scored natively yet).
    public var outputType: OutputType
    /// `filter_list`, nil when the task has none (lm-eval's default "none" pipeline).
    public var filterList: [FilterPipelineSpec]?
    /// `metric_list`, nil for the output type's default metrics.
    public var metricList: [MetricEntry]?
    /// The task's `process_results` bound to its native implementation; nil for lm-eval's default.
    public var processResults: ProcessResults?
    /// The task sets `doc_to_choice` (the target is an index into the choices).
    public var hasChoices: Bool
}

extension TaskResolver {
    /// The scoring side of `task`: `filter_list`/`metric_list` read into specs and `process_results`
    /// bound to its native implementation. Kept apart from `resolve`, since prompts can be built
    /// for tasks whose scoring functions have no native counterpart.
    public func scoringSpec(for task: ResolvedTask) throws(LMEvalError) -> ScoringSpec {
        let config = task.config
        let reader = ScoringConfigReader(task: task.name, file: task.reference.file)
        var processResults: ProcessResults?
        if let value = config.processResults {
            guard case let .function(reference) = value else { throw reader.invalid("process_results must be a !function, got \(value.typeName)") }
            guard case let .processResults(function)? = natives.lookup(reference, root: root) else {
                throw LMEvalError(
                    .missingFunction, task: task.name, file: reference.yamlFile,
                    "process_results: `!function \(reference.expression)` (\(reference.moduleFile)) has no native counterpart")
            }
            processResults = ProcessResults(name: "!function \(reference.expression)", function: function)
        }
        return ScoringSpec(
            outputType: config.outputType, filterList: try config.filterList.map { v throws(LMEvalError) in try reader.filterList(v) },
            metricList: try config.metricList.map { v throws(LMEvalError) in try reader.metricList(v, natives: natives, root: root) },
            processResults: processResults, hasChoices: config.docToChoice != nil)
    }
}

/// Reads `filter_list` and `metric_list` with lm-eval's shape rules, errors naming the task.
private struct ScoringConfigReader {
    let task: String
    let file: String?

    func invalid(_ message: String) -> LMEvalError {
        LMEvalError(.invalidConfig, task: task, file: file, message)
    }

    func filterList(_ value: ConfigValue) throws(LMEvalError) -> [FilterPipelineSpec] {
        guard case let .list(entries) = value else { throw invalid("filter_list must be a list, got \(PythonValue.repr(value.json))") }
        var out: [FilterPipelineSpec] = []
        for entry in entries {
            guard case let .mapping(config) = entry, case let .string(name)? = config["name"] else {
                throw invalid("filter_list entries need a 'name' and a 'filter' list, got \(PythonValue.repr(entry.json))")
            }
            guard case let .list(functions)? = config["filter"] else { throw invalid("filter pipeline '\(name)' needs a 'filter' list") }
            var steps: [FilterStepSpec] = []
            for function in functions {
                guard case let .mapping(call) = function, case let .string(functionName)? = call["function"] else {
                    throw invalid("filter pipeline '\(name)': every step needs a 'function' name, got \(PythonValue.repr(function.json))")
                }
                var kwargs = JSONObject()
                for (key, value) in call where key != "function" { kwargs[key] = value.json }
                steps.append(FilterStepSpec(function: functionName, arguments: kwargs))
            }
            out.append(FilterPipelineSpec(name: name, steps: steps))
        }
        return out
    }

    /// One entry per `metric_list` item, as `ConfigurableTask.__init__` reads them.
    func metricList(_ entries: [ConfigValue], natives: NativeFunctionRegistry, root: String?) throws(LMEvalError) -> [MetricEntry] {
        var out: [MetricEntry] = []
        for entry in entries {
            guard case let .mapping(config) = entry else { throw invalid("metric_list entries must be mappings, got \(PythonValue.repr(entry.json))") }
            guard let nameValue = config["metric"] else { throw invalid("'metric' key not provided for an entry in 'metric_list'") }
            guard case let .string(name) = nameValue else {
                throw invalid("metric names must be strings (a Python metric function is not run natively), got \(PythonValue.repr(nameValue.json))")
            }
            var metric = MetricEntry(metric: name, hfEvaluate: config["hf_evaluate"] == .bool(true))
            switch config["aggregation"] {
            case let .string(aggregation)?: metric.aggregation = aggregation
            case let .function(reference)?:
                guard case let .aggregation(function)? = natives.lookup(reference, root: root) else {
                    throw LMEvalError(
                        .missingFunction, task: task, file: reference.yamlFile,
                        "metric '\(name)': aggregation `!function \(reference.expression)` (\(reference.moduleFile)) has no native counterpart")
                }
                metric.aggregation = "!function \(reference.expression)"
                metric.nativeAggregation = NativeAggregation(name: "!function \(reference.expression)", function: function)
            case nil, .null?: break
            case let value?: throw invalid("metric '\(name)': aggregation must be a name, got \(PythonValue.repr(value.json))")
            }
            switch config["higher_is_better"] {
            case let .bool(b)?: metric.higherIsBetter = b
            case nil, .null?: break
            case let value?: throw invalid("metric '\(name)': higher_is_better must be true or false, got \(PythonValue.repr(value.json))")
            }
            for (key, value) in config where !["metric", "aggregation", "higher_is_better", "hf_evaluate"].contains(key) {
                metric.arguments[key] = value.json
            }
            out.append(metric)
        }
        return out
    }
}
