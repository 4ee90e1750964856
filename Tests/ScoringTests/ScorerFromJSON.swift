import JSON
import LMEval
import Scoring

/// The tests write filter_list/metric_list as lm-eval's `to_dict()` prints them (the score
/// fixtures are that JSON); task YAML goes through LMEval's reader instead, see `ScoringSpecTests`.
struct MalformedFixture: Error, CustomStringConvertible {
    let description: String
}

extension TaskScorer {
    /// A scorer from well-formed lm-eval JSON; `processResults` names a native by the folder of
    /// the task YAML (e.g. `leaderboard/math`) and the `!function` text.
    static func fromJSON(taskName: String, outputType: String = "generate_until", filterList: JSONValue?, metricList: JSONValue?,
                         processResults: (directory: String, function: String)? = nil,
                         multipleTarget: Bool? = nil, hasChoices: Bool = false) throws -> TaskScorer {
        var bound: ProcessResults?
        if let processResults {
            let reference = FunctionReference(expression: processResults.function, yamlFile: "/tasks/\(processResults.directory)/task.yaml")
            guard case let .processResults(function)? = NativeFunctionRegistry.standard.lookup(reference, root: "/tasks") else {
                throw MalformedFixture(description: "no native process_results for \(reference)")
            }
            bound = ProcessResults(name: reference.description, function: function)
        }
        return try TaskScorer(taskName: taskName, outputType: outputType, filterList: try present(filterList).map(pipelines),
                              metricList: try present(metricList).map(metrics), processResults: bound,
                              multipleTarget: multipleTarget, hasChoices: hasChoices)
    }

    /// JSON null is "not set" (`.none`, spelled out because `nil` would be the JSON null literal).
    private static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return .none }
        return value
    }

    private static func pipelines(_ json: JSONValue) throws -> [FilterPipelineSpec] {
        try (json.arrayValue ?? []).map { entry in
            guard let name = entry["name"]?.stringValue, let steps = entry["filter"]?.arrayValue else {
                throw MalformedFixture(description: "filter_list entry \(entry)")
            }
            return FilterPipelineSpec(name: name, steps: try steps.map { step in
                guard case let .object(call) = step, let function = call["function"]?.stringValue else {
                    throw MalformedFixture(description: "filter step \(step)")
                }
                var arguments = call
                arguments["function"] = nil
                return FilterStepSpec(function: function, arguments: arguments)
            })
        }
    }

    private static func metrics(_ json: JSONValue) throws -> [MetricEntry] {
        try (json.arrayValue ?? []).map { entry in
            guard case let .object(config) = entry, let name = config["metric"]?.stringValue else {
                throw MalformedFixture(description: "metric_list entry \(entry)")
            }
            var arguments = config
            for key in ["metric", "aggregation", "higher_is_better", "hf_evaluate"] { arguments[key] = nil }
            return MetricEntry(metric: name, aggregation: config["aggregation"]?.stringValue,
                               higherIsBetter: config["higher_is_better"]?.boolValue,
                               hfEvaluate: config["hf_evaluate"]?.boolValue ?? false, arguments: arguments)
        }
    }
}
