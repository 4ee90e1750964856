import JSON
import Scoring

/// A Swift implementation standing in for a Python function a task YAML names with `!function`,
/// prompt side and scoring side alike.
public enum NativeFunction: Sendable {
    /// `process_docs(dataset) -> dataset`, on one split's rows in order.
    case processDocs(@Sendable ([JSONObject]) throws(LMEvalError) -> [JSONObject])
    /// A `process_docs` that keeps the rows whose `key` equals `value` (`dataset.filter(lambda x: x[key] == value)`):
    /// Register can apply it to the stored table, so the Sampler's partial row loads see lm-eval's documents.
    case keepRows(key: String, value: JSONValue)
    /// `doc_to_text` / `doc_to_target` / `doc_to_choice` / `gen_prefix`-style `f(doc) -> value`.
    case docField(@Sendable (JSONObject) throws(LMEvalError) -> JSONValue)
    /// `fewshot_config.samples: !function f` with `f() -> list[dict]`.
    case samples(@Sendable () -> [JSONObject])
    /// `process_results(doc, results) -> dict`, the scoring side of a task.
    case processResults(ProcessResultsFunction)
    /// `metric_list[i].aggregation: !function f` with `f(items) -> float`.
    case aggregation(AggregationFunction)

    var kindName: String {
        switch self {
        case .processDocs, .keepRows: "process_docs"
        case .docField: "document field"
        case .samples: "few-shot samples"
        case .processResults: "process_results"
        case .aggregation: "aggregation"
        }
    }
}

/// Native functions keyed by the Python module file (relative to the task folder root, e.g.
/// `mmlu_pro/utils.py`) and the function name.
public struct NativeFunctionRegistry: Sendable {
    public struct Key: Sendable, Hashable {
        public var module: String
        public var name: String

        public init(module: String, name: String) {
            self.module = module
            self.name = name
        }
    }

    private var functions: [Key: NativeFunction] = [:]

    public init() {}

    /// Registers `function` for `!function` references resolving to `module` (a .py path relative to a task root) and `name`.
    public mutating func register(module: String, name: String, _ function: NativeFunction) {
        functions[Key(module: module, name: name)] = function
    }

    public var keys: [Key] { Array(functions.keys) }

    /// The implementation for `reference`: the module file relative to `root` first, then the
    /// longest registered module path that ends the module file at a folder boundary (so a copy
    /// of lm-eval's `leaderboard/math` under another root still matches).
    public func lookup(_ reference: FunctionReference, root: String?) -> NativeFunction? {
        let file = PathText.normalize(reference.moduleFile)
        if let root, let exact = functions[Key(module: PathText.relative(file, to: root), name: reference.name)] {
            return exact
        }
        var best: (length: Int, function: NativeFunction)?
        for (key, function) in functions where key.name == reference.name {
            if file == key.module || file.hasSuffix("/" + key.module), key.module.count > (best?.length ?? -1) {
                best = (key.module.count, function)
            }
        }
        return best?.function
    }

    /// The functions shipped with this port.
    public static let standard: NativeFunctionRegistry = {
        var registry = NativeFunctionRegistry()
        MMLUProFunctions.register(in: &registry)
        LeaderboardMath.register(in: &registry)
        MultipleChoiceFunctions.register(in: &registry)
        WikitextFunctions.register(in: &registry)
        IFEvalFunctions.register(in: &registry)
        MMLUProCategoriesFunctions.register(in: &registry)
        BabistepsFunctions.register(in: &registry)
        LeaderboardFunctions.register(in: &registry)
        TMMLUPlusFunctions.register(in: &registry)
        return registry
    }()
}
