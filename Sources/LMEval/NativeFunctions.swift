import Foundation
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
    ///
    /// A module that only re-exports a function of lm-eval's own library (`from lm_eval.utils import
    /// weighted_f1_score`, as many task folders do) gets the native registered for that library module.
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
        if let found = best?.function { return found }
        guard let (library, name) = Self.reexport(of: reference.name, in: file) else { return nil }
        return functions[Key(module: library, name: name)]
    }

    /// lm-eval library modules a task's module may re-export from, by their Python import path.
    static let libraryModules = ["lm_eval.utils": "lm_eval/utils.py", "lm_eval.api.metrics": "lm_eval/api/metrics.py"]

    /// Where `name` in the Python file at `path` comes from, when the file imports it from an lm-eval
    /// library module (`from lm_eval.utils import a, b as name`): that module's path and the imported name.
    static func reexport(of name: String, in path: String) -> (module: String, name: String)? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            guard words.count == 4, words[0] == "from", words[2] == "import", let module = libraryModules[String(words[1])] else { continue }
            let imports = words[3].split(separator: "#", maxSplits: 1)[0]
            for item in imports.split(separator: ",") {
                let parts = item.split(separator: " ", omittingEmptySubsequences: true)
                if parts.count == 1, parts[0] == name { return (module, name) }
                if parts.count == 3, parts[1] == "as", parts[2] == name { return (module, String(parts[0])) }
            }
        }
        return nil
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
        ClassificationFunctions.register(in: &registry)
        return registry
    }()
}
