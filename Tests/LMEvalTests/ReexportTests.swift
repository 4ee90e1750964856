import Foundation
import Testing
@testable import LMEval

/// A task module that re-exports lm-eval's own library function gets that function's native.
@Suite struct ReexportTests {
    static func module(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reexport-\(UUID().uuidString).py").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [
        ("from lm_eval.utils import weighted_f1_score\n", "weighted_f1_score", "lm_eval/utils.py", "weighted_f1_score"),
        ("import re\nfrom lm_eval.utils import general_detokenize, weighted_f1_score  # noqa\n", "weighted_f1_score", "lm_eval/utils.py", "weighted_f1_score"),
        ("from lm_eval.utils import weighted_f1_score as f1\n", "f1", "lm_eval/utils.py", "weighted_f1_score"),
        ("from lm_eval.api.metrics import mean\n", "mean", "lm_eval/api/metrics.py", "mean"),
    ])
    func findsTheLibraryFunction(_ text: String, _ name: String, _ module: String, _ imported: String) throws {
        let found = NativeFunctionRegistry.reexport(of: name, in: try Self.module(text))
        #expect(found?.module == module && found?.name == imported)
    }

    @Test(arguments: [
        "def weighted_f1_score(items):\n    return 0\n",
        "from sklearn.metrics import weighted_f1_score\n",
        "from lm_eval.utils import weighted_f1_score_v2\n",
    ])
    func ignoresAnythingElse(_ text: String) throws {
        #expect(NativeFunctionRegistry.reexport(of: "weighted_f1_score", in: try Self.module(text)) == nil)
    }
}
