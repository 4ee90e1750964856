import JSON
@testable import LMEval
import Testing

/// leaderboard math's `process_results` against lm-eval 0.4.9 itself (math-verify 0.9, sympy
/// 1.14): the expected values were produced by running lm-eval's `utils.process_results` on a
/// document whose solution is `So the answer is $\boxed{<answer>}$.` and whose `answer` is `<answer>`.
@Suite struct LeaderboardMathTests {
    static let probes: [(response: String, answer: String, exactMatch: Int, original: Int)] = [
        (#"The answer is $\boxed{\frac{1}{2}}$."#, #"\frac{1}{2}"#, 1, 0),
        (#"Final Answer: The final answer is $0.5$. I hope it is correct."#, #"\frac{1}{2}"#, 1, 1),
        (#"Final Answer: The final answer is $\dfrac{1}{2}$. I hope it is correct."#, #"\frac{1}{2}"#, 1, 1),
        (#"Final Answer: The final answer is $\frac12$. I hope it is correct."#, #"\frac{1}{2}"#, 1, 1),
        (#"Final Answer: The final answer is $1,000$. I hope it is correct."#, #"1000"#, 1, 1),
        (#"So we get 1,000 apples."#, #"1000"#, 1, 0),
        (#"Final Answer: The final answer is $x+1$. I hope it is correct."#, #"x+1"#, 1, 1),
        (#"Final Answer: The final answer is $1+x$. I hope it is correct."#, #"x+1"#, 1, 1),
        (#"Final Answer: The final answer is $2\sqrt{2}$. I hope it is correct."#, #"\sqrt{8}"#, 1, 1),
        (#"Final Answer: The final answer is $\sqrt{4}$. I hope it is correct."#, #"2"#, 1, 1),
        (#"Final Answer: The final answer is $(1,2)$. I hope it is correct."#, #"(1,2)"#, 1, 1),
        (#"Final Answer: The final answer is $[2,5)$. I hope it is correct."#, #"[2,5)"#, 1, 1),
        (#"Final Answer: The final answer is $5\%$. I hope it is correct."#, #"5"#, 1, 0),
        (#"Final Answer: The final answer is $90^\circ$. I hope it is correct."#, #"90"#, 1, 1),
        (#"Final Answer: The final answer is $10\text{ cm}$. I hope it is correct."#, #"10"#, 1, 1),
        (#"The result is 3/4."#, #"\frac{3}{4}"#, 1, 0),
        (#"We find $y = 2x + 3$."#, #"2x+3"#, 1, 0),
        (#"Final Answer: The final answer is $-\frac{2}{3}$. I hope it is correct."#, #"-\frac{2}{3}"#, 1, 1),
        (#"Final Answer: The final answer is $0.333333$. I hope it is correct."#, #"\frac{1}{3}"#, 1, 0),
        (#"Final Answer: The final answer is $\pi$. I hope it is correct."#, #"\pi"#, 1, 1),
        (#"Final Answer: The final answer is $2\pi$. I hope it is correct."#, #"2\pi"#, 1, 1),
        (#"The value is 12."#, #"12"#, 1, 0),
        (#"I think it's 7 or maybe 8"#, #"8"#, 1, 0),
        (#"Final Answer: The final answer is 15. I hope it is correct."#, #"15"#, 1, 1),
        (#"Final Answer: The final answer is $\$15$. I hope it is correct."#, #"15"#, 1, 1),
        (#"Final Answer: The final answer is $2^{10}$. I hope it is correct."#, #"1024"#, 1, 1),
        (#"Final Answer: The final answer is $3$ and $4$. I hope it is correct."#, #"3,4"#, 1, 0),
        (#"Final Answer: The final answer is $\left(3, 4\right)$. I hope it is correct."#, #"(3,4)"#, 1, 0),
        (#"Answer: $\boxed{9}$ dollars"#, #"9"#, 1, 0),
        (#"Final Answer: The final answer is $\text{(B)}$. I hope it is correct."#, #"\text{(B)}"#, 1, 1),
        (#"Final Answer: The final answer is $0.33$. I hope it is correct."#, #"\frac{1}{3}"#, 0, 0),
        (#"Final Answer: The final answer is $x+2$. I hope it is correct."#, #"x+1"#, 0, 0),
        (#"Final Answer: The final answer is $(2,1)$. I hope it is correct."#, #"(1,2)"#, 0, 0),
        (#"I think it's 7 or maybe 8"#, #"7"#, 0, 0),
        (#"Final Answer: The final answer is $\frac{2}{4}$. I hope it is correct."#, #"\frac{1}{2}"#, 1, 1),
        (#"Final Answer: The final answer is $-2$. I hope it is correct."#, #"2"#, 0, 0),
        (#"The answer is $\boxed{4}$, not $5$."#, #"5"#, 0, 0),
        (#"Final Answer: The final answer is $\sqrt{2}$. I hope it is correct."#, #"\frac{\sqrt{8}}{2}"#, 1, 1),
        (#"Final Answer: The final answer is $1.4142136$. I hope it is correct."#, #"\sqrt{2}"#, 1, 0),
    ]

    /// Where the native approximation differs from lm-eval's sympy-based equivalence:
    /// probe index → metric → reason.
    static let knownDifferences: [Int: [String: String]] = [
        7: ["exact_match": "`1+x` vs `x+1`: sympy proves symbolic expressions equal; natively only numbers and identical canonical LaTeX compare equal",
            "exact_match_original": "`1+x` vs `x+1`: is_equiv uses sympy.simplify; natively only numbers and identical canonical LaTeX compare equal"],
        26: ["exact_match": "`$3$ and $4$` vs `3,4`: math-verify joins answers linked by and/or into a set; not implemented natively"],
    ]

    @Test(arguments: probes.indices)
    func matchesLMEvalOrIsAKnownDifference(index: Int) throws {
        let probe = Self.probes[index]
        let doc: JSONObject = ["problem": "p", "solution": .string("So the answer is $\\boxed{\(probe.answer)}$."), "answer": .string(probe.answer)]
        let result = LeaderboardMath.processResults(doc: doc, results: [.string(probe.response)])
        let exactMatch = try #require(result.first { $0.name == "exact_match" }?.value.intValue)
        let original = try #require(result.first { $0.name == "exact_match_original" }?.value.intValue)
        let known = Self.knownDifferences[index] ?? [:]
        if known["exact_match"] != nil {
            #expect(exactMatch != probe.exactMatch, "probe \(index) now agrees: drop it from knownDifferences")
        } else {
            #expect(exactMatch == probe.exactMatch, "probe \(index) exact_match: \(probe.response) vs \(probe.answer)")
        }
        if known["exact_match_original"] != nil {
            #expect(original != probe.original, "probe \(index) now agrees: drop it from knownDifferences")
        } else {
            #expect(original == probe.original, "probe \(index) exact_match_original: \(probe.response) vs \(probe.answer)")
        }
    }

    @Test(arguments: [
        ("Final Answer: The final answer is $7$. I hope it is correct.", "$7$"),
        ("no final answer here", "[invalidanswer]"),
        ("Final Answer: The final answer is 3", "[invalidanswer]"),
        ("Final Answer: The final answer is 3 ", ""),
    ])
    func unnormalizedAnswer(text: String, expected: String) {
        #expect(LeaderboardMath.unnormalizedAnswer(text) == expected)
    }

    @Test(arguments: [
        ("$k=6$", "6"), ("\\boxed{13}", "13"), ("1,000", "1000"), ("\\text{(B)}", "(B)"), ("10 cm", "10"),
        ("\\frac12", "\\frac{1}{2}"), ("\\sqrt2", "\\sqrt{2}"), ("90^\\circ", "90"), ("an apple", "apple"),
    ])
    func normalizeFinalAnswer(raw: String, expected: String) {
        #expect(LeaderboardMath.normalizeFinalAnswer(raw) == expected)
    }
}
