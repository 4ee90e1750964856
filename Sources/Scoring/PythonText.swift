import JSON

/// Python `str` operations the filters and metrics need, over Unicode code points.
enum PythonText {
    /// `str.isspace()` for one character.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `s.strip()`.
    static func strip(_ s: String) -> String {
        // Indices into the string's own scalars: no copy when there is nothing to strip (the usual case).
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        var end = scalars.endIndex
        while end > first {
            let previous = scalars.index(before: end)
            if !isSpace(scalars[previous]) { break }
            end = previous
        }
        if first == scalars.startIndex && end == scalars.endIndex { return s }
        return String(Substring(scalars[first..<end]))
    }

    /// `s.lstrip()`.
    static func lstrip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        return first == scalars.startIndex ? s : String(Substring(scalars[first...]))
    }

    /// `s.isdigit()`: non-empty and every character has Numeric_Type Decimal or Digit.
    static func isDigit(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy {
            $0.properties.numericType == .decimal || $0.properties.numericType == .digit
        }
    }

    /// `a == b` on Python strings: code points, not canonical equivalence.
    static func equal(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    /// `s.translate(table)` that deletes every character `drop` accepts.
    static func removing(_ s: String, where drop: (Unicode.Scalar) -> Bool) -> String {
        guard s.unicodeScalars.contains(where: drop) else { return s }
        var view = String.UnicodeScalarView()
        for scalar in s.unicodeScalars where !drop(scalar) { view.append(scalar) }
        return String(view)
    }

    /// `string.punctuation`.
    static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// `unicodedata.category(c).startswith("P")`.
    static func isUnicodePunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// `str(value)` for the JSON-shaped values lm-eval passes around.
    static func str(_ value: JSONValue) -> String {
        if case let .string(s) = value { return s }
        return repr(value)
    }

    /// `repr(value)`.
    static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case let .bool(b): return b ? "True" : "False"
        case let .int(i): return String(i)
        case let .double(d): return JSONValue.pythonFloatRepr(d)
        case let .string(s): return quote(s)
        case let .array(items): return "[" + items.map(repr).joined(separator: ", ") + "]"
        case let .object(o): return "{" + o.pairs.map { quote($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        }
    }

    private static func quote(_ s: String) -> String {
        let q: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(q)
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(c) == q { out += "\\" }
                out.unicodeScalars.append(c)
            }
        }
        out.append(q)
        return out
    }
}

extension PythonText {
    /// `s.replace(old, new)`, matching code points (Foundation's search would match canonically equivalent text).
    static func replace(_ s: String, _ old: String, _ new: String) -> String {
        let text = Array(s.unicodeScalars)
        let needle = Array(old.unicodeScalars)
        let replacement = Array(new.unicodeScalars)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        if needle.isEmpty {
            // Python inserts `new` between every character and at both ends.
            for c in text {
                out += replacement
                out.append(c)
            }
            out += replacement
            return string(out)
        }
        var i = 0
        while i < text.count {
            if i + needle.count <= text.count, text[i..<(i + needle.count)].elementsEqual(needle) {
                out += replacement
                i += needle.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return string(out)
    }

    /// `s.split(separator)` with a non-empty separator.
    static func split(_ s: String, _ separator: String) -> [String] {
        let text = Array(s.unicodeScalars)
        let needle = Array(separator.unicodeScalars)
        var parts: [String] = []
        var start = 0
        var i = 0
        while i + needle.count <= text.count {
            if text[i..<(i + needle.count)].elementsEqual(needle) {
                parts.append(string(text[start..<i]))
                i += needle.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(string(text[start...]))
        return parts
    }
}
