import JSON
import Scoring

/// lm-eval's `ifeval/utils.py` (`process_results`, `agg_inst_level_acc`); the checks themselves
/// are `Scoring.IFEvalScoring`. lm-eval's `leaderboard/ifeval` has its own copy of the module,
/// bound here too.
enum IFEvalFunctions {
    static let modules = ["ifeval/utils.py", "leaderboard/ifeval/utils.py"]

    static func register(in registry: inout NativeFunctionRegistry) {
        for module in modules {
            registry.register(module: module, name: "process_results", .processResults { doc, results throws(ScoringError) in
                try IFEvalScoring.processResults(doc: doc, results: results)
            })
            registry.register(module: module, name: "agg_inst_level_acc", .aggregation { items throws(ScoringError) in
                try IFEvalScoring.instructionLevelAccuracy(items)
            })
        }
    }
}
