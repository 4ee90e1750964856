import JSON

/// lm-eval's `leaderboard/math/utils.py` prompt side: `process_docs` (Level 5 rows plus the
/// boxed `answer`), `doc_to_text` and the four fixed few-shot samples.
///
/// Scoring (`process_results`) is not ported yet. lm-eval scores with math_verify's
/// `parse`/`verify` (sympy-based symbolic equivalence) plus `exact_match_original`
/// (Minerva normalisation, then string equality or sympy `simplify(a - b) == 0` on
/// `parse_latex`). A native port will do the normalisation and string comparison exactly, but
/// symbolic equivalence only for the forms it can parse, so answers that are equal only
/// after algebraic simplification (e.g. `\frac{1}{2}` vs `0.5`, reordered sums) can score
/// differently.
enum LeaderboardMathFunctions {
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
