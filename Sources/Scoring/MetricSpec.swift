import JSON
import Python

/// One `metric_list` entry as lm-eval resolves it: the function, its aggregation and direction.
public struct MetricSpec: Sendable {
    /// How a per-sample value is computed.
    public enum Function: Sendable {
        case exactMatch(ExactMatch)
        /// `bypass`: no value (`None`), aggregated to 999.
        case bypass
        /// The task's `process_results` produces the value.
        case processResults
    }

    public let name: String
    public let function: Function
    public let aggregation: Aggregation
    /// `aggregation: !function …` bound natively; used instead of `aggregation` when set.
    public let nativeAggregation: NativeAggregation?
    /// `nil` when neither the config nor lm-eval's registry says (lm-eval prints no arrow).
    public let higherIsBetter: Bool?

    /// lm-eval's registry defaults (`@register_metric`) for the metrics tasks name.
    static let registered: [String: (aggregation: String, higherIsBetter: Bool)] = [
        "exact_match": ("mean", true), "bypass": ("bypass", true),
        "acc": ("mean", true), "acc_norm": ("mean", true), "acc_mutual_info": ("mean", true),
        "perplexity": ("perplexity", false), "word_perplexity": ("weighted_perplexity", false),
        "byte_perplexity": ("weighted_perplexity", false), "bits_per_byte": ("bits_per_byte", false),
        "brier_score": ("brier_score", false), "mcc": ("matthews_corrcoef", true), "f1": ("f1", true),
        "bleu": ("bleu", true), "chrf": ("chrf", true), "ter": ("ter", false), "acc_all": ("acc_all", true),
    ]

    /// lm-eval's `DEFAULT_METRIC_REGISTRY` for an output type with no `metric_list`.
    static let defaults: [String: [String]] = [
        "generate_until": ["exact_match"],
        "multiple_choice": ["acc", "acc_norm"],
        "loglikelihood": ["perplexity", "acc"],
        "loglikelihood_rolling": ["word_perplexity", "byte_perplexity", "bits_per_byte"],
    ]

    init(name: String, function: Function, aggregation: Aggregation, nativeAggregation: NativeAggregation? = nil, higherIsBetter: Bool?) {
        self.name = name
        self.function = function
        self.aggregation = aggregation
        self.nativeAggregation = nativeAggregation
        self.higherIsBetter = higherIsBetter
    }

    /// Makes one `metric_list` entry computable, as `ConfigurableTask.__init__` does.
    init(entry: MetricEntry, task: String, usesProcessResults: Bool) throws(ScoringError) {
        let name = entry.metric
        if entry.hfEvaluate, !usesProcessResults {
            throw ScoringError(.configuration, task: task, "metric '\(name)' comes from HF evaluate (hf_evaluate: true), which is not run natively")
        }
        let function: Function
        if usesProcessResults {
            function = .processResults
        } else {
            switch name {
            case "exact_match": function = .exactMatch(try ExactMatch(Arguments(entry.arguments, function: name, task: task)))
            case "bypass": function = .bypass
            default:
                throw ScoringError(.configuration, task: task, "unknown metric '\(name)': only exact_match and bypass are computed natively for generate_until (or the task's process_results)")
            }
        }
        let aggregation: Aggregation
        if entry.nativeAggregation != nil {
            // Unused: the native function aggregates; `mean` only stands in for the type.
            aggregation = .mean
        } else if let agg = entry.aggregation {
            aggregation = try Aggregation(name: agg, task: task)
        } else {
            guard let registered = Self.registered[name] else {
                throw ScoringError(.configuration, task: task, "metric '\(name)' has no aggregation in its metric_list entry and none registered in lm-eval")
            }
            aggregation = try Aggregation(name: registered.aggregation, task: task)
        }
        let higher = entry.higherIsBetter ?? Self.registered[name]?.higherIsBetter
        self.init(name: name, function: function, aggregation: aggregation, nativeAggregation: entry.nativeAggregation, higherIsBetter: higher)
    }
}

/// An lm-eval aggregation (`@register_aggregation`), with the stderr lm-eval reports for it.
public enum Aggregation: String, Sendable, CaseIterable {
    case mean
    case median
    case nanmean
    case bypass

    init(name: String, task: String) throws(ScoringError) {
        guard let known = Aggregation(rawValue: name) else {
            throw ScoringError(.configuration, task: task, "aggregation '\(name)' is not computed natively (supported: \(Aggregation.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = known
    }

    /// The aggregate of per-sample values; `integral` when lm-eval's result is a Python int.
    func aggregate(_ values: [Double]) -> (value: Double, integral: Bool) {
        switch self {
        case .mean:
            // Python's sum(): left to right, no compensation (CPython ≤ 3.11).
            return (values.reduce(0, +) / Double(values.count), false)
        case .median:
            // lm-eval's "median" takes the middle element without sorting.
            return (values[values.count / 2], false)
        case .nanmean:
            let kept = values.filter { !$0.isNaN }
            return (kept.isEmpty ? .nan : kept.reduce(0, +) / Double(kept.count), false)
        case .bypass:
            return (999, true)
        }
    }

    /// lm-eval's stderr: `mean_stderr` for `mean` (sample standard deviation / √n), nothing
    /// (printed "N/A") for n ≤ 1. `median` and `nanmean` are bootstrapped in lm-eval (random
    /// resampling); that is not reproduced here and they report `nil`.
    func stderr(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        switch self {
        case .mean:
            let n = Double(values.count)
            let mu = values.reduce(0, +) / n
            let squares = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +)
            return (squares / (n - 1)).squareRoot() / n.squareRoot()
        case .median, .nanmean, .bypass:
            return nil
        }
    }
}
