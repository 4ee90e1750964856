import JSON
import Scoring

/// lm-eval's `weighted_f1_score` aggregation (scikit-learn's weighted F1 over `(gold, pred)`): in
/// `lm_eval/utils.py`, which task folders re-export, and the identical copies aradice's folders define.
enum ClassificationFunctions {
    static let modules = [
        "lm_eval/utils.py",
        "aradice/piqa/metrics.py", "aradice/openbookqa/metrics.py", "aradice/truthfulqa_mcq/metrics.py",
        "aradice/cultural-benchmark/metrics.py", "aradice/winogrande/metrics.py",
        "aradice/boolq/EGY/metrics.py", "aradice/boolq/LEV/metrics.py", "aradice/boolq/MSA/metrics.py", "aradice/boolq/ENG/metrics.py",
        "aradice/ArabicMMLU/EGY/metrics.py", "aradice/ArabicMMLU/LEV/metrics.py",
    ]

    static func register(in registry: inout NativeFunctionRegistry) {
        for module in modules {
            registry.register(module: module, name: "weighted_f1_score", .aggregation { items throws(ScoringError) in
                let (golds, preds) = try Classification.pairs(items, metric: "f1")
                return Classification.weightedF1(golds: golds, preds: preds)
            })
        }
    }
}
