import JSON

/// A Python function a task YAML names with `!function module.name`, located by the folder of
/// the YAML file that names it (relative to the task tree's root, e.g. "leaderboard/math").
public struct FunctionRef: Hashable, Sendable, CustomStringConvertible {
    public var directory: String
    /// As written after `!function`, e.g. "utils.process_results".
    public var function: String

    public init(directory: String, function: String) {
        self.directory = directory
        self.function = function
    }

    /// "leaderboard/math/utils.process_results".
    public var description: String { directory.isEmpty ? function : "\(directory)/\(function)" }
}

/// A native `process_results(doc, results) -> {metric: value}`; `results` holds the filtered
/// value of each of the document's instances (one for generate_until).
public typealias ProcessResultsFunction = @Sendable (_ doc: JSONObject, _ results: [JSONValue]) throws(ScoringError) -> [(name: String, value: JSONValue)]

/// The `process_results` functions of lm-eval task folders that are implemented natively.
public enum ProcessResultsRegistry {
    /// Native implementations by `FunctionRef.description`.
    public static let functions: [String: ProcessResultsFunction] = [
        "leaderboard/math/utils.process_results": { doc, results throws(ScoringError) in
            try LeaderboardMath.processResults(doc: doc, results: results)
        },
    ]

    /// The native implementation of `ref`, if there is one.
    public static func function(for ref: FunctionRef) -> ProcessResultsFunction? {
        functions[ref.description]
    }
}
