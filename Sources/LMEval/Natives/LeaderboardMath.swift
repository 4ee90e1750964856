import JSON
import Python
import PythonRegex
import Scoring

/// lm-eval's `leaderboard/math/utils.py`: the prompt side (`process_docs` keeps Level 5 rows
/// and adds the boxed `answer`, `doc_to_text`, the four fixed few-shot samples) and
/// `process_results`, which returns `exact_match` and `exact_match_original` as ints (0/1), as
/// lm-eval does.
///
/// - `exact_match_original` is lm-eval's `process_result_v1`: the answer after "Final Answer:
///   The final answer is … I hope it is correct." (else invalid → 0), `normalize_final_answer`
///   on it and on `doc["answer"]`, then string equality or `is_equiv`. The extraction and the
///   normalisation are exact. `is_equiv` is sympy's `simplify(parse_latex(a) - parse_latex(b)) == 0`;
///   here it is `MathExpression.equivalent` (numbers and canonical LaTeX). Differs from lm-eval
///   for symbolic answers sympy can prove equal (`x+1` vs `1+x`, `\sqrt{8}` vs `2\sqrt{2}`,
///   `\pi`-expressions), which count as wrong here.
/// - `exact_match` is lm-eval's math-verify path (`parse` + `verify`), approximated by
///   `MathVerifyLite`: the same priority order of answer patterns, but numbers and arithmetic
///   only instead of sympy; see there for the differences.
enum LeaderboardMath {
    static let module = "leaderboard/math/utils.py"
    static let invalidAnswer = "[invalidanswer]"

    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: module, name: "process_docs", .processDocs { docs throws(LMEvalError) in
            try processDocs(docs)
        })
        registry.register(module: module, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string("Problem:" + "\n" + (try NativeSupport.string(doc, "problem", function: "leaderboard_math doc_to_text")) + "\n\n" + "Solution:")
        })
        registry.register(module: module, name: "list_fewshot_samples", .samples { fewshotSamples })
        registry.register(module: module, name: "process_results", .processResults { doc, results throws(ScoringError) in
            processResults(doc: doc, results: results)
        })
    }

    /// `process_results(doc, results)`: math-verify's `exact_match` and Minerva's `exact_match_original`.
    static func processResults(doc: JSONObject, results: [JSONValue]) -> [(name: String, value: JSONValue)] {
        guard case let .string(candidate)? = results.first else {
            return [("exact_match", .int(0)), ("exact_match_original", .int(0))]
        }
        var verified = false
        if case let .string(solution)? = doc["solution"] {
            verified = MathVerifyLite.verify(goldSolution: solution, response: candidate)
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
        if PyText.equal(PyText.strip(normalized), PyText.strip(gold)) || MathExpression.equivalent(normalized, gold) { return 1 }
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


    /// The patterns here are fixed and valid; `nil` would only mean an ICU regression.
    private static func compile(_ pattern: String) -> PythonRegex? {
        try? PythonRegex(pattern)
    }

    /// `dataset.filter(level == "Level 5").map(_process_doc)`: HF `map` merges the returned
    /// dict into the row, so the original columns stay and `answer` is appended.
    /// (`getattr(doc, "few_shot", None)` on a dict is always None, so `few_shot` is never set.)
    static func processDocs(_ docs: [JSONObject]) throws(LMEvalError) -> [JSONObject] {
        var out: [JSONObject] = []
        for doc in docs where doc["level"] == .string("Level 5") {
            var row = doc
            let problem = try NativeSupport.string(doc, "problem", function: "leaderboard_math process_docs")
            let solution = try NativeSupport.string(doc, "solution", function: "leaderboard_math process_docs")
            row["problem"] = .string(problem)
            row["solution"] = .string(solution)
            row["answer"] = .string(removeBoxed(lastBoxedOnlyString(solution)))
            out.append(row)
        }
        return out
    }

    /// `last_boxed_only_string`: the last `\\boxed{...}` (or `\\fbox{...}`) with balanced braces.
    static func lastBoxedOnlyString(_ string: String) -> String {
        let s = Array(string.unicodeScalars)
        if NativeSupport.contains(s, "\\boxed ") {
            let tail = NativeSupport.split(s, "\\boxed ").last ?? []
            let beforeDollar = NativeSupport.split(tail, "$").first ?? []
            return "\\boxed " + String(String.UnicodeScalarView(beforeDollar))
        }
        var start = NativeSupport.rfind(s, "\\boxed")
        if start < 0 {
            start = NativeSupport.rfind(s, "\\fbox")
            if start < 0 { return invalidAnswer }
        }
        var open = 0
        var i = start
        while i < s.count {
            if s[i] == "{" { open += 1 }
            if s[i] == "}" {
                open -= 1
                if open == 0 {
                    return String(String.UnicodeScalarView(s[start...i]))
                }
            }
            i += 1
        }
        return invalidAnswer
    }

    /// `remove_boxed`: the content of `\\boxed ...` or `\\boxed{...}`, else `[invalidanswer]`.
    static func removeBoxed(_ string: String) -> String {
        let s = Array(string.unicodeScalars)
        let spaced = Array("\\boxed ".unicodeScalars)
        if NativeSupport.contains(s, "\\boxed ") {
            guard s.starts(with: spaced) else { return invalidAnswer }
            return String(String.UnicodeScalarView(s[spaced.count...]))
        }
        let braced = Array("\\boxed{".unicodeScalars)
        guard s.starts(with: braced), s.last == "}", s.count >= braced.count + 1 else { return invalidAnswer }
        return String(String.UnicodeScalarView(s[braced.count..<(s.count - 1)]))
    }

    /// `list_fewshot_samples()`, the same four worked problems.
    static let fewshotSamples: [JSONObject] = {
        guard case let .array(items)? = try? JSONValue.parse(samplesJSON) else { return [] }
        return items.compactMap(\.objectValue)
    }()

    private static let samplesJSON = #"""
[
 {
  "problem": "Find the domain of the expression  $\\frac{\\sqrt{x-2}}{\\sqrt{5-x}}$.}",
  "solution": "The expressions inside each square root must be non-negative. Therefore, $x-2 \\ge 0$, so $x\\ge2$, and $5 - x \\ge 0$, so $x \\le 5$. Also, the denominator cannot be equal to zero, so $5-x>0$, which gives $x<5$. Therefore, the domain of the expression is $\\boxed{[2,5)}$.\nFinal Answer: The final answer is $[2,5)$. I hope it is correct.",
  "few_shot": "1",
  "level": "Level 5"
 },
 {
  "problem": "If $\\det \\mathbf{A} = 2$ and $\\det \\mathbf{B} = 12,$ then find $\\det (\\mathbf{A} \\mathbf{B}).$",
  "solution": "We have that $\\det (\\mathbf{A} \\mathbf{B}) = (\\det \\mathbf{A})(\\det \\mathbf{B}) = (2)(12) = \\boxed{24}.$\nFinal Answer: The final answer is $24$. I hope it is correct.",
  "few_shot": "1",
  "level": "Level 5"
 },
 {
  "problem": "Terrell usually lifts two 20-pound weights 12 times. If he uses two 15-pound weights instead, how many times must Terrell lift them in order to lift the same total weight?",
  "solution": "If Terrell lifts two 20-pound weights 12 times, he lifts a total of $2\\cdot 12\\cdot20=480$ pounds of weight.  If he lifts two 15-pound weights instead for $n$ times, he will lift a total of $2\\cdot15\\cdot n=30n$ pounds of weight.  Equating this to 480 pounds, we can solve for $n$:\n\\begin{align*}\n30n&=480\\\n\\Rightarrow\\qquad n&=480/30=\\boxed{16}\n\\end{align*}\nFinal Answer: The final answer is $16$. I hope it is correct.",
  "few_shot": "1",
  "level": "Level 5"
 },
 {
  "problem": "If the system of equations\n\n\\begin{align*}\n6x-4y&=a,\\\n6y-9x &=b.\n\\end{align*}has a solution $(x, y)$ where $x$ and $y$ are both nonzero,\nfind $\\frac{a}{b},$ assuming $b$ is nonzero.",
  "solution": "If we multiply the first equation by $-\\frac{3}{2}$, we obtain\n\n$$6y-9x=-\\frac{3}{2}a.$$Since we also know that $6y-9x=b$, we have\n\n$$-\\frac{3}{2}a=b\\Rightarrow\\frac{a}{b}=\\boxed{-\\frac{2}{3}}.$$\nFinal Answer: The final answer is $-\\frac{2}{3}$. I hope it is correct.",
  "few_shot": "1",
  "level": "Level 5"
 }
]
"""#
}
