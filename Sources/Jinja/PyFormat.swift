import Foundation
import Python

/// Python's `str.format()` and format-spec mini-language (the common subset).
enum PyFormat {
    static func format(_ template: String, _ args: [Value], _ kwargs: [(name: String, value: Value)]) throws(RenderFailure) -> String {
        let text = PyText.scalars(template)
        var out = ""
        var k = 0
        var autoIndex = 0
        var usedManual = false
        var usedAuto = false
        while k < text.count {
            let c = text[k]
            if c == "}" {
                guard k + 1 < text.count, text[k + 1] == "}" else {
                    throw .valueError("Single '}' encountered in format string")
                }
                out += "}"
                k += 2
                continue
            }
            guard c == "{" else {
                out.unicodeScalars.append(c)
                k += 1
                continue
            }
            if k + 1 < text.count, text[k + 1] == "{" {
                out += "{"
                k += 2
                continue
            }
            var depth = 1
            var end = k + 1
            while end < text.count {
                if text[end] == "{" { depth += 1 }
                if text[end] == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
                end += 1
            }
            guard end < text.count else { throw .valueError("expected '}' before end of string") }
            let field = PyText.string(text[(k + 1)..<end])
            k = end + 1
            if field.contains("{") { throw .unsupported("nested replacement fields in format specs are not supported") }

            var name = field
            var spec = ""
            var conversion: Character?
            if let colon = field.firstIndex(of: ":") {
                name = String(field[..<colon])
                spec = String(field[field.index(after: colon)...])
            }
            if let bang = name.firstIndex(of: "!") {
                let conv = name[name.index(after: bang)...]
                guard conv.count == 1, let first = conv.first, "rsa".contains(first) else {
                    throw .valueError("Unknown conversion specifier \(conv)")
                }
                conversion = first
                name = String(name[..<bang])
            }

            let (head, accessors) = splitFieldName(name)
            var value: Value
            if head.isEmpty {
                if usedManual { throw .valueError("cannot switch from manual field specification to automatic field numbering") }
                usedAuto = true
                guard autoIndex < args.count else { throw .python("IndexError", "Replacement index \(autoIndex) out of range for positional args tuple") }
                value = args[autoIndex]
                autoIndex += 1
            } else if let index = try positionalIndex(head) {
                if usedAuto { throw .valueError("cannot switch from automatic field numbering to manual field specification") }
                usedManual = true
                guard index < args.count else { throw .python("IndexError", "Replacement index \(index) out of range for positional args tuple") }
                value = args[index]
            } else {
                guard let match = kwargs.last(where: { $0.name == head }) else { throw .python("KeyError", "'\(head)'") }
                value = match.value
            }
            for accessor in accessors {
                value = try access(value, accessor)
            }
            switch conversion {
            case "r", "a": value = .string(PythonRepr.repr(value))
            case "s": value = .string(try PythonRepr.str(value))
            default: break
            }
            out += try formatValue(value, spec: spec)
        }
        return out
    }

    /// A field name or item key of decimal digits only (any script, as CPython's `get_integer`) is an
    /// index; '-8' or '+8' is a keyword (Swift's `Int` would take them, and a negative index traps).
    private static func positionalIndex(_ text: String) throws(RenderFailure) -> Int? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(PyText.isDecimal) else { return nil }
        var index = 0
        for digit in text.unicodeScalars {
            let (shifted, over) = index.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(Int(digit.properties.numericValue ?? 0))
            guard !over, !carry else { throw .valueError("Too many decimal digits in format string") }
            index = sum
        }
        return index
    }

    private enum Accessor {
        case attribute(String)
        case item(String)
    }

    private static func splitFieldName(_ name: String) -> (String, [Accessor]) {
        var head = ""
        var accessors: [Accessor] = []
        var index = name.startIndex
        while index < name.endIndex, name[index] != ".", name[index] != "[" {
            head.append(name[index])
            index = name.index(after: index)
        }
        while index < name.endIndex {
            if name[index] == "." {
                index = name.index(after: index)
                var part = ""
                while index < name.endIndex, name[index] != ".", name[index] != "[" {
                    part.append(name[index])
                    index = name.index(after: index)
                }
                accessors.append(.attribute(part))
            } else {
                index = name.index(after: index)
                var part = ""
                while index < name.endIndex, name[index] != "]" {
                    part.append(name[index])
                    index = name.index(after: index)
                }
                if index < name.endIndex { index = name.index(after: index) }
                accessors.append(.item(part))
            }
        }
        return (head, accessors)
    }

    private static func access(_ value: Value, _ accessor: Accessor) throws(RenderFailure) -> Value {
        switch accessor {
        case let .attribute(name):
            guard let attribute = Access.pythonAttribute(value, name) else {
                throw .python("AttributeError", "'\(value.typeName)' object has no attribute '\(name)'")
            }
            return attribute
        case let .item(key):
            // Python: an all-digit key is an int; anything else, '-1' included, is a str key.
            let keyValue: Value = try positionalIndex(key).map(Value.int) ?? .string(key)
            let result = try Access.item(value, keyValue)
            if result.isUndefined { throw .python("KeyError", PythonRepr.repr(keyValue)) }
            return result
        }
    }

    // MARK: - format spec

    private struct Spec {
        var fill: Unicode.Scalar = " "
        var align: Character?
        var sign: Character = "-"
        var alternate = false
        var zero = false
        var width = 0
        var grouping: Character?
        var precision: Int?
        var type: Character?
    }

    private static func parseSpec(_ text: String) throws(RenderFailure) -> Spec {
        var spec = Spec()
        let chars = Array(text)
        var k = 0
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if chars.count >= 2, aligns.contains(chars[1]), let fill = chars[0].unicodeScalars.first {
            spec.fill = fill
            spec.align = chars[1]
            k = 2
        } else if let first = chars.first, aligns.contains(first) {
            spec.align = first
            k = 1
        }
        if k < chars.count, "+- ".contains(chars[k]) {
            spec.sign = chars[k]
            k += 1
        }
        if k < chars.count, chars[k] == "#" {
            spec.alternate = true
            k += 1
        }
        if k < chars.count, chars[k] == "0" {
            spec.zero = true
            k += 1
        }
        var width = ""
        while k < chars.count, chars[k].isASCII, chars[k].isNumber {
            width.append(chars[k])
            k += 1
        }
        spec.width = Int(width) ?? 0
        try JinjaLimits.checkWidth(spec.width)
        if k < chars.count, chars[k] == "," || chars[k] == "_" {
            spec.grouping = chars[k]
            k += 1
        }
        if k < chars.count, chars[k] == "." {
            k += 1
            var precision = ""
            while k < chars.count, chars[k].isASCII, chars[k].isNumber {
                precision.append(chars[k])
                k += 1
            }
            guard let p = Int(precision) else { throw .valueError("Format specifier missing precision") }
            try JinjaLimits.checkWidth(p)
            spec.precision = p
        }
        if k < chars.count {
            spec.type = chars[k]
            k += 1
        }
        guard k == chars.count else { throw .valueError("Invalid format specifier '\(text)'") }
        return spec
    }

    static func formatValue(_ value: Value, spec text: String) throws(RenderFailure) -> String {
        if case let .undefined(u) = value { throw .undefined(u) }
        if text.isEmpty { return try PythonRepr.str(value) }
        let spec = try parseSpec(text)
        switch value {
        case let .string(s):
            guard spec.type == nil || spec.type == "s" else {
                throw .valueError("Unknown format code '\(spec.type.map(String.init) ?? "")' for object of type 'str'")
            }
            var body = s
            if let p = spec.precision { body = PyText.string(PyText.scalars(s).prefix(p)) }
            return PyText.pad(body, width: spec.width, fill: spec.fill, align: spec.align ?? "<")
        case .int, .bool, .double:
            return try formatNumber(value, spec)
        default:
            throw .typeError("unsupported format string passed to \(value.typeName).__format__")
        }
    }

    private static func formatNumber(_ value: Value, _ spec: Spec) throws(RenderFailure) -> String {
        guard let number = PyOps.Number(value) else { return "" }
        var digits: String
        var negative: Bool
        switch (number, spec.type) {
        case let (.int(i), type) where type == nil || type == "d" || type == "n":
            negative = i < 0
            digits = String(i.magnitude)
            if let g = spec.grouping { digits = group(digits, separator: g) }
        case let (.int(i), type) where type == "x" || type == "X" || type == "o" || type == "b":
            negative = i < 0
            let radix = type == "o" ? 8 : type == "b" ? 2 : 16
            digits = String(i.magnitude, radix: radix, uppercase: type == "X")
            if spec.alternate { digits = "0" + (type.map(String.init) ?? "") + digits }
        default:
            let d = number.double
            negative = d < 0 || (d == 0 && d.sign == .minus)
            let magnitude = abs(d)
            let type = spec.type
            if case .int = number, type == nil {
                digits = String(Int(magnitude))
            } else if magnitude.isNaN {
                digits = type == "F" || type == "E" || type == "G" ? "NAN" : "nan"
            } else if magnitude.isInfinite {
                digits = type == "F" || type == "E" || type == "G" ? "INF" : "inf"
            } else {
                switch type {
                case "f", "F": digits = String(format: "%.\(spec.precision ?? 6)f", magnitude)
                case "e", "E":
                    digits = String(format: "%.\(spec.precision ?? 6)\(type == "E" ? "E" : "e")", magnitude)
                case "g", "G":
                    digits = String(format: "%.\(spec.precision ?? 6)\(type == "G" ? "G" : "g")", magnitude)
                case "%":
                    digits = String(format: "%.\(spec.precision ?? 6)f", magnitude * 100) + "%"
                case nil:
                    if let p = spec.precision {
                        digits = PythonFloat.format(magnitude, precision: p)
                    } else {
                        digits = PythonFloat.repr(magnitude)
                    }
                default:
                    throw .valueError("Unknown format code '\(type.map(String.init) ?? "")' for object of type '\(value.typeName)'")
                }
            }
            if let g = spec.grouping {
                let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                digits = group(String(parts[0]), separator: g) + (parts.count > 1 ? "." + parts[1] : "")
            }
        }
        let sign = negative ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
        if spec.zero || spec.align == "=" {
            let fill: Unicode.Scalar = spec.zero && spec.align == nil ? "0" : spec.fill
            let padded = PyText.pad(digits, width: spec.width - sign.count, fill: fill, align: ">")
            return sign + padded
        }
        return PyText.pad(sign + digits, width: spec.width, fill: spec.fill, align: spec.align ?? ">")
    }

    private static func group(_ digits: String, separator: Character) -> String {
        var out: [Character] = []
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(separator) }
            out.append(c)
        }
        return String(out.reversed())
    }
}

/// Python's printf-style `format % values` (the `%` operator on strings and Jinja2's `format` filter).
enum PyPrintf {
    static func format(_ template: String, _ values: Value) throws(RenderFailure) -> String {
        let mapping: PyDict?
        var queue: [Value]
        switch values {
        case let .tuple(items):
            mapping = nil
            queue = items
        case let .dict(dict):
            mapping = dict
            queue = [values]
        default:
            mapping = nil
            queue = [values]
        }
        let chars = Array(template.unicodeScalars)
        var out = ""
        var k = 0
        func nextValue() throws(RenderFailure) -> Value {
            guard !queue.isEmpty else { throw .typeError("not enough arguments for format string") }
            return queue.removeFirst()
        }
        while k < chars.count {
            let c = chars[k]
            k += 1
            guard c == "%" else {
                out.unicodeScalars.append(c)
                continue
            }
            guard k < chars.count else { throw .valueError("incomplete format") }
            var key: String?
            if chars[k] == "(" {
                guard let close = chars[k...].firstIndex(of: ")") else { throw .valueError("incomplete format key") }
                key = PyText.string(chars[(k + 1)..<close])
                k = close + 1
            }
            var flags = Set<Unicode.Scalar>()
            while k < chars.count, "-+ #0".unicodeScalars.contains(chars[k]) {
                flags.insert(chars[k])
                k += 1
            }
            func number() throws(RenderFailure) -> Int? {
                if k < chars.count, chars[k] == "*" {
                    k += 1
                    return try nextValue().requireInt("* wants int")
                }
                var digits = ""
                while k < chars.count, chars[k].isASCII, chars[k].properties.numericType == .decimal {
                    digits.unicodeScalars.append(chars[k])
                    k += 1
                }
                return Int(digits)
            }
            let width = try number() ?? 0
            var precision: Int?
            if k < chars.count, chars[k] == "." {
                k += 1
                precision = try number() ?? 0
            }
            try JinjaLimits.checkWidth(max(width, precision ?? 0))
            while k < chars.count, "hlL".unicodeScalars.contains(chars[k]) { k += 1 }
            guard k < chars.count else { throw .valueError("incomplete format") }
            let conversion = chars[k]
            k += 1
            if conversion == "%" {
                out += "%"
                continue
            }
            let value: Value
            if let key {
                guard let mapping else { throw .typeError("format requires a mapping") }
                guard let found = mapping[.string(key)] else { throw .python("KeyError", PythonRepr.repr(.string(key))) }
                value = found
            } else {
                value = try nextValue()
            }
            var spec = ""
            if flags.contains("-") { spec += "<" } else if !"sr".unicodeScalars.contains(conversion) { spec += ">" }
            if flags.contains("+") { spec += "+" } else if flags.contains(" ") { spec += " " }
            if flags.contains("#") { spec += "#" }
            if flags.contains("0"), !flags.contains("-"), !"sr".unicodeScalars.contains(conversion) {
                spec = spec.replacingOccurrences(of: ">", with: "") + "0"
            }
            if width > 0 { spec += String(width) }
            let body: String
            switch conversion {
            case "s", "r", "a":
                var text = conversion == "s" ? try PythonRepr.str(value) : PythonRepr.repr(value)
                if let precision { text = PyText.string(text.unicodeScalars.prefix(precision)) }
                body = PyText.pad(text, width: width, fill: " ", align: flags.contains("-") ? "<" : ">")
            case "d", "i", "u":
                guard let n = PyOps.Number(value) else {
                    throw .typeError("%\(conversion) format: a real number is required, not \(value.typeName)")
                }
                let i: Int
                switch n {
                case let .int(v): i = v
                case let .double(d): i = try PyOps.truncate(d) ?? 0
                }
                body = try PyFormat.formatValue(.int(i), spec: spec + "d")
            case "f", "F", "e", "E", "g", "G", "x", "X", "o":
                guard PyOps.Number(value) != nil else {
                    throw .typeError("must be real number, not \(value.typeName)")
                }
                let p = precision.map { ".\($0)" } ?? (("xXo".unicodeScalars.contains(conversion)) ? "" : ".6")
                body = try PyFormat.formatValue(value, spec: spec + p + String(conversion))
            default:
                throw .valueError("unsupported format character '\(conversion)'")
            }
            out += body
        }
        if mapping == nil, !queue.isEmpty {
            throw .typeError("not all arguments converted during string formatting")
        }
        return out
    }
}
