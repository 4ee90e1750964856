import JSON

/// Python's `str()` and `repr()` of document values, for the places lm-eval concatenates
/// non-string targets or choices (`str(doc_target[0])`, `str(example)`).
public enum PythonText {
    /// `str(value)`: strings as they are, everything else as `repr`.
    public static func str(_ value: JSONValue) -> String {
        if case let .string(s) = value { return s }
        return repr(value)
    }

    /// `repr(value)` as CPython prints ints, floats, bools, None, str, list and dict.
    public static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case let .bool(b): return b ? "True" : "False"
        case let .int(i): return String(i)
        case let .double(d): return JSONValue.pythonFloatRepr(d)
        case let .string(s): return reprString(s)
        case let .array(items): return "[" + items.map(repr).joined(separator: ", ") + "]"
        case let .object(object):
            return "{" + object.pairs.map { reprString($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// `repr(str)`: single quotes unless the text has a single quote and no double quote.
    public static func reprString(_ s: String) -> String {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escape(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        if scalar.value < 0x100 { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if scalar.value < 0x10000 { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `str.isdigit()` for the ASCII digits lm-eval's templates produce (non-empty, all 0-9).
    static func isDigits(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `str.isspace()`.
    static func isSpace(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy(isPythonWhitespace)
    }

    static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return scalar.properties.generalCategory == .spaceSeparator
            || scalar.value == 0x2028 || scalar.value == 0x2029
        }
    }
}
