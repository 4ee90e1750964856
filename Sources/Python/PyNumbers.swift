import Foundation

/// Python's `int(str)`, `float(str)` and `round()`.
public enum PyNumbers {
    /// What `int(text)` gives.
    public enum Parsed<T> {
        case value(T)
        /// Python raises ValueError.
        case invalid
        /// Python would return a big integer; this port has 64 bits.
        case overflow
    }

    /// Python strips whitespace and accepts any Unicode decimal digit.
    private static func normalized(_ text: String) -> [Unicode.Scalar] {
        PyText.scalars(PyText.strip(text, chars: nil, left: true, right: true)).map { c in
            if !c.isASCII, c.properties.numericType == .decimal, let v = c.properties.numericValue,
               let ascii = Unicode.Scalar(UInt32(48 + Int(v)))
            {
                return ascii
            }
            return c
        }
    }

    /// Digits with single underscores between them, as Python literals allow.
    private static func stripUnderscores(_ scalars: ArraySlice<Unicode.Scalar>, allowLeading: Bool) -> String? {
        var out = ""
        var previousUnderscore = !allowLeading
        for (i, c) in scalars.enumerated() {
            if c == "_" {
                if previousUnderscore || i == scalars.count - 1 { return nil }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// Python `int(text, base)`.
    public static func parseInt(_ text: String, base: Int) -> Parsed<Int> {
        var scalars = normalized(text)[...]
        var negative = false
        if let first = scalars.first, first == "+" || first == "-" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        var radix = base
        var prefixed = false
        if scalars.count >= 2, scalars[scalars.startIndex] == "0" {
            let p = Character(scalars[scalars.startIndex + 1]).lowercased()
            let prefixRadix = p == "x" ? 16 : p == "o" ? 8 : p == "b" ? 2 : 0
            if prefixRadix != 0, base == 0 || base == prefixRadix {
                radix = prefixRadix
                scalars = scalars.dropFirst(2)
                prefixed = true
            }
        }
        if radix == 0 { radix = 10 }
        guard (2...36).contains(radix), !scalars.isEmpty,
              let digits = stripUnderscores(scalars, allowLeading: prefixed), !digits.isEmpty,
              digits.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) })
        else { return .invalid }
        // Base 0 rejects leading zeros such as "010", like a Python literal.
        if base == 0, !prefixed, digits.count > 1, digits.hasPrefix("0"), digits.contains(where: { $0 != "0" }) {
            return .invalid
        }
        guard let magnitude = UInt64(digits, radix: radix) else {
            return digits.allSatisfy({ Int(String($0), radix: radix) != nil }) ? .overflow : .invalid
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return .overflow }
            return .value(magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude))
        }
        guard magnitude <= UInt64(Int.max) else { return .overflow }
        return .value(Int(magnitude))
    }

    /// Python `float(text)`.
    public static func parseFloat(_ text: String) -> Double? {
        let scalars = normalized(text)
        var body = scalars[...]
        var sign = 1.0
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        let word = PyText.string(body).lowercased()
        if word == "inf" || word == "infinity" { return sign * .infinity }
        if word == "nan" { return .nan }
        guard body.allSatisfy({ "0123456789.eE+-_".unicodeScalars.contains($0) }),
              let cleaned = stripUnderscores(body, allowLeading: false), !cleaned.isEmpty,
              let value = Double(cleaned)
        else { return nil }
        return sign * value
    }

    /// Python's `round(x, ndigits)` for floats: correctly rounded, ties to even.
    public static func round(_ x: Double, digits: Int) -> Double {
        guard x.isFinite else { return x }
        if digits >= 0 {
            guard digits < 300 else { return x }
            // glibc's printf rounds the exact binary value, ties to even: what CPython's dtoa does.
            return Double(String(format: "%.\(digits)f", x)) ?? x
        }
        let scale = Foundation.pow(10.0, Double(-digits))
        let scaled = (x / scale).rounded(.toNearestOrEven)
        return scaled * scale
    }

    /// Python's `round(i, ndigits)` for ints: unchanged for ndigits >= 0, else ties to even.
    public static func round(_ i: Int, digits: Int) -> Int {
        guard digits < 0 else { return i }
        guard digits > -19 else { return 0 }
        var scale = 1
        for _ in 0..<(-digits) { scale *= 10 }
        let q = Double(i) / Double(scale)
        return Int(q.rounded(.toNearestOrEven)) * scale
    }
}

extension PyNumbers.Parsed: Equatable where T: Equatable {}
extension PyNumbers.Parsed: Sendable where T: Sendable {}
