import Python
import PythonRegex

/// An approximation of math-verify 0.9's `parse` / `verify` (used by leaderboard math's
/// `exact_match`) without sympy.
///
/// Extraction follows math-verify: patterns in priority order — "final answer is $…$ I hope"
/// (0), "final answer … is $…$" and the last `\boxed{…}` (50), "answer: … $…$" (100),
/// "answer … $…$" (200), then any LaTeX environment (`$…$`, `$$…$$`, `\[…\]`, `\(…\)`, a bare
/// `\frac{n}{n}`) and, for predictions, plain numbers and arithmetic (300). Within a priority
/// the match ending last wins. A value is the arithmetic result (`MathExpression`) of the
/// extracted LaTeX, or of the right-hand side of an equation (`x = 2`, `\frac{-8}{4} = -2`).
/// Verification: equal fallback strings; or numbers equal (rounded to 6 decimals when one is a
/// float, exactly otherwise); or equal canonical LaTeX.
///
/// Known differences from math-verify: no sympy, so symbolic answers (variables, `\pi`,
/// radicals that do not simplify to rationals, sets, intervals, matrices, several answers
/// joined by "and") compare as canonical strings only; percentages are not converted; LaTeX
/// normalisation is reduced to spacing, `\left`/`\right`, `\dfrac`, `\text{…}` and `\boxed{…}`;
/// text that math-verify's LaTeX parser would reject is still taken as an answer.
public enum MathVerifyLite {
    /// One extracted answer: math-verify's `[parsed, fallback string]`.
    struct Answer: Equatable {
        /// The normalised LaTeX / expression text (math-verify's string fallback).
        var text: String
        /// The value compared: the expression, or an equation's last right-hand side.
        var valueText: String
        var isEquation: Bool
        var number: MathNumber?
    }

    private static let environments: [String] = [
        #"(?<!\\)\$\$((?:[^$]|\$(?!\$))+?)(?<!\\)\$\$"#,
        #"(?<!\\)\\\[((?:[^\\]|\\(?!\]))+?)(?<!\\)\\\]"#,
        #"(?<!\\|\d)\$((?:\\[$]|[^\n$])+?)(?<!\\)\$"#,
        #"(?<!\\)\\\(((?:[^\\\n]|\\(?!\)))+?)(?<!\\)\\\)"#,
        #"\s\[([^\n\]\[]+?)\]\s"#,
        #"(-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\})"#,
    ]
    private static let latex = "(?:" + environments.joined(separator: "|") + ")"

    private static let number = #"(?<!\d)(-?[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?|-?\d+[.,]\d+|\.\d+|-?\d+)"#
        + #"(?:\s*(?:%|[Pp]ercent|\s*[Pp]ercentage|\s*[Pp]ct))?"#
    private static let operators = #"\+\-\*\×\/\^\(\)\÷"#
    private static let exprChars = #"[\d\.\s"# + operators + "]"
    private static let expression = #"(-?\(?-?\d"# + exprChars + "*[" + operators + "]" + exprChars + #"+\)?)"#
    private static let prefix = #"(?:^|\s|\=)(?:\*\*)?"#
    private static let suffix = #"(?:\*\*)?(?:\.|,|:|\s|\)|\$|$)"#
    private static let currency = "[" + PythonRegex.escape("$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₴₵₶₷₸₹₺₻₼₽₾₿") + "]?"
    private static let exprWithAnchors = "(?:" + prefix + expression + suffix + ")"
    private static let numberWithAnchors = "(?:" + prefix + currency + number + ")"
    private static let exprOrNumber = "(?:" + exprWithAnchors + "|" + numberWithAnchors + ")"

    private enum Kind { case latex, expression }

    /// The patterns here are fixed and valid; `nil` would only mean an ICU regression.
    private static func compile(_ pattern: String, dotAll: Bool = false) -> PythonRegex? {
        try? PythonRegex(pattern, flags: dotAll ? .dotAll : [])
    }

    private static let latexPatterns: [(Int, PythonRegex?)] = [
        (0, compile(#"(?i:final answer is)\:?\s*"# + latex + #"\.?\s?I hope"#, dotAll: true)),
        (50, compile(#"(?i:final answer.{0,100}?)\s+is\:?\s*"# + latex, dotAll: true)),
        (100, compile(#"(?i:answer):.{0,50}?"# + latex, dotAll: true)),
        (200, compile(#"(?i:answer).{0,50}?"# + latex, dotAll: true)),
        (300, compile(latex, dotAll: true)),
    ]

    private static let expressionPatterns: [(Int, PythonRegex?)] = [
        (0, compile(#"(?i:final answer is)\:?\s*"# + exprOrNumber + #"\.?\s?I hope"#, dotAll: false)),
        (50, compile(#"(?i:final answer.{0,100}?)\s+is\:?"# + exprOrNumber, dotAll: false)),
        (100, compile(#"(?i:answer):(?:.{0,100}=\s*|.{0,50}?)"# + exprOrNumber + #"(?!\s*=)"#, dotAll: false)),
        (200, compile(#"(?i:answer)(?:.{0,100}=\s*|.{0,50}?)"# + exprOrNumber + #"(?!\s*=)"#, dotAll: false)),
        (300, compile(exprWithAnchors, dotAll: false)),
        (300, compile(numberWithAnchors, dotAll: false)),
    ]

    private struct Candidate {
        var start: Int
        var end: Int
        var kind: Kind
        var content: String
    }

    /// math-verify's `parse(text)`: the first answer that parses, plus the first fallback string.
    static func parse(_ text: String, includeExpressions: Bool) -> [Answer] {
        var byPriority: [Int: [Candidate]] = [:]
        func collect(_ patterns: [(Int, PythonRegex?)], kind: Kind) {
            for (priority, regex) in patterns {
                guard let regex else { continue }
                for m in regex.finditer(text) {
                    // The answer is the first group that took part (one alternative of the environments).
                    guard let content = m.groups.compactMap({ $0 }).first else { continue }
                    byPriority[priority, default: []].append(Candidate(start: m.span.lowerBound, end: m.span.upperBound, kind: kind, content: content))
                }
            }
        }
        collect(latexPatterns, kind: .latex)
        if let boxed = lastBoxed(text) { byPriority[50, default: []].append(boxed) }
        if includeExpressions { collect(expressionPatterns, kind: .expression) }

        var fallbacks: [String] = []
        for priority in byPriority.keys.sorted() {
            let candidates = (byPriority[priority] ?? []).enumerated().sorted {
                ($0.element.end, -$0.element.start, -$0.offset) > ($1.element.end, -$1.element.start, -$1.offset)
            }.map(\.element)
            for candidate in candidates {
                guard let answer = extract(candidate) else { continue }
                if !answer.text.isEmpty { fallbacks.append(answer.text) }
                if accepted(answer) {
                    return [answer] + (fallbacks.first.map { [Answer(text: $0, valueText: $0, isEquation: false, number: nil)] } ?? [])
                }
            }
        }
        return fallbacks.first.map { [Answer(text: $0, valueText: $0, isEquation: false, number: nil)] } ?? []
    }

    /// math-verify's plain `\boxed{.+}` pattern runs to the text's last "}"; the value is the
    /// last `\boxed{…}`'s balanced content.
    private static func lastBoxed(_ text: String) -> Candidate? {
        let scalars = Array(text.unicodeScalars)
        let marker = Array("\\boxed{".unicodeScalars)
        var starts: [Int] = []
        var k = 0
        while k + marker.count <= scalars.count {
            if scalars[k..<(k + marker.count)].elementsEqual(marker) { starts.append(k) }
            k += 1
        }
        guard let first = starts.first, let last = starts.last,
              let lastBrace = scalars.lastIndex(of: "}"), lastBrace > first + marker.count else { return nil }
        var depth = 0
        var close: Int?
        for index in (last + marker.count - 1)..<scalars.count {
            if scalars[index] == "{" { depth += 1 }
            if scalars[index] == "}" {
                depth -= 1
                if depth == 0 {
                    close = index
                    break
                }
            }
        }
        guard let close else { return nil }
        let content = PyText.string(scalars[(last + marker.count)..<close])
        return Candidate(start: first, end: lastBrace + 1, kind: .latex, content: content)
    }

    private static func extract(_ candidate: Candidate) -> Answer? {
        var text = candidate.content
        switch candidate.kind {
        case .latex:
            text = normalizeLatex(text)
        case .expression:
            text = PyText.strip(text)
            // math-verify joins thousands separators and reads a decimal comma as a point.
            if MathExpression.evaluate(text) == nil {
                let joined = PyText.replace(PyText.replace(text, " ", ""), ",", "")
                if MathExpression.evaluate(joined) != nil { text = joined }
            }
        }
        guard !text.isEmpty else { return nil }
        let parts = PyText.split(text, sep: "=", maxSplit: -1)
        let isEquation = parts.count > 1 && !text.contains("\\leq") && !text.contains("\\geq")
        let valueText = isEquation ? (parts.last ?? text) : text
        return Answer(text: text, valueText: valueText, isEquation: isEquation, number: MathExpression.evaluate(valueText))
    }

    /// Whether math-verify's parser would accept the answer: a number, or LaTeX-like text
    /// rather than prose (no run of three plain letters outside a command).
    private static func accepted(_ answer: Answer) -> Bool {
        if answer.number != nil { return true }
        var letters = 0
        var inCommand = false
        for c in answer.valueText.unicodeScalars {
            if c == "\\" {
                inCommand = true
                letters = 0
            } else if c.properties.isAlphabetic {
                if !inCommand {
                    letters += 1
                    if letters >= 3 { return false }
                }
            } else {
                inCommand = false
                letters = 0
            }
        }
        return true
    }

    private static let textCommand = compile(#"\\(?:text|textbf|mathrm|mbox)\{([^{}]*)\}"#)
    private static let thousands = compile(#"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"#)

    /// A reduced `normalize_latex`: the last `\boxed{…}`'s content, `\text{…}` unwrapped (or
    /// dropped when it is a unit after a number), `\$`, degree marks and thousands separators
    /// dropped, spacing removed.
    static func normalizeLatex(_ latex: String) -> String {
        var text = latex
        if let boxed = lastBoxed(text) { text = boxed.content }
        for (old, new) in [("\\$", ""), ("^\\circ", ""), ("^{\\circ}", ""), ("\\%", ""), ("%", "")] {
            text = PyText.replace(text, old, new)
        }
        if let textCommand {
            let unwrapped = MathExpression.canonical(textCommand.sub(in: text) { $0.group(1) ?? "" })
            let withoutUnits = MathExpression.canonical(textCommand.sub(in: text) { _ in "" })
            text = MathExpression.evaluate(unwrapped) == nil && MathExpression.evaluate(withoutUnits) != nil ? withoutUnits : unwrapped
        } else {
            text = MathExpression.canonical(text)
        }
        while text.hasSuffix(".") || text.hasSuffix(",") { text.removeLast() }
        if thousands?.fullmatch(text) != nil { text = PyText.replace(text, ",", "") }
        return text
    }

    /// math-verify's `verify(parse(gold), parse(prediction))` on a gold solution and a model
    /// response (only the response's plain numbers and arithmetic count as answers, as
    /// math-verify's extraction config for predictions says).
    public static func verify(goldSolution: String, response: String) -> Bool {
        verify(gold: parse(goldSolution, includeExpressions: false), prediction: parse(response, includeExpressions: true))
    }

    /// math-verify's `verify(gold, prediction)`: any pair of extractions agrees.
    static func verify(gold: [Answer], prediction: [Answer]) -> Bool {
        for g in gold {
            for p in prediction where equal(g, p) { return true }
        }
        return false
    }

    private static func equal(_ gold: Answer, _ prediction: Answer) -> Bool {
        let gt = PyText.strip(gold.text), pt = PyText.strip(prediction.text)
        if !gt.isEmpty, PyText.equal(gt, pt) { return true }
        // Follow the gold's shape: an equation in the prediction is reduced to its value unless the gold is one too.
        let goldValue = gold.isEquation && prediction.isEquation ? gold.text : gold.valueText
        let predictedValue = gold.isEquation && prediction.isEquation ? prediction.text : prediction.valueText
        if !(gold.isEquation && prediction.isEquation), let x = gold.number, let y = prediction.number {
            if x.isFloat || y.isFloat { return (x.double * 1e6).rounded() == (y.double * 1e6).rounded() }
            return x == y
        }
        let a = MathExpression.canonical(goldValue), b = MathExpression.canonical(predictedValue)
        return !a.isEmpty && PyText.equal(a, b)
    }
}
