import Scoring
import Testing

/// Model responses are hostile input: nesting drives the math parser's recursion.
@Suite struct MathNestingTests {
    static func nested(_ depth: Int, open: String = "(", close: String = ")", inner: String = "1+1") -> String {
        String(repeating: open, count: depth) + inner + String(repeating: close, count: depth)
    }

    @Test(arguments: [1, 10, 40])
    func shallowNestingStillEvaluates(depth: Int) {
        #expect(MathExpression.equivalent(Self.nested(depth), "2"))
        #expect(MathExpression.equivalent(Self.nested(depth, open: "{", close: "}"), "2"))
        #expect(MathExpression.equivalent(String(repeating: "-", count: depth * 2) + "2", "2"))
    }

    /// A hundred times the limit, inside a Task (whose stack is smaller than the main thread's): not a
    /// number, so not equivalent to one — the metric's "unparseable answer" — instead of a crash.
    @Test(arguments: [("(", ")"), ("{", "}"), ("\\sqrt{", "}"), ("2^{", "}"), ("-", ""), ("\\frac{1}{", "}")])
    func deepNestingIsNotANumber(open: String, close: String) async {
        let response = Self.nested(10_000, open: open, close: close, inner: "2")
        let verdict = await Task.detached { MathExpression.equivalent(response, "2") }.value
        #expect(verdict == false)
    }
}
