import Foundation
import JSON

/// scikit-learn's classification scores over `(gold, pred)` label pairs, as lm-eval's `f1`,
/// `matthews_corrcoef` and `weighted_f1_score` aggregations call them.
public enum Classification {
    /// `sklearn.metrics.f1_score(golds, preds)`: binary, positive label 1; 0 when there is no true
    /// or predicted positive (scikit-learn's `zero_division="warn"`). More than two labels is
    /// scikit-learn's "Target is multiclass but average='binary'" error.
    public static func binaryF1(golds: [Int], preds: [Int], metric: String, task: String) throws(ScoringError) -> Double {
        let labels = Set(golds).union(preds).sorted()
        guard labels.count <= 2 else {
            throw ScoringError(.sample, task: task, "metric '\(metric)': the labels \(labels) are multiclass, and lm-eval's f1 aggregation is scikit-learn's binary f1_score (use aggregation: !function utils.weighted_f1_score or another average)")
        }
        if labels.count == 2, !labels.contains(1) {
            throw ScoringError(.sample, task: task, "metric '\(metric)': pos_label=1 is not a valid label (labels \(labels)), as scikit-learn's binary f1_score refuses")
        }
        return f1(of: 1, golds: golds, preds: preds)
    }

    /// `sklearn.metrics.f1_score(golds, preds, average="weighted")`: each label's F1 weighted by
    /// how often it is the gold.
    public static func weightedF1(golds: [Int], preds: [Int]) -> Double {
        let labels = Set(golds).union(preds).sorted()
        var weighted = 0.0, support = 0.0
        for label in labels {
            let count = Double(golds.reduce(0) { $0 + ($1 == label ? 1 : 0) })
            weighted += f1(of: label, golds: golds, preds: preds) * count
            support += count
        }
        return support == 0 ? 0 : weighted / support
    }

    /// One label's F1 as scikit-learn computes it: `2·tp / (2·tp + fn + fp)`, 0 when that is 0/0.
    static func f1(of label: Int, golds: [Int], preds: [Int]) -> Double {
        var tp = 0, fp = 0, fn = 0
        for (gold, pred) in zip(golds, preds) {
            if pred == label, gold == label { tp += 1 } else if pred == label { fp += 1 } else if gold == label { fn += 1 }
        }
        let denominator = 2 * tp + fn + fp
        return denominator == 0 ? 0 : Double(2 * tp) / Double(denominator)
    }

    /// `sklearn.metrics.matthews_corrcoef(golds, preds)`, the multiclass form (from the confusion
    /// matrix's row, column and diagonal sums); 0 when either side has one label only.
    public static func matthewsCorrelation(golds: [Int], preds: [Int]) -> Double {
        let labels = Set(golds).union(preds).sorted()
        var trueSums = [Double](repeating: 0, count: labels.count), predSums = trueSums
        var correct = 0.0
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        for (gold, pred) in zip(golds, preds) {
            guard let g = index[gold], let p = index[pred] else { continue }
            trueSums[g] += 1
            predSums[p] += 1
            if g == p { correct += 1 }
        }
        let samples = predSums.reduce(0, +)
        let dot = { (a: [Double], b: [Double]) in zip(a, b).reduce(0.0) { $0 + $1.0 * $1.1 } }
        let covariance = correct * samples - dot(trueSums, predSums)
        let predVariance = samples * samples - dot(predSums, predSums)
        let trueVariance = samples * samples - dot(trueSums, trueSums)
        guard predVariance * trueVariance != 0 else { return 0 }
        return covariance / (trueVariance * predVariance).squareRoot()
    }

    /// `(gold, pred)` pairs from JSON items `[gold, pred]`, as a native aggregation receives them.
    public static func pairs(_ items: [JSONValue], metric: String) throws(ScoringError) -> (golds: [Int], preds: [Int]) {
        var golds: [Int] = [], preds: [Int] = []
        for item in items {
            guard case let .array(pair) = item, pair.count == 2, let gold = pair[0].intValue, let pred = pair[1].intValue else {
                throw ScoringError(.sample, task: "", "metric '\(metric)': an item is not a (gold, pred) pair of labels: \(item.serialized())")
            }
            golds.append(gold)
            preds.append(pred)
        }
        return (golds, preds)
    }
}
