import JSON

/// One step of a filter pipeline: an lm-eval filter function and its keyword arguments.
public struct FilterStepSpec: Sendable, Hashable {
    /// The registered filter name, e.g. `regex`.
    public var function: String
    /// The keyword arguments, e.g. `regex_pattern`.
    public var arguments: JSONObject

    public init(function: String, arguments: JSONObject = [:]) {
        self.function = function
        self.arguments = arguments
    }
}

/// One named pipeline of a task's `filter_list`.
public struct FilterPipelineSpec: Sendable, Hashable {
    /// The pipeline's name, the key of its results (e.g. `strict-match`).
    public var name: String
    /// The filters, applied in order to the responses.
    public var steps: [FilterStepSpec]

    public init(name: String, steps: [FilterStepSpec]) {
        self.name = name
        self.steps = steps
    }
}

/// One `metric_list` entry as the task config writes it; `MetricSpec` is what scoring makes of it.
public struct MetricEntry: Sendable, Hashable {
    /// The metric name, e.g. `exact_match`.
    public var metric: String
    /// The aggregation name, nil for lm-eval's registered default.
    public var aggregation: String?
    /// The native implementation of `aggregation: !function …`; it wins over `aggregation`.
    public var nativeAggregation: NativeAggregation?
    /// nil for lm-eval's registered default.
    public var higherIsBetter: Bool?
    /// `hf_evaluate: true`: the metric comes from HF evaluate.
    public var hfEvaluate: Bool
    /// The remaining keys, passed to the metric function as keyword arguments.
    public var arguments: JSONObject

    public init(metric: String, aggregation: String? = nil, nativeAggregation: NativeAggregation? = nil, higherIsBetter: Bool? = nil,
                hfEvaluate: Bool = false, arguments: JSONObject = [:]) {
        self.metric = metric
        self.aggregation = aggregation
        self.nativeAggregation = nativeAggregation
        self.higherIsBetter = higherIsBetter
        self.hfEvaluate = hfEvaluate
        self.arguments = arguments
    }
}

/// A native `process_results(doc, results) -> {metric: value}`; `results` holds the filtered
/// value of each of the document's instances (one for generate_until).
public typealias ProcessResultsFunction = @Sendable (_ doc: JSONObject, _ results: [JSONValue]) throws(ScoringError) -> [(name: String, value: JSONValue)]

/// A native `metric_list` aggregation (`aggregation: !function f`): every document's value of
/// the metric in, the aggregate out.
public typealias AggregationFunction = @Sendable (_ items: [JSONValue]) throws(ScoringError) -> Double

/// A metric's `aggregation: !function …`, bound by the caller to its native implementation.
/// lm-eval has no stderr for an aggregation it does not register, so the row's is "N/A".
public struct NativeAggregation: Sendable, Hashable, CustomStringConvertible {
    /// What the task names, for messages (e.g. `!function utils.agg_inst_level_acc`).
    public var name: String
    /// The native implementation.
    public var function: AggregationFunction

    public init(name: String, function: @escaping AggregationFunction) {
        self.name = name
        self.function = function
    }

    public var description: String { name }

    /// Two bindings of the same `!function` are the same aggregation.
    public static func == (lhs: NativeAggregation, rhs: NativeAggregation) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// A task's `process_results`, bound by the caller to its native implementation.
public struct ProcessResults: Sendable, CustomStringConvertible {
    /// What the task names, for messages (e.g. `!function utils.process_results`).
    public var name: String
    /// The native implementation.
    public var function: ProcessResultsFunction

    public init(name: String, function: @escaping ProcessResultsFunction) {
        self.name = name
        self.function = function
    }

    public var description: String { name }
}
