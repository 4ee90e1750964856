/// Python's `ast.literal_eval` for the literals lm-eval's templates render: strings (all quote
/// styles and prefixes, implicit concatenation), ints, floats, True/False/None, lists,
/// tuples, sets (as lists, in written order) and dicts, built into any value type that can hold them.
public enum PythonLiteral {
    /// A text `ast.literal_eval` would reject, with the reason.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "not a Python literal (at character \(offset)): \(message)" }
    }

    /// Evaluates `text` as `ast.literal_eval(text)` would.
    public static func parse<Value: ExpressibleByPythonLiteral>(_ text: String) throws(ParseError) -> Value {
        var parser = Parser<Value>(scalars: Array(text.unicodeScalars))
        // literal_eval strips leading spaces and tabs before parsing in eval mode.
        while parser.peek == " " || parser.peek == "\t" { parser.index += 1 }
        let value = try parser.parseExpression()
        parser.skipTrivia()
        guard parser.index == parser.scalars.count else { throw parser.error("unexpected text after the literal") }
        return Value(pythonLiteral: value)
    }

    private struct Parser<Value: ExpressibleByPythonLiteral> {
        typealias Shape = PythonShape<Value>

        let scalars: [Unicode.Scalar]
        var index = 0
        /// Inside brackets newlines are insignificant (implicit line joining).
        var depth = 0
        /// Brackets and unary signs open at once: each is one level of recursion here.
        var nesting = 0
        /// CPython's tokenizer limit on brackets (MAXLEVEL); it keeps this recursive parser inside any thread's stack.
        static var maxNesting: Int { 200 }

        mutating func enter() throws(ParseError) {
            guard nesting < Self.maxNesting else { throw error("too many nested parentheses or signs (more than \(Self.maxNesting))") }
            nesting += 1
        }

        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        func error(_ message: String) -> ParseError { ParseError(message: message, offset: index) }

        mutating func skipTrivia() {
            while let c = peek {
                if c == " " || c == "\t" || c == "\u{0C}" || c == "\r" || c == "\n" {
                    index += 1
                } else if c == "\\", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                    index += 2
                } else if c == "#" {
                    while let d = peek, d != "\n" { index += 1 }
                } else {
                    return
                }
            }
        }

        mutating func parseExpression() throws(ParseError) -> Shape {
            skipTrivia()
            guard let c = peek else { throw error("unexpected end of input") }
            switch c {
            case "[":
                index += 1
                return .list(try parseSequence(closing: "]").items.map(Value.init(pythonLiteral:)))
            case "(":
                index += 1
                let (items, trailingComma) = try parseSequence(closing: ")")
                if items.count == 1 && !trailingComma { return items[0] }
                return .tuple(items.map(Value.init(pythonLiteral:)))
            case "{":
                index += 1
                return try parseBraces()
            case "-", "+":
                index += 1
                try enter()
                let operand = try parseExpression()
                nesting -= 1
                switch operand {
                case let .int(i): return .int(c == "-" ? -i : i)
                case let .float(d): return .float(c == "-" ? -d : d)
                default: throw error("unary \(c) on a non-number")
                }
            case "'", "\"":
                return .str(try parseStrings())
            default:
                if c.properties.isAlphabetic || c == "_" {
                    let start = index
                    while let d = peek, d.properties.isAlphabetic || d == "_" || ("0"..."9").contains(d) { index += 1 }
                    let word = String(String.UnicodeScalarView(scalars[start..<index]))
                    if let q = peek, q == "'" || q == "\"", isStringPrefix(word) {
                        index = start
                        return .str(try parseStrings())
                    }
                    switch word {
                    case "True": return .bool(true)
                    case "False": return .bool(false)
                    case "None": return .none
                    default:
                        index = start
                        throw error("name \(word) is not a literal")
                    }
                }
                if ("0"..."9").contains(c) || c == "." { return try parseNumber() }
                throw error("unexpected character \(c)")
            }
        }

        /// Items up to `closing`; whether the last item was followed by a comma.
        mutating func parseSequence(closing: Unicode.Scalar) throws(ParseError) -> (items: [Shape], trailingComma: Bool) {
            try enter()
            depth += 1
            defer {
                depth -= 1
                nesting -= 1
            }
            var items: [Shape] = []
            var trailingComma = false
            while true {
                skipTrivia()
                if peek == closing {
                    index += 1
                    return (items, trailingComma)
                }
                items.append(try parseExpression())
                skipTrivia()
                if peek == "," {
                    index += 1
                    trailingComma = true
                } else if peek == closing {
                    trailingComma = false
                } else {
                    throw error("expected , or \(closing)")
                }
            }
        }

        mutating func parseBraces() throws(ParseError) -> Shape {
            try enter()
            depth += 1
            defer {
                depth -= 1
                nesting -= 1
            }
            skipTrivia()
            if peek == "}" {
                index += 1
                return .dict([])
            }
            let first = try parseExpression()
            skipTrivia()
            if peek == ":" {
                var pairs: [(key: Value, value: Value)] = []
                var key = first
                while true {
                    skipTrivia()
                    guard peek == ":" else { throw error("expected :") }
                    index += 1
                    pairs.append((Value(pythonLiteral: key), Value(pythonLiteral: try parseExpression())))
                    skipTrivia()
                    if peek == "," { index += 1; skipTrivia() }
                    if peek == "}" {
                        index += 1
                        return .dict(pairs)
                    }
                    key = try parseExpression()
                    skipTrivia()
                }
            }
            var items = [first]
            while true {
                skipTrivia()
                if peek == "," { index += 1; skipTrivia() }
                if peek == "}" {
                    index += 1
                    return .list(items.map(Value.init(pythonLiteral:)))
                }
                items.append(try parseExpression())
            }
        }

        func isStringPrefix(_ word: String) -> Bool {
            ["r", "u", "R", "U", "b", "B", "br", "rb", "Br", "bR", "BR", "Rb", "rB", "RB"].contains(word)
        }

        /// One or more adjacent string literals, concatenated.
        mutating func parseStrings() throws(ParseError) -> String {
            var result = ""
            repeat {
                result += try parseOneString()
                skipTrivia()
            } while startsString()
            return result
        }

        func startsString() -> Bool {
            var i = index
            while i < scalars.count, i - index < 2, "rRuUbB".unicodeScalars.contains(scalars[i]) { i += 1 }
            return i < scalars.count && (scalars[i] == "'" || scalars[i] == "\"")
        }

        mutating func parseOneString() throws(ParseError) -> String {
            var raw = false
            while let c = peek, "rRuUbB".unicodeScalars.contains(c) {
                if c == "r" || c == "R" { raw = true }
                index += 1
            }
            guard let quote = peek else { throw error("expected a string") }
            var triple = false
            if index + 2 < scalars.count, scalars[index + 1] == quote, scalars[index + 2] == quote {
                triple = true
                index += 3
            } else {
                index += 1
            }
            var out = String.UnicodeScalarView()
            while true {
                guard let c = peek else { throw error("unterminated string") }
                if c == quote {
                    if !triple {
                        index += 1
                        return String(out)
                    }
                    if index + 2 < scalars.count, scalars[index + 1] == quote, scalars[index + 2] == quote {
                        index += 3
                        return String(out)
                    }
                    out.append(c)
                    index += 1
                    continue
                }
                if c == "\n" && !triple { throw error("newline in a single-quoted string") }
                if c == "\\" {
                    guard index + 1 < scalars.count else { throw error("unterminated string") }
                    let next = scalars[index + 1]
                    if raw {
                        out.append(c)
                        out.append(next)
                        index += 2
                        continue
                    }
                    index += 2
                    try appendEscape(next, to: &out)
                    continue
                }
                out.append(c)
                index += 1
            }
        }

        mutating func appendEscape(_ e: Unicode.Scalar, to out: inout String.UnicodeScalarView) throws(ParseError) {
            if let simple = PythonEscapes.simple(e) {
                out.append(contentsOf: simple)
                return
            }
            switch e {
            case "0"..."7":
                var value = e.value - 0x30
                var count = 1
                while count < 3, let d = peek, ("0"..."7").contains(d) {
                    value = value * 8 + (d.value - 0x30)
                    index += 1
                    count += 1
                }
                guard let scalar = Unicode.Scalar(value) else { throw error("bad octal escape") }
                out.append(scalar)
            case "x", "u", "U":
                let width = e == "x" ? 2 : (e == "u" ? 4 : 8)
                guard index + width <= scalars.count else { throw error("truncated \\\(e) escape") }
                let digits = String(String.UnicodeScalarView(scalars[index..<(index + width)]))
                guard let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
                    throw error("bad \\\(e) escape")
                }
                index += width
                out.append(scalar)
            default:
                // Unknown escapes keep the backslash, as Python does (with a warning).
                out.append("\\")
                out.append(e)
            }
        }

        mutating func parseNumber() throws(ParseError) -> Shape {
            let start = index
            if peek == "0", index + 1 < scalars.count, "xXoObB".unicodeScalars.contains(scalars[index + 1]) {
                let radix: Int
                switch scalars[index + 1] {
                case "x", "X": radix = 16
                case "o", "O": radix = 8
                default: radix = 2
                }
                index += 2
                let digitsStart = index
                while let d = peek, d.properties.isASCIIHexDigit || d == "_" { index += 1 }
                let digits = String(String.UnicodeScalarView(scalars[digitsStart..<index])).replacingUnderscores()
                guard let value = Int(digits, radix: radix) else { throw error("bad integer literal") }
                return .int(value)
            }
            var isFloat = false
            while let d = peek {
                if ("0"..."9").contains(d) || d == "_" {
                    index += 1
                } else if d == "." && !isFloat {
                    isFloat = true
                    index += 1
                } else if d == "e" || d == "E" {
                    isFloat = true
                    index += 1
                    if peek == "+" || peek == "-" { index += 1 }
                } else {
                    break
                }
            }
            if let d = peek, d == "j" || d == "J" { throw error("complex numbers are not supported") }
            let text = String(String.UnicodeScalarView(scalars[start..<index])).replacingUnderscores()
            if isFloat {
                guard let value = Double(text.hasPrefix(".") ? "0" + text : (text.hasSuffix(".") ? text + "0" : text)) else {
                    throw error("bad float literal \(text)")
                }
                return .float(value)
            }
            if text.count > 1 && text.hasPrefix("0") && text.contains(where: { $0 != "0" }) {
                throw error("leading zeros in decimal integer literals are not permitted")
            }
            guard let value = Int(text) else {
                // Beyond 64 bits Python keeps an exact int; a float is the closest a 64-bit port can hold.
                guard let approx = Double(text) else { throw error("bad integer literal \(text)") }
                return .float(approx)
            }
            return .int(value)
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { filter { $0 != "_" } }
}
