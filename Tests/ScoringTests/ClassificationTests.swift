import Scoring
import Testing

/// scikit-learn's edge cases for the classification aggregations (the ordinary values are checked
/// against lm-eval and scikit-learn by the loglikelihood parity fixtures mmlu_f1 and navigate_f1).
@Suite struct ClassificationTests {
    @Test func binaryF1OfNoPositiveIsZero() throws {
        #expect(try Classification.binaryF1(golds: [0, 0, 0], preds: [0, 0, 0], metric: "f1", task: "t") == 0)
    }

    @Test func binaryF1CountsLabelOne() throws {
        // tp 1, fp 1, fn 1: 2/(2+1+1)
        #expect(try Classification.binaryF1(golds: [1, 1, 0, 0], preds: [1, 0, 1, 0], metric: "f1", task: "t") == 0.5)
    }

    @Test(arguments: [([0, 1, 2], [0, 1, 1], "multiclass"), ([0, 2], [2, 0], "pos_label=1 is not a valid label")])
    func binaryF1RefusesWhatScikitLearnRefuses(_ golds: [Int], _ preds: [Int], _ message: String) {
        let error = #expect(throws: ScoringError.self) { _ = try Classification.binaryF1(golds: golds, preds: preds, metric: "f1", task: "t") }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func weightedF1WeighsByGoldSupport() {
        // label 0: tp 1, fp 1, fn 1, f1 1/2, support 2; label 1: f1 0, support 1; label 2 (only predicted): weight 0.
        // scikit-learn 1.9.1 gives 0.3333333333333333.
        let value = Classification.weightedF1(golds: [0, 0, 1], preds: [0, 2, 0])
        #expect(abs(value - 1.0 / 3.0) < 1e-15)
    }

    @Test(arguments: [([1, 1, 1], [1, 0, 1]), ([0, 1, 0], [1, 1, 1])])
    func mccOfOneSidedLabelsIsZero(_ golds: [Int], _ preds: [Int]) {
        #expect(Classification.matthewsCorrelation(golds: golds, preds: preds) == 0)
    }

    @Test func mccOfPerfectAndInverted() {
        #expect(Classification.matthewsCorrelation(golds: [0, 1, 0, 1], preds: [0, 1, 0, 1]) == 1)
        #expect(Classification.matthewsCorrelation(golds: [0, 1, 0, 1], preds: [1, 0, 1, 0]) == -1)
    }
}
