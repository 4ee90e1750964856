import Foundation

/// Python's text for a `float`: `repr()`/`str()` and the spellings `json.dumps` writes.
public enum PythonFloat {
    /// `repr(d)`: the shortest round-tripping digits, positional when the decimal exponent is in
    /// [-4, 16), otherwise `1e+16` / `1e-05`.
    public static func repr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return finite(d)
    }

    /// `json.dumps(d)`: `repr` for finite values, `NaN` / `Infinity` / `-Infinity` otherwise.
    public static func json(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return finite(d)
    }

    /// `format(d, ".{precision}")`: like `g`, but switching to an exponent one digit sooner and
    /// keeping one digit past the point (`1.0`, not `1`).
    public static func format(_ d: Double, precision: Int) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let p = max(precision, 1)
        // glibc rounds the exact binary value to p digits, as CPython's dtoa does.
        let scientific = String(format: "%.\(p - 1)e", d)
        guard let e = scientific.firstIndex(of: "e"), let exponent = Int(scientific[scientific.index(after: e)...]) else {
            return scientific
        }
        let point = exponent + 1
        if point <= -4 || point > p - 1 {
            return trimmingZeros(String(scientific[..<e])) + scientific[e...]
        }
        let fixed = trimmingZeros(String(format: "%.\(p - point)f", d))
        return fixed.contains(".") ? fixed : fixed + ".0"
    }

    /// `1.500` as `1.5`, `2.000` as `2`.
    private static func trimmingZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.last == "0" { trimmed = trimmed.dropLast() }
        if trimmed.last == "." { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    private static func finite(_ d: Double) -> String {
        // Swift's description has Python's shortest digits and notation everywhere except
        // [2^53, 1e16), where Swift already writes an exponent and Python does not.
        let magnitude = d.magnitude
        guard magnitude >= 0x1p53 && magnitude < 1e16 else { return d.description }
        return (d.sign == .minus ? "-" : "") + positional(magnitude.description)
    }

    /// `9.5e+15` as `9500000000000000.0`: the digits of a description moved past the point.
    private static func positional(_ description: String) -> String {
        let parts = description.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var digits = Array(mantissa[0].utf8) + (mantissa.count == 2 ? Array(mantissa[1].utf8) : [])
        let point = mantissa[0].utf8.count + exponent
        while digits.count > point, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.count <= point {
            digits += repeatElement(UInt8(ascii: "0"), count: point - digits.count)
            return String(decoding: digits, as: UTF8.self) + ".0"
        }
        return String(decoding: digits[..<point], as: UTF8.self) + "." + String(decoding: digits[point...], as: UTF8.self)
    }
}
