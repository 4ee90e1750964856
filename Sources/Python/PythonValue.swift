/// What Python's `str()` and `repr()` see of a value: its type and, for containers, its items.
public enum PythonShape<Element> {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case str(String)
    case list([Element])
    case tuple([Element])
    case dict([(key: Element, value: Element)])
    /// An object whose repr is given as is (`<function f>`, Jinja's `Undefined`).
    case opaque(repr: String)
}

/// A value other modules print as Python would (JSON documents, Jinja's runtime values).
public protocol PythonRepresentable {
    /// This value as Python objects; containers give their items one level deep.
    var pythonShape: PythonShape<Self> { get }
}

/// A value `ast.literal_eval` results can be built into.
public protocol ExpressibleByPythonLiteral {
    /// Builds the value from a literal (never `.opaque`; sets arrive as `.list`).
    init(pythonLiteral: PythonShape<Self>)
}

/// Python's `str()` and `repr()`: the one writer every module's values go through.
public enum PythonValue {
    /// `str(value)`: strings as they are, everything else as its repr (`True`, `None`, `1.0`, `['a']`).
    public static func str<V: PythonRepresentable>(_ value: V) -> String {
        let shape = value.pythonShape
        if case let .str(s) = shape { return s }
        var out = ""
        write(shape, to: &out)
        return out
    }

    /// `repr(value)`: `'it\'s'` quoting, `['a', 1]`, `(1,)`, `{'k': None}`, float repr.
    public static func repr<V: PythonRepresentable>(_ value: V) -> String {
        var out = ""
        write(value.pythonShape, to: &out)
        return out
    }

    /// `bool(value)`: Python's truth test (None, False, 0, 0.0, "", and empty containers are false).
    public static func isTruthy<V: PythonRepresentable>(_ value: V) -> Bool {
        switch value.pythonShape {
        case .none: false
        case let .bool(b): b
        case let .int(i): i != 0
        case let .float(d): d != 0
        case let .str(s): !s.isEmpty
        case let .list(items), let .tuple(items): !items.isEmpty
        case let .dict(pairs): !pairs.isEmpty
        case .opaque: true
        }
    }

    /// `repr(s)` of a string.
    public static func repr(_ s: String) -> String {
        var out = ""
        writeRepr(s, to: &out)
        return out
    }

    private static func write<V: PythonRepresentable>(_ shape: PythonShape<V>, to out: inout String) {
        switch shape {
        case .none: out += "None"
        case let .bool(b): out += b ? "True" : "False"
        case let .int(i): out += String(i)
        case let .float(d): out += PythonFloat.repr(d)
        case let .str(s): writeRepr(s, to: &out)
        case let .list(items):
            out += "["
            writeItems(items, to: &out)
            out += "]"
        case let .tuple(items):
            out += "("
            writeItems(items, to: &out)
            if items.count == 1 { out += "," }
            out += ")"
        case let .dict(pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += ", " }
                write(pair.key.pythonShape, to: &out)
                out += ": "
                write(pair.value.pythonShape, to: &out)
            }
            out += "}"
        case let .opaque(repr): out += repr
        }
    }

    private static func writeItems<V: PythonRepresentable>(_ items: [V], to out: inout String) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            write(item.pythonShape, to: &out)
        }
    }

    /// Python's string repr: single quotes unless the text has `'` and no `"`; non-printable
    /// characters as `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
    public static func writeRepr(_ s: String, to out: inout String) {
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
                } else if scalar.value < 0x7F || PyText.isPrintable(scalar) {
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

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
