import JSON

/// One evaluated document: what the scorer needs, as lm-eval has it when it calls `process_results`.
public struct ScoringSample: Sendable {
    public var docID: Int
    /// The document after `process_docs`.
    public var doc: JSONObject
    /// `doc_to_target(doc)`: a string, an int (an index when the task has `doc_to_choice`) or a list.
    public var target: JSONValue
    /// `doc_to_choice(doc)`, only for tasks that set `doc_to_choice`.
    public var choices: [String]?
    /// The model's responses, one per repeat (usually one).
    public var responses: [String]

    public init(docID: Int, doc: JSONObject, target: JSONValue, choices: [String]? = nil, responses: [String]) {
        self.docID = docID
        self.doc = doc
        self.target = target
        self.choices = choices
        self.responses = responses
    }
}

/// A document's result under one filter pipeline.
public struct FilterScore: Sendable, Equatable {
    /// The pipeline's name (`filter_list[i].name`, or "none").
    public let filter: String
    /// lm-eval's `filtered_resps[filter]`: usually the extracted answer string.
    public let filtered: JSONValue
    /// `process_results` output in order: metric name → value (`1.0`, or an int from a native
    /// `process_results`, `null` for `bypass`).
    public let metrics: [(name: String, value: JSONValue)]

    public init(filter: String, filtered: JSONValue, metrics: [(name: String, value: JSONValue)]) {
        self.filter = filter
        self.filtered = filtered
        self.metrics = metrics
    }

    public static func == (lhs: FilterScore, rhs: FilterScore) -> Bool {
        lhs.filter == rhs.filter && lhs.filtered == rhs.filtered
            && lhs.metrics.map(\.name) == rhs.metrics.map(\.name) && lhs.metrics.map(\.value) == rhs.metrics.map(\.value)
    }

    /// The value of one metric, if this pipeline produced it.
    public func metric(_ name: String) -> JSONValue? { metrics.first { $0.name == name }?.value }
}

/// Every filter pipeline's result for one document.
public struct SampleScore: Sendable, Equatable {
    public let docID: Int
    public let filters: [FilterScore]

    public init(docID: Int, filters: [FilterScore]) {
        self.docID = docID
        self.filters = filters
    }

    /// The result under the named filter pipeline.
    public func filter(_ name: String) -> FilterScore? { filters.first { $0.filter == name } }
}

/// One row of lm-eval's results: a metric aggregated over documents for one filter pipeline.
public struct ResultRow: Sendable, Equatable {
    public let filter: String
    public let metric: String
    /// The aggregate (for `mean`, the mean of the per-document values).
    public let value: Double
    /// True when lm-eval's aggregate is a Python int (`bypass` gives 999), printed without decimals.
    public let integral: Bool
    /// Standard error of the mean; `nil` is lm-eval's "N/A" (n ≤ 1, or no stderr for the aggregation).
    public let stderr: Double?
    /// Number of documents aggregated.
    public let n: Int
    /// `nil` when lm-eval does not know (no arrow in its table).
    public let higherIsBetter: Bool?

    public init(filter: String, metric: String, value: Double, integral: Bool = false, stderr: Double?, n: Int, higherIsBetter: Bool?) {
        self.filter = filter
        self.metric = metric
        self.value = value
        self.integral = integral
        self.stderr = stderr
        self.n = n
        self.higherIsBetter = higherIsBetter
    }
}
