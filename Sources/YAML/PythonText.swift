/// The text Python's `str()` prints for the scalar values a YAML mapping key can hold.
enum PythonText {
    /// nil for values Python could not use as a dict key here (collections) or that have no faithful text (tagged).
    static func key(_ value: YAMLValue) -> String? {
        switch value {
        case .string(let text): return text
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case .double(let number): return repr(number)
        case .sequence, .mapping, .tagged: return nil
        }
    }

    /// Python's `repr(float)`: the shortest round-tripping digits, in positional notation when the decimal
    /// exponent is in (-4, 16], otherwise as `1e+16` / `1e-05`.
    static func repr(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        let sign = number.sign == .minus ? "-" : ""
        if number == 0 { return sign + "0.0" }

        // Swift's description has the same shortest digits, only a different notation threshold.
        let text = number.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = Array(mantissa[0].utf8)
        var digits = integerDigits + (mantissa.count == 2 ? Array(mantissa[1].utf8) : [])
        var point = integerDigits.count + exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let digitText = String(decoding: digits, as: UTF8.self)

        if point > -4 && point <= 16 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digitText }
            if point >= digits.count {
                return sign + digitText + String(repeating: "0", count: point - digits.count) + ".0"
            }
            let split = digitText.index(digitText.startIndex, offsetBy: point)
            return sign + digitText[..<split] + "." + digitText[split...]
        }
        let leading = digitText.prefix(1)
        let rest = digitText.dropFirst()
        let power = point - 1
        let powerDigits = String(power.magnitude)
        let paddedPower = (powerDigits.count < 2 ? "0" : "") + powerDigits
        return sign + leading + (rest.isEmpty ? "" : "." + rest) + "e" + (power < 0 ? "-" : "+") + paddedPower
    }
}
