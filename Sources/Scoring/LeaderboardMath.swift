import JSON
import Python
import PythonRegex

/// Native `process_results` of lm-eval's `leaderboard/math` tasks (`utils.process_results`),
/// returning `exact_match` and `exact_match_original` as ints (0/1), as lm-eval does.
///
/// - `exact_match_original` is lm-eval's `process_result_v1`: the answer after "Final Answer:
///   The final answer is … I hope it is correct." (else invalid → 0), `normalize_final_answer`
///   on it and on `doc["answer"]`, then string equality or `is_equiv`. The extraction and the
///   normalisation are exact. `is_equiv` is sympy's `simplify(parse_latex(a) - parse_latex(b)) == 0`;
///   here two answers are equivalent when both evaluate as arithmetic (see `MathExpression`) to
///   the same number (a float literal compares by value, so `117.0` ≡ `117`, `0.75` ≡ `\frac{3}{4}`),
///   or when their canonical LaTeX (spacing and `\left`/`\right`/`\dfrac` removed) is equal.
///   Differs from lm-eval for symbolic answers sympy can prove equal (`x+1` vs `1+x`,
///   `\sqrt{8}` vs `2\sqrt{2}`, `\pi`-expressions), which count as wrong here.
/// - `exact_match` is lm-eval's math-verify path (`parse` + `verify`), approximated by
///   `MathVerifyLite`: the same priority order of answer patterns, but numbers and arithmetic
///   only instead of sympy; see there for the differences.
enum LeaderboardMath {
    static let invalidAnswer = "[invalidanswer]"

    static func processResults(doc: JSONObject, results: [JSONValue]) throws(ScoringError) -> [(name: String, value: JSONValue)] {
        guard case let .string(candidate)? = results.first else {
            return [("exact_match", .int(0)), ("exact_match_original", .int(0))]
        }
        var verified = false
        if case let .string(solution)? = doc["solution"] {
            let gold = MathVerifyLite.parse(solution, includeExpressions: false)
            let predicted = MathVerifyLite.parse(candidate, includeExpressions: true)
            verified = MathVerifyLite.verify(gold: gold, prediction: predicted)
        }
        var original = 0
        if case let .string(answer)? = doc["answer"] {
            original = processResultV1(answer: answer, candidate: candidate)
        }
        return [("exact_match", .int(verified ? 1 : 0)), ("exact_match_original", .int(original))]
    }

    /// lm-eval's `process_result_v1`.
    static func processResultV1(answer: String, candidate: String) -> Int {
        let normalized = normalizeFinalAnswer(unnormalizedAnswer(candidate))
        let gold = normalizeFinalAnswer(answer)
        if normalized == invalidAnswer { return 0 }
        if PyText.equal(PyText.strip(normalized), PyText.strip(gold)) || isEquivalent(normalized, gold) { return 1 }
        return 0
    }

    private static let finalAnswer = compile(#"Final Answer: The final answer is(.*?). I hope it is correct."#)

    /// lm-eval's `get_unnormalized_answer`.
    static func unnormalizedAnswer(_ text: String) -> String {
        guard let match = finalAnswer?.search(text + "I hope it is correct."), let answer = match.group(1) else { return invalidAnswer }
        return PyText.strip(answer)
    }

    private static let substitutions: [(String, String)] = [
        ("an ", ""), ("a ", ""), (".$", "$"), ("\\$", ""), ("\\ ", ""), (" ", ""), ("mbox", "text"),
        (",\\text{and}", ","), ("\\text{and}", ","), ("\\text{m}", "\\text{}"),
    ]

    private static let removedExpressions: [String] = [
        "square", "ways", "integers", "dollars", "mph", "inches", "ft", "hours", "km", "units", "\\ldots", "sue",
        "points", "feet", "minutes", "digits", "cents", "degrees", "cm", "gm", "pounds", "meters", "meals", "edges",
        "students", "childrentickets", "multiples", "\\text{s}", "\\text{.}", "\\text{\ns}", "\\text{}^2",
        "\\text{}^3", "\\text{\n}", "\\text{}", "\\mathrm{th}", "^\\circ", "^{\\circ}", "\\;", ",\\!", "{,}", "\"",
        "\\dots",
    ]

    private static let rewrites: [(PythonRegex?, String)] = [
        (compile(#"(.*?)(\$)(.*?)(\$)(.*)"#), #"$\3$"#),
        (compile(#"(\\text\{)(.*?)(\})"#), #"\2"#),
        (compile(#"(\\textbf\{)(.*?)(\})"#), #"\2"#),
        (compile(#"(\\overline\{)(.*?)(\})"#), #"\2"#),
        (compile(#"(\\boxed\{)(.*)(\})"#), #"\2"#),
        (compile(#"(frac)([^{])(.)"#), #"frac{\2}{\3}"#),
        (compile(#"(sqrt)([^{])"#), #"sqrt{\2}"#),
    ]

    /// lm-eval's `normalize_final_answer` (Lewkowycz et al. 2022, appendix D).
    static func normalizeFinalAnswer(_ answer: String) -> String {
        var s = PyText.split(answer, sep: "=", maxSplit: -1).last ?? answer
        for (before, after) in substitutions { s = PyText.replace(s, before, after) }
        for expression in removedExpressions { s = PyText.replace(s, expression, "") }
        for (regex, template) in rewrites {
            guard let regex else { continue }
            s = (try? regex.sub(template, in: s)) ?? s
        }
        s = PyText.replace(s, "$", "")
        if PyText.isDigit(PyText.replace(s, ",", "")) { s = PyText.replace(s, ",", "") }
        return s
    }

    /// Stands in for lm-eval's sympy `is_equiv` (see the type's documentation).
    static func isEquivalent(_ a: String, _ b: String) -> Bool {
        if let x = MathExpression.evaluate(a), let y = MathExpression.evaluate(b) {
            return x.isFloat || y.isFloat ? x.double == y.double : x == y
        }
        let ca = MathExpression.canonical(a), cb = MathExpression.canonical(b)
        return !ca.isEmpty && PyText.equal(ca, cb)
    }

    /// The patterns here are fixed and valid; `nil` would only mean an ICU regression.
    static func compile(_ pattern: String, flags: PythonRegex.Flags = []) -> PythonRegex? {
        try? PythonRegex(pattern, flags: flags)
    }
}
