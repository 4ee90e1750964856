import Foundation
import JSON
import Python

/// One document of a loglikelihood-type task, as lm-eval has it when it calls `process_results`.
public struct LoglikelihoodSample: Sendable {
    public var docID: Int
    /// The document after `process_docs`.
    public var doc: JSONObject
    /// multiple_choice: the gold index (an int, a list of ints, or a choice string); rolling: the text.
    public var target: JSONValue
    /// multiple_choice: `doc_to_choice(doc)`.
    public var choices: [String]
    /// One result per instance, in `idx` order.
    public var results: [ContinuationScore]

    public init(docID: Int, doc: JSONObject, target: JSONValue, choices: [String] = [], results: [ContinuationScore]) {
        self.docID = docID
        self.doc = doc
        self.target = target
        self.choices = choices
        self.results = results
    }
}

/// A per-document metric value as lm-eval's `process_results` returns it.
public enum LoglikelihoodItem: Sendable, Equatable {
    /// A float (`acc`, `acc_norm`) or an int (`exact_match`, loglikelihood `acc`).
    case number(Double, integral: Bool)
    /// `(loglikelihood, words or bytes)` for the weighted aggregations.
    case weighted(Double, Double)
    /// `(gold, softmax(lls))` for `brier_score`.
    case brier(gold: Int, probabilities: [Double])
    /// `(gold, pred)` for the classification metrics `f1` and `mcc`.
    case classified(gold: Int, pred: Int)

    /// The value as lm-eval's samples file shows it.
    public var json: JSONValue {
        switch self {
        case let .number(value, integral): integral ? .int(Int(value)) : .double(value)
        case let .weighted(a, b): .array([.double(a), .int(Int(b))])
        case let .brier(gold, probabilities): .array([.int(gold), .array(probabilities.map { .double($0) })])
        case let .classified(gold, pred): .array([.int(gold), .int(pred)])
        }
    }
}

/// Scores multiple_choice, loglikelihood and loglikelihood_rolling tasks as lm-eval 0.4.9's
/// `ConfigurableTask.process_results` and its registered aggregations do, from each instance's
/// `(loglikelihood, is_greedy)`.
///
/// Differences from lm-eval: the stderrs of `perplexity`, `f1` and `mcc` are bootstrapped there
/// (random resampling) and `nil` here.
public struct LoglikelihoodScorer: Sendable {
    public enum Kind: String, Sendable {
        case multipleChoice = "multiple_choice"
        case loglikelihood
        case loglikelihoodRolling = "loglikelihood_rolling"
    }

    /// A metric with its aggregation.
    public struct Metric: Sendable, Equatable {
        public let name: String
        public let aggregation: String
        public let higherIsBetter: Bool?
        /// `aggregation: !function …`, bound to its native implementation (it gets each document's item as JSON).
        public var nativeAggregation: NativeAggregation? = nil
    }

    public let taskName: String
    public let kind: Kind
    public let metrics: [Metric]
    /// `multiple_input`: the gold index is `doc_to_text` (winogrande), passed as the sample's target.
    public let multipleTarget: Bool
    /// The task's native `process_results`, which gets one `[loglikelihood, is_greedy]` pair per instance.
    public let processResults: ProcessResults?

    static let computed: [Kind: Set<String>] = [
        .multipleChoice: ["acc", "acc_norm", "acc_mutual_info", "exact_match", "brier_score", "f1", "mcc"],
        .loglikelihood: ["perplexity", "acc"],
        .loglikelihoodRolling: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
    ]
    static let aggregations: Set<String> = ["mean", "perplexity", "weighted_perplexity", "bits_per_byte", "brier_score", "f1", "matthews_corrcoef"]

    /// - Parameters:
    ///   - metricList: the task's `metric_list`, or nil for the output type's default metrics.
    ///   - multipleTarget: lm-eval's `multiple_target` (the first document's target was a list).
    public init(taskName: String, outputType: String, metricList: [MetricEntry]?, multipleTarget: Bool = false,
                processResults: ProcessResults? = nil) throws(ScoringError) {
        guard let kind = Kind(rawValue: outputType) else {
            throw ScoringError(.configuration, task: taskName, "output_type '\(outputType)' is not a loglikelihood type")
        }
        self.taskName = taskName
        self.kind = kind
        self.multipleTarget = multipleTarget
        self.processResults = processResults
        let entries = metricList ?? (MetricSpec.defaults[outputType] ?? []).map { MetricEntry(metric: $0) }
        var metrics: [Metric] = []
        for entry in entries {
            // `hf_evaluate: true` only chooses the metric function, which lm-eval never calls for these
            // output types: their process_results computes every item itself (an f1 item is (gold, pred)).
            if processResults == nil, !(Self.computed[kind] ?? []).contains(entry.metric) {
                let known = (Self.computed[kind] ?? []).sorted().joined(separator: ", ")
                throw ScoringError(.configuration, task: taskName, "metric '\(entry.metric)' is not computed natively for \(outputType) (supported: \(known))")
            }
            guard let aggregation = entry.aggregation ?? MetricSpec.registered[entry.metric]?.aggregation else {
                throw ScoringError(.configuration, task: taskName, "metric '\(entry.metric)' has no aggregation in its metric_list entry and none registered in lm-eval")
            }
            guard entry.nativeAggregation != nil || Self.aggregations.contains(aggregation) else {
                throw ScoringError(.configuration, task: taskName, "aggregation '\(aggregation)' is not computed natively (supported: \(Self.aggregations.sorted().joined(separator: ", ")))")
            }
            let metric = Metric(name: entry.metric, aggregation: aggregation,
                                higherIsBetter: entry.higherIsBetter ?? MetricSpec.registered[entry.metric]?.higherIsBetter,
                                nativeAggregation: entry.nativeAggregation)
            if let index = metrics.firstIndex(where: { $0.name == metric.name }) { metrics[index] = metric } else { metrics.append(metric) }
        }
        self.metrics = metrics
    }

    /// Whether the task's requests include the unconditional ones `acc_mutual_info` needs.
    public var usesMutualInfo: Bool { metrics.contains { $0.name == "acc_mutual_info" } }

    /// `process_results` for one document: metric name → item, in lm-eval's order.
    public func score(_ sample: LoglikelihoodSample) throws(ScoringError) -> [(name: String, item: LoglikelihoodItem)] {
        func fail(_ message: String) -> ScoringError { ScoringError(.sample, task: taskName, "doc \(sample.docID): \(message)") }
        let names = Set(metrics.map(\.name))
        if let processResults {
            let results: [JSONValue] = sample.results.map { .array([.double($0.loglikelihood), $0.isGreedy.map { .bool($0) } ?? .null]) }
            var out: [(name: String, item: LoglikelihoodItem)] = []
            for (name, value) in try processResults.function(sample.doc, results) {
                switch value {
                case let .bool(b): out.append((name, .number(b ? 1 : 0, integral: true)))
                case let .int(i): out.append((name, .number(Double(i), integral: true)))
                case let .double(d): out.append((name, .number(d, integral: false)))
                case let .array(pair) where pair.count == 2 && pair.allSatisfy({ $0.doubleValue != nil }):
                    out.append((name, .weighted(pair[0].doubleValue ?? 0, pair[1].doubleValue ?? 0)))
                default: throw fail("process_results gave \(name) = \(PythonValue.repr(value)), not a number")
                }
            }
            return out
        }
        switch kind {
        case .loglikelihood:
            guard let result = sample.results.first else { throw fail("no loglikelihood result") }
            var out: [(name: String, item: LoglikelihoodItem)] = []
            if names.contains("perplexity") { out.append(("perplexity", .number(result.loglikelihood, integral: false))) }
            if names.contains("acc") {
                guard let greedy = result.isGreedy else { throw fail("acc needs is_greedy, which the response could not tell (no top_logprobs)") }
                out.append(("acc", .number(greedy ? 1 : 0, integral: true)))
            }
            return out
        case .loglikelihoodRolling:
            guard let result = sample.results.first else { throw fail("no loglikelihood result") }
            guard case let .string(text) = sample.target else { throw fail("the rolling text (doc_to_target) is not a string") }
            let words = Double(Self.countWords(text))
            let bytes = Double(text.utf8.count)
            var out: [(name: String, item: LoglikelihoodItem)] = []
            if names.contains("word_perplexity") { out.append(("word_perplexity", .weighted(result.loglikelihood, words))) }
            if names.contains("byte_perplexity") { out.append(("byte_perplexity", .weighted(result.loglikelihood, bytes))) }
            if names.contains("bits_per_byte") { out.append(("bits_per_byte", .weighted(result.loglikelihood, bytes))) }
            return out
        case .multipleChoice:
            return try multipleChoice(sample, names: names, fail: fail)
        }
    }

    private func multipleChoice(
        _ sample: LoglikelihoodSample, names: Set<String>, fail: (String) -> ScoringError
    ) throws(ScoringError) -> [(name: String, item: LoglikelihoodItem)] {
        let choices = sample.choices
        var lls = sample.results.map(\.loglikelihood)
        var unconditional: [Double] = []
        if 2 * choices.count == lls.count, names.contains("acc_mutual_info") {
            unconditional = Array(lls[choices.count...])
            lls = Array(lls[..<choices.count])
        }
        guard !choices.isEmpty, lls.count == choices.count else {
            throw fail("\(sample.results.count) results for \(choices.count) choices")
        }
        let greedy = sample.results.prefix(choices.count).map(\.isGreedy)
        let pred = Self.argmax(lls)
        let lengths = choices.map { Double($0.unicodeScalars.count) }
        let predNorm = Self.argmax(zip(lls, lengths).map { $0 / $1 })

        var golds: [Int] = []
        var single = -100
        switch sample.target {
        case let .array(items):
            for item in items {
                guard let i = item.intValue else { throw fail("gold \(PythonValue.repr(item)) is not an index") }
                golds.append(i < choices.count ? i : -100)
            }
        case let .int(i): single = i < choices.count ? i : -100
        case let .bool(b): single = b ? 1 : 0
        case let .string(s): single = choices.firstIndex(of: s) ?? -100
        default: throw fail("gold \(PythonValue.repr(sample.target)) is neither an index nor a choice")
        }
        // Python indexes a negative gold from the end, as lm-eval's is_greedy[gold] does.
        func greedyAt(_ i: Int) throws(ScoringError) -> Bool {
            let position = i < 0 ? choices.count + i : i
            guard greedy.indices.contains(position) else { throw fail("gold index \(i) is out of range") }
            guard let value = greedy[position] else { throw fail("exact_match needs is_greedy, which the response could not tell (no top_logprobs)") }
            return value
        }
        let acc: Double, accNorm: Double
        var exactMatch = 0.0
        let wantsExact = names.contains("exact_match")
        if multipleTarget {
            let list = golds.isEmpty && sample.target.arrayValue == nil ? [single] : golds
            acc = list.contains(pred) ? 1 : 0
            accNorm = list.contains(predNorm) ? 1 : 0
            if wantsExact {
                var any = false
                for g in list where g != -100 { if try greedyAt(g) { any = true } }
                exactMatch = any ? 1 : 0
            }
        } else {
            guard sample.target.arrayValue == nil else { throw fail("a list of golds in a task whose first document has one") }
            acc = pred == single ? 1 : 0
            accNorm = predNorm == single ? 1 : 0
            if wantsExact, single != -100 { exactMatch = try greedyAt(single) ? 1 : 0 }
        }
        var out: [(name: String, item: LoglikelihoodItem)] = []
        if names.contains("acc") { out.append(("acc", .number(acc, integral: false))) }
        for name in ["f1", "mcc"] where names.contains(name) {
            guard !multipleTarget else { throw fail("\(name) needs one gold index, and the task's documents have a list") }
            out.append((name, .classified(gold: single, pred: pred)))
        }
        if names.contains("acc_norm") { out.append(("acc_norm", .number(accNorm, integral: false))) }
        if wantsExact { out.append(("exact_match", .number(exactMatch, integral: true))) }
        if names.contains("brier_score") {
            guard !multipleTarget, single != -100 else { throw fail("brier_score needs one gold index") }
            out.append(("brier_score", .brier(gold: single, probabilities: Self.softmax(lls))))
        }
        if names.contains("acc_mutual_info") {
            guard unconditional.count == lls.count else { throw fail("acc_mutual_info needs the unconditional loglikelihood of each choice") }
            let mutual = zip(lls, unconditional).map { $0 - $1 }
            out.append(("acc_mutual_info", .number(Self.argmax(mutual) == single ? 1 : 0, integral: false)))
        }
        return out
    }

    /// numpy's `argmax`: the first index of the largest value (NaN wins, as numpy's does).
    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices.dropFirst() {
            if values[best].isNaN { break }
            if values[i].isNaN || values[i] > values[best] { best = i }
        }
        return best
    }

    /// lm-eval's `utils.softmax`: `exp(x - max) / sum`.
    static func softmax(_ values: [Double]) -> [Double] {
        let top = values.max() ?? 0
        let e = values.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// `len(re.split(r"\s+", text))`: whitespace runs split the text (empty ends count).
    public static func countWords(_ text: String) -> Int {
        var count = 1
        var inSpace = false
        for c in text.unicodeScalars {
            if PyText.isSpace(c) || (0x1C...0x1F).contains(c.value) {
                if !inSpace { count += 1 }
                inSpace = true
            } else {
                inSpace = false
            }
        }
        return count
    }

    /// lm-eval's aggregation of the documents' items: one row per metric, in metric order.
    public func aggregate(_ scores: [[(name: String, item: LoglikelihoodItem)]]) throws(ScoringError) -> [ResultRow] {
        var order: [String] = []
        var items: [String: [LoglikelihoodItem]] = [:]
        for score in scores {
            for (name, item) in score {
                if items[name] == nil { order.append(name) }
                items[name, default: []].append(item)
            }
        }
        var rows: [ResultRow] = []
        for name in order {
            guard let values = items[name], !values.isEmpty else { continue }
            let metric = metrics.first { $0.name == name }
            let aggregation = metric?.aggregation ?? "mean"
            let (value, stderr): (Double, Double?)
            if let native = metric?.nativeAggregation {
                // lm-eval registers no stderr for a task's own aggregation function ("N/A").
                (value, stderr) = (try native.function(values.map(\.json)), nil)
            } else {
                (value, stderr) = try Self.aggregate(values, aggregation, metric: name, task: taskName)
            }
            rows.append(ResultRow(filter: "none", metric: name, value: value, stderr: stderr, n: values.count, higherIsBetter: metric?.higherIsBetter))
        }
        return rows
    }

    static func aggregate(_ items: [LoglikelihoodItem], _ aggregation: String, metric: String, task: String) throws(ScoringError) -> (Double, Double?) {
        func fail() -> ScoringError {
            ScoringError(.sample, task: task, "metric '\(metric)': its values cannot be aggregated by '\(aggregation)'")
        }
        switch aggregation {
        case "mean", "perplexity":
            var numbers: [Double] = []
            for item in items { guard case let .number(v, _) = item else { throw fail() }; numbers.append(v) }
            let mean = numbers.reduce(0, +) / Double(numbers.count)
            if aggregation == "perplexity" { return (Foundation.exp(-mean), nil) }
            return (mean, Aggregation.mean.stderr(numbers))
        case "weighted_perplexity", "bits_per_byte":
            var a = 0.0, b = 0.0
            for item in items { guard case let .weighted(x, y) = item else { throw fail() }; a += x; b += y }
            let weighted = a / b
            return aggregation == "bits_per_byte" ? (-weighted / Foundation.log(2), nil) : (Foundation.exp(-weighted), nil)
        case "f1", "matthews_corrcoef":
            var golds: [Int] = [], preds: [Int] = []
            for item in items {
                guard case let .classified(gold, pred) = item else { throw fail() }
                golds.append(gold)
                preds.append(pred)
            }
            // lm-eval bootstraps these stderrs (random resampling), as for perplexity: none here.
            if aggregation == "matthews_corrcoef" { return (Classification.matthewsCorrelation(golds: golds, preds: preds), nil) }
            return (try Classification.binaryF1(golds: golds, preds: preds, metric: metric, task: task), nil)
        case "brier_score":
            var total = 0.0
            for item in items {
                guard case let .brier(gold, probabilities) = item else { throw fail() }
                let position = gold < 0 ? probabilities.count + gold : gold
                var squares = 0.0
                for (i, p) in probabilities.enumerated() {
                    let d = p - (i == position ? 1 : 0)
                    squares += d * d
                }
                total += squares
            }
            return (total / Double(items.count), nil)
        default:
            throw fail()
        }
    }
}
