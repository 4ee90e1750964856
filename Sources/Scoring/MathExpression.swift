import Foundation
import Python

/// A number as sympy holds a simple evaluated expression: an exact rational, or a float once a
/// decimal literal or an irrational operation is involved.
enum MathNumber: Sendable, Equatable {
    case exact(Int, Int)   // numerator, positive denominator, in lowest terms
    case float(Double)

    static func rational(_ n: Int, _ d: Int) -> MathNumber? {
        guard d != 0 else { return nil }
        let g = gcd(abs(n), abs(d))
        let (nn, dd) = d < 0 ? (-n / g, -d / g) : (n / g, d / g)
        return .exact(nn, dd)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }

    var double: Double {
        switch self {
        case let .exact(n, d): return Double(n) / Double(d)
        case let .float(x): return x
        }
    }

    var isFloat: Bool { if case .float = self { true } else { false } }

    static func + (a: MathNumber, b: MathNumber) -> MathNumber? {
        if case let .exact(an, ad) = a, case let .exact(bn, bd) = b {
            let (x, o1) = an.multipliedReportingOverflow(by: bd)
            let (y, o2) = bn.multipliedReportingOverflow(by: ad)
            let (s, o3) = x.addingReportingOverflow(y)
            let (d, o4) = ad.multipliedReportingOverflow(by: bd)
            if !(o1 || o2 || o3 || o4) { return rational(s, d) }
        }
        return .float(a.double + b.double)
    }

    static prefix func - (a: MathNumber) -> MathNumber {
        switch a {
        case let .exact(n, d): return n == Int.min ? .float(-a.double) : .exact(-n, d)
        case let .float(x): return .float(-x)
        }
    }

    static func * (a: MathNumber, b: MathNumber) -> MathNumber? {
        if case let .exact(an, ad) = a, case let .exact(bn, bd) = b {
            let (n, o1) = an.multipliedReportingOverflow(by: bn)
            let (d, o2) = ad.multipliedReportingOverflow(by: bd)
            if !(o1 || o2) { return rational(n, d) }
        }
        return .float(a.double * b.double)
    }

    static func / (a: MathNumber, b: MathNumber) -> MathNumber? {
        switch b {
        case let .exact(n, d):
            guard n != 0 else { return nil }
            return a * .exact(d, n).normalised
        case let .float(x):
            guard x != 0 else { return nil }
            return .float(a.double / x)
        }
    }

    private var normalised: MathNumber {
        if case let .exact(n, d) = self { return MathNumber.rational(n, d) ?? self }
        return self
    }

    func power(_ e: MathNumber) -> MathNumber? {
        if case let .exact(en, 1) = e, case .exact = self, abs(en) <= 64 {
            var result: MathNumber = .exact(1, 1)
            for _ in 0..<abs(en) {
                guard let next = result * self else { return nil }
                result = next
            }
            return en < 0 ? MathNumber.exact(1, 1) / result : result
        }
        let value = pow(double, e.double)
        return value.isFinite ? .float(value) : nil
    }

    func squareRoot() -> MathNumber? {
        if case let .exact(n, d) = self, n >= 0 {
            let rn = Int(Double(n).squareRoot().rounded()), rd = Int(Double(d).squareRoot().rounded())
            if rn * rn == n, rd * rd == d { return .exact(rn, rd) }
        }
        guard double >= 0 else { return nil }
        return .float(double.squareRoot())
    }
}

/// Evaluates the arithmetic subset of LaTeX that MATH answers mostly use: integers, decimals,
/// `+ - * /`, `\cdot`, `\times`, `\div`, `^`, parentheses and braces, `\frac{a}{b}` (also
/// `\dfrac`, `\tfrac`, `\frac12`), `\sqrt{x}`, implicit multiplication. Anything else (a
/// variable, a set, an interval, text) is not a number and yields `nil`.
public struct MathExpression {
    /// Deepest nesting of groups and signs evaluated; deeper text (a model response of 100,000
    /// parentheses) is not a number rather than a stack overflow. Real answers nest a few levels.
    static let maxNesting = 100

    private let s: [Unicode.Scalar]
    private var i = 0
    private var nesting = 0

    private init(_ text: String) { s = Array(text.unicodeScalars) }

    /// The value of `latex`, or `nil` when it is not a plain number expression.
    static func evaluate(_ latex: String) -> MathNumber? {
        var parser = MathExpression(canonical(latex))
        guard !parser.s.isEmpty, let value = parser.expression(), parser.i == parser.s.count else { return nil }
        return value
    }

    /// Stands in for sympy's `simplify(parse_latex(a) - parse_latex(b)) == 0`: both evaluate to
    /// the same number (a float compares by value, so `117.0` ≡ `117`), or their canonical LaTeX
    /// is equal. Symbolic answers sympy could prove equal (`x+1` vs `1+x`) are not.
    public static func equivalent(_ a: String, _ b: String) -> Bool {
        if let x = evaluate(a), let y = evaluate(b) {
            return x.isFloat || y.isFloat ? x.double == y.double : x == y
        }
        let ca = canonical(a), cb = canonical(b)
        return !ca.isEmpty && PyText.equal(ca, cb)
    }

    /// `latex` with spacing and presentation commands removed, so equal notation compares equal.
    static func canonical(_ latex: String) -> String {
        var t = latex
        for (old, new) in [("\\left", ""), ("\\right", ""), ("\\!", ""), ("\\,", ""), ("\\;", ""), ("\\:", ""),
                           ("\\ ", ""), ("\\displaystyle", ""), ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"),
                           ("\\cdot", "*"), ("\\times", "*"), ("\\div", "/"), ("{,}", ""), ("$", "")] {
            t = PyText.replace(t, old, new)
        }
        return PyText.removing(t, where: PyText.isSpace)
    }

    private var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    private func startsWith(_ word: String) -> Bool {
        var k = i
        for c in word.unicodeScalars {
            guard k < s.count, s[k] == c else { return false }
            k += 1
        }
        return true
    }

    private mutating func expression() -> MathNumber? {
        guard var value = term() else { return nil }
        while let c = peek, c == "+" || c == "-" {
            i += 1
            guard let rhs = term() else { return nil }
            guard let next = c == "+" ? value + rhs : value + (-rhs) else { return nil }
            value = next
        }
        return value
    }

    private mutating func term() -> MathNumber? {
        guard var value = unary() else { return nil }
        while let c = peek {
            if c == "*" || c == "/" {
                i += 1
                guard let rhs = unary(), let next = c == "*" ? value * rhs : value / rhs else { return nil }
                value = next
            } else if c == "(" || c == "{" || (c == "\\" && (startsWith("\\frac") || startsWith("\\sqrt"))) || (c.properties.numericType == .decimal && c.isASCII) {
                guard let rhs = power(), let next = value * rhs else { return nil }
                value = next
            } else {
                break
            }
        }
        return value
    }

    private mutating func unary() -> MathNumber? {
        // Every recursion (a sign, a bracket, a group, an exponent) passes here, so one count bounds them all.
        guard nesting < Self.maxNesting else { return nil }
        nesting += 1
        defer { nesting -= 1 }
        if peek == "-" {
            i += 1
            return unary().map { -$0 }
        }
        if peek == "+" {
            i += 1
            return unary()
        }
        return power()
    }

    private mutating func power() -> MathNumber? {
        guard let base = atom() else { return nil }
        guard peek == "^" else { return base }
        i += 1
        let exponent: MathNumber?
        if peek == "{" {
            exponent = group()
        } else if peek == "-" {
            i += 1
            exponent = atom().map { -$0 }
        } else {
            exponent = atom()
        }
        guard let exponent else { return nil }
        return base.power(exponent)
    }

    /// `{expr}`, or one character (`\frac12`).
    private mutating func group() -> MathNumber? {
        if peek == "{" {
            i += 1
            guard let value = expression(), peek == "}" else { return nil }
            i += 1
            return value
        }
        guard let c = peek, c.isASCII, c.properties.numericType == .decimal else { return nil }
        i += 1
        return .exact(Int(c.value) - 48, 1)
    }

    private mutating func atom() -> MathNumber? {
        guard let c = peek else { return nil }
        if c == "(" || c == "{" {
            let close: Unicode.Scalar = c == "(" ? ")" : "}"
            i += 1
            guard let value = expression(), peek == close else { return nil }
            i += 1
            return value
        }
        if startsWith("\\frac") {
            i += 5
            guard let n = group(), let d = group() else { return nil }
            return n / d
        }
        if startsWith("\\sqrt") {
            i += 5
            return group()?.squareRoot()
        }
        return number()
    }

    private mutating func number() -> MathNumber? {
        let start = i
        var digits = ""
        var fraction = ""
        while let c = peek, c.isASCII, c.properties.numericType == .decimal {
            digits.unicodeScalars.append(c)
            i += 1
        }
        var isFloat = false
        if peek == "." {
            isFloat = true
            i += 1
            while let c = peek, c.isASCII, c.properties.numericType == .decimal {
                fraction.unicodeScalars.append(c)
                i += 1
            }
        }
        guard i > start, !(digits.isEmpty && fraction.isEmpty) else {
            i = start
            return nil
        }
        if isFloat {
            guard let value = Double((digits.isEmpty ? "0" : digits) + "." + (fraction.isEmpty ? "0" : fraction)) else { return nil }
            return .float(value)
        }
        guard let value = Int(digits) else { return Double(digits).map { .float($0) } }
        return .exact(value, 1)
    }
}
