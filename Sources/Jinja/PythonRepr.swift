import JSON

/// Python's `str()` and `repr()` of JSON values, as Jinja2 prints `{{ value }}`.
public enum PythonValue {
    /// Python `str(value)`: strings as is, containers as their repr, `True`, `None`, `1.0`.
    public static func str(_ value: JSONValue) -> String {
        if case let .string(s) = value { return s }
        return repr(value)
    }

    /// Python `repr(value)`: `'it\'s'` quoting, `['a', 1]`, `{'k': None}`, float repr.
    public static func repr(_ value: JSONValue) -> String {
        PythonRepr.repr(Value(value))
    }
}

/// `str()` / `repr()` of runtime values.
enum PythonRepr {
    /// Python `str(value)`; StrictUndefined raises when printed.
    static func str(_ value: Value) throws(RenderFailure) -> String {
        switch value {
        case let .string(s): return s
        case let .undefined(u):
            if u.lenient { return "" }
            throw RenderFailure.undefined(u)
        default: return repr(value)
        }
    }

    static func repr(_ value: Value) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    static func float(_ d: Double) -> String { JSONValue.pythonFloatRepr(d) }

    private static func write(_ value: Value, to out: inout String) {
        switch value {
        case .undefined: out += "Undefined"
        case .none: out += "None"
        case let .bool(b): out += b ? "True" : "False"
        case let .int(i): out += String(i)
        case let .double(d): out += float(d)
        case let .string(s): writeString(s, to: &out)
        case let .list(items):
            out += "["
            writeItems(items, to: &out)
            out += "]"
        case let .tuple(items):
            out += "("
            writeItems(items, to: &out)
            if items.count == 1 { out += "," }
            out += ")"
        case let .dict(dict):
            out += "{"
            var first = true
            for (key, item) in dict.pairs {
                if !first { out += ", " }
                first = false
                write(key, to: &out)
                out += ": "
                write(item, to: &out)
            }
            out += "}"
        case let .function(function):
            switch function {
            case let .method(receiver, name): out += "<built-in method \(name) of \(receiver.typeName) object>"
            case let .global(name): out += "<function \(name)>"
            case .loopCycle: out += "<bound method LoopContext.cycle>"
            }
        }
    }

    private static func writeItems(_ items: [Value], to out: inout String) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            write(item, to: &out)
        }
    }

    /// Python's string repr: single quotes unless the text has `'` and no `"`.
    static func writeString(_ s: String, to out: inout String) {
        let scalars = s.unicodeScalars
        let quote: Unicode.Scalar = scalars.contains("'") && !scalars.contains("\"") ? "\"" : "'"
        out.unicodeScalars.append(quote)
        for scalar in scalars {
            switch scalar {
            case quote, "\\":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x7F || isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        out.unicodeScalars.append(quote)
    }

    /// Python's `str.isprintable()` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
