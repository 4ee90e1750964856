/// What a scalar node becomes once its tag is known.
enum ScalarItem {
    case value(YAMLValue)
    /// `<<` (tag:yaml.org,2002:merge): only meaningful as a mapping key.
    case mergeKey
    /// `=` (tag:yaml.org,2002:value): PyYAML turns it into a string key and has no constructor for it elsewhere.
    case valueKey(String)
}

/// A scalar that PyYAML's constructor would reject; the builder adds the position.
struct ScalarProblem: Error {
    var message: String
}

/// PyYAML's default `Resolver` (YAML 1.1 implicit types) and its constructors for the standard scalar tags.
enum ScalarResolver {
    static let standardPrefix = "tag:yaml.org,2002:"
    static let mergeTag = "tag:yaml.org,2002:merge"
    static let valueTag = "tag:yaml.org,2002:value"

    /// `tag` is libyaml's resolved tag (nil when absent); `plainImplicit` is libyaml's flag, which PyYAML's
    /// CParser also honours for the non-specific tag `!`, even on quoted scalars.
    static func resolve(_ text: String, tag: String?, plainImplicit: Bool) throws(ScalarProblem) -> ScalarItem {
        guard let tag, tag != "!" else {
            return plainImplicit ? try implicit(text) : .value(.string(text))
        }
        guard tag.hasPrefix(standardPrefix) else { return .value(.tagged(tag: tag, value: text)) }
        switch tag.dropFirst(standardPrefix.count) {
        case "str", "timestamp": return .value(.string(text))
        case "null": return .value(.null)
        case "bool": return .value(.bool(try constructBool(text)))
        case "int": return .value(.int(try constructInt(text)))
        case "float": return .value(.double(try constructFloat(text)))
        case "merge": return .mergeKey
        case "value": return .valueKey(text)
        case "seq", "omap", "pairs": throw ScalarProblem(message: "expected a sequence node, but found scalar")
        case "map", "set": throw ScalarProblem(message: "expected a mapping node, but found scalar")
        default: return .value(.tagged(tag: tag, value: text))
        }
    }

    /// Implicit resolution of an untagged plain scalar.
    static func implicit(_ text: String) throws(ScalarProblem) -> ScalarItem {
        let kind = text.utf8.withContiguousStorageIfAvailable(kind(of:)) ?? kind(of: Array(text.utf8))
        switch kind {
        case .string: return .value(.string(text))
        case .null: return .value(.null)
        case .bool: return .value(.bool(try constructBool(text)))
        case .int: return .value(.int(try constructInt(text)))
        case .float: return .value(.double(try constructFloat(text)))
        case .merge: return .mergeKey
        case .value: return .valueKey(text)
        }
    }

    enum Kind { case string, null, bool, int, float, merge, value }

    /// The tag PyYAML's implicit resolvers pick, tried in its order for the scalar's first character.
    static func kind<Bytes: RandomAccessCollection>(of bytes: Bytes) -> Kind where Bytes.Element == UInt8, Bytes.Index == Int {
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if Self.nullWords.contains(where: { $0.elementsEqual(bytes) }) { return .null }
            return first == UInt8(ascii: "~") ? .string : (isBool(bytes) ? .bool : .string)
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            return isBool(bytes) ? .bool : .string
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if isFloat(bytes) { return .float }
            if isInt(bytes) { return .int }
            return .string
        case UInt8(ascii: "<"):
            return bytes.elementsEqual("<<".utf8) ? .merge : .string
        case UInt8(ascii: "="):
            return bytes.count == 1 ? .value : .string
        default:
            return .string
        }
    }

    private static let nullWords: [[UInt8]] = ["~", "null", "Null", "NULL"].map { Array($0.utf8) }
    private static let boolWords: [[UInt8]] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ].map { Array($0.utf8) }

    private static func isBool<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        boolWords.contains { $0.elementsEqual(bytes) }
    }

    // MARK: - PyYAML's int and float regular expressions, hand-compiled

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isDigitOrUnderscore(_ byte: UInt8) -> Bool { isDigit(byte) || byte == 0x5F }

    /// `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`
    static func isInt<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        let end = bytes.endIndex
        var i = bytes.startIndex
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        guard i < end else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i == end { return true }
            let rest = bytes[(i + 1)...]
            switch bytes[i] {
            case UInt8(ascii: "b"):
                return !rest.isEmpty && rest.allSatisfy { $0 == 0x30 || $0 == 0x31 || $0 == 0x5F }
            case UInt8(ascii: "x"):
                return !rest.isEmpty && rest.allSatisfy { $0.isHexDigit || $0 == 0x5F }
            default:
                return bytes[i...].allSatisfy { ($0 >= 0x30 && $0 <= 0x37) || $0 == 0x5F }
            }
        }
        guard isDigit(bytes[i]) else { return false }
        i += 1
        while i < end, isDigitOrUnderscore(bytes[i]) { i += 1 }
        if i == end { return true }
        return sexagesimalGroups(bytes, from: i) == end
    }

    /// The float regex; note that PyYAML requires a dot and a signed exponent, so `1e3` and `1.5e3` are strings.
    static func isFloat<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        let end = bytes.endIndex
        var i = bytes.startIndex
        let signed = bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")
        if signed { i += 1 }
        guard i < end else { return false }
        if bytes[i] == UInt8(ascii: ".") {
            let rest = bytes[(i + 1)...]
            if ["inf", "Inf", "INF"].contains(where: { rest.elementsEqual($0.utf8) }) { return true }
            if signed { return false }
            if ["nan", "NaN", "NAN"].contains(where: { rest.elementsEqual($0.utf8) }) { return true }
            var j = i + 1
            guard j < end, isDigit(bytes[j]) else { return false }
            j += 1
            while j < end, isDigitOrUnderscore(bytes[j]) { j += 1 }
            return exponentReachesEnd(bytes, from: j)
        }
        guard isDigit(bytes[i]) else { return false }
        i += 1
        while i < end, isDigitOrUnderscore(bytes[i]) { i += 1 }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, isDigitOrUnderscore(bytes[i]) { i += 1 }
            return exponentReachesEnd(bytes, from: i)
        }
        guard let groupsEnd = sexagesimalGroups(bytes, from: i), groupsEnd < end, bytes[groupsEnd] == UInt8(ascii: ".") else {
            return false
        }
        return bytes[(groupsEnd + 1)...].allSatisfy(isDigitOrUnderscore)
    }

    /// `(?:[eE][-+][0-9]+)?$` from `start`.
    private static func exponentReachesEnd<Bytes: RandomAccessCollection>(_ bytes: Bytes, from start: Int) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        let end = bytes.endIndex
        if start == end { return true }
        guard bytes[start] == UInt8(ascii: "e") || bytes[start] == UInt8(ascii: "E"), start + 2 < end,
              bytes[start + 1] == UInt8(ascii: "-") || bytes[start + 1] == UInt8(ascii: "+")
        else { return false }
        return bytes[(start + 2)...].allSatisfy(isDigit)
    }

    /// Consumes `(?::[0-5]?[0-9])+` greedily; the end of the last group, or nil when there is none.
    private static func sexagesimalGroups<Bytes: RandomAccessCollection>(_ bytes: Bytes, from start: Int) -> Int? where Bytes.Element == UInt8, Bytes.Index == Int {
        let end = bytes.endIndex
        var i = start
        var groups = 0
        while i + 1 < end, bytes[i] == UInt8(ascii: ":"), isDigit(bytes[i + 1]) {
            let twoDigits = i + 2 < end && isDigit(bytes[i + 2]) && bytes[i + 1] <= UInt8(ascii: "5")
            i += twoDigits ? 3 : 2
            groups += 1
        }
        return groups > 0 ? i : nil
    }

    // MARK: - Constructors (PyYAML's SafeConstructor.construct_yaml_*)

    static func constructBool(_ text: String) throws(ScalarProblem) -> Bool {
        switch text.lowercased() {
        case "yes", "true", "on": return true
        case "no", "false", "off": return false
        default: throw ScalarProblem(message: "invalid boolean \(quoted(text))")
        }
    }

    static func constructInt(_ text: String) throws(ScalarProblem) -> Int {
        var digits = Array(text.utf8.lazy.filter { $0 != UInt8(ascii: "_") })
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits.removeFirst()
        }
        let magnitude: UInt64?
        if digits.elementsEqual("0".utf8) {
            magnitude = 0
        } else if digits.starts(with: "0b".utf8) {
            magnitude = unsigned(digits.dropFirst(2), radix: 2)
        } else if digits.starts(with: "0x".utf8) {
            magnitude = unsigned(digits.dropFirst(2), radix: 16)
        } else if digits.starts(with: "0o".utf8) || digits.starts(with: "0O".utf8) {
            magnitude = unsigned(digits.dropFirst(2), radix: 8)  // Python's int(text, 8) accepts the prefix
        } else if digits.first == UInt8(ascii: "0") {
            magnitude = unsigned(digits[...], radix: 8)
        } else if digits.contains(UInt8(ascii: ":")) {
            magnitude = sexagesimal(digits)
        } else {
            magnitude = unsigned(digits[...], radix: 10)
        }
        guard let magnitude else { throw ScalarProblem(message: "invalid integer \(quoted(text))") }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { throw outOfRange(text) }
            return Int(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { throw outOfRange(text) }
        return Int(magnitude)
    }

    private static func outOfRange(_ text: String) -> ScalarProblem {
        ScalarProblem(message: "integer \(quoted(text)) does not fit in 64 bits")
    }

    /// nil when a digit is invalid for `radix`, the text is empty, or the value exceeds 64 bits.
    private static func unsigned(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    /// `1:20:30` is 1*3600 + 20*60 + 30.
    private static func sexagesimal(_ digits: [UInt8]) -> UInt64? {
        var value: UInt64 = 0
        var base: UInt64 = 1
        for part in digits.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).reversed() {
            guard let digit = unsigned(part, radix: 10) else { return nil }
            let (term, overflow) = digit.multipliedReportingOverflow(by: base)
            let (sum, carry) = value.addingReportingOverflow(term)
            guard !overflow, !carry else { return nil }
            value = sum
            base = base.multipliedReportingOverflow(by: 60).partialValue
        }
        return value
    }

    static func constructFloat(_ text: String) throws(ScalarProblem) -> Double {
        var value = String(text.lazy.filter { $0 != "_" }).lowercased()
        var sign = 1.0
        if let first = value.first, first == "-" || first == "+" {
            if first == "-" { sign = -1.0 }
            value.removeFirst()
        }
        if value == ".inf" { return sign * .infinity }
        if value == ".nan" { return .nan }
        if value.contains(":") {
            var total = 0.0
            var base = 1.0
            for part in value.split(separator: ":", omittingEmptySubsequences: false).reversed() {
                guard let digit = pythonFloat(part) else { throw invalidFloat(text) }
                total += digit * base
                base *= 60
            }
            return sign * total
        }
        guard let number = pythonFloat(Substring(value)) else { throw invalidFloat(text) }
        return sign * number
    }

    /// Python's `float()` on ASCII text: surrounding whitespace allowed, hexadecimal not.
    private static func pythonFloat(_ text: Substring) -> Double? {
        var trimmed = text
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        let body = String(trimmed)
        guard !body.isEmpty, !body.contains("x") else { return nil }
        return Double(body)
    }

    private static func invalidFloat(_ text: String) -> ScalarProblem {
        ScalarProblem(message: "invalid float \(quoted(text))")
    }

    private static func quoted(_ text: String) -> String { "'\(text)'" }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
