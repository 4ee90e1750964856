import Python

/// One lexical token of a template; `line` is 1-based.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case data(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case eof
    }

    var kind: Kind
    var line: Int
}

/// Splits a template into data and tag tokens the way Jinja2's lexer does with lm-eval's
/// settings: no `trim_blocks`/`lstrip_blocks`, `-` whitespace control, `{% raw %}`, comments,
/// and newlines normalised to `\n` (`keep_trailing_newline=True` keeps the last one).
struct Lexer {
    private let src: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var tokens: [Token] = []
    /// Set by a `-%}`, `-}}` or `-#}`: the next data loses its leading whitespace.
    private var stripNextData = false

    static func tokenize(_ source: String) throws(JinjaSyntaxError) -> [Token] {
        var lexer = Lexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    private init(source: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            scalars.append(scalar)
        }
        src = scalars
    }

    private func error(_ message: String, line: Int? = nil) -> JinjaSyntaxError {
        JinjaSyntaxError(message: message, line: line ?? self.line)
    }

    private func at(_ offset: Int) -> Unicode.Scalar? {
        let k = i + offset
        return k < src.count ? src[k] : nil
    }

    private func matches(_ text: String, at position: Int) -> Bool {
        PyText.hasPrefix(src, text, at: position)
    }

    private mutating func advance(_ count: Int) {
        for _ in 0..<count {
            if src[i] == "\n" { line += 1 }
            i += 1
        }
    }

    private mutating func skipWhitespace() {
        while i < src.count, PyText.isSpace(src[i]) { advance(1) }
    }

    private mutating func emitData(_ scalars: ArraySlice<Unicode.Scalar>, line: Int, rstrip: Bool) {
        var slice = scalars
        if stripNextData {
            while let first = slice.first, PyText.isSpace(first) { slice = slice.dropFirst() }
            stripNextData = false
        }
        if rstrip {
            while let last = slice.last, PyText.isSpace(last) { slice = slice.dropLast() }
        }
        guard !slice.isEmpty else { return }
        var text = ""
        text.unicodeScalars.append(contentsOf: slice)
        tokens.append(Token(kind: .data(text), line: line))
    }

    private mutating func run() throws(JinjaSyntaxError) {
        while i < src.count {
            let dataStart = i
            let dataLine = line
            var tagStart = i
            while tagStart < src.count {
                if src[tagStart] == "{", tagStart + 1 < src.count, "{%#".unicodeScalars.contains(src[tagStart + 1]) {
                    break
                }
                tagStart += 1
            }
            let stripBefore = tagStart + 2 < src.count && src[tagStart + 2] == "-"
            emitData(src[dataStart..<tagStart], line: dataLine, rstrip: stripBefore && tagStart < src.count)
            advance(tagStart - i)
            guard i < src.count else { break }
            let opener = src[i + 1]
            advance(2)
            if at(0) == "-" || at(0) == "+" { advance(1) }
            switch opener {
            case "#": try lexComment()
            case "{": try lexTag(isBlock: false)
            default:
                if try !lexRaw() { try lexTag(isBlock: true) }
            }
        }
        tokens.append(Token(kind: .eof, line: line))
    }

    private mutating func lexComment() throws(JinjaSyntaxError) {
        let startLine = line
        while i < src.count {
            if matches("-#}", at: i) {
                advance(3)
                stripNextData = true
                return
            }
            if matches("#}", at: i) {
                advance(2)
                return
            }
            advance(1)
        }
        throw error("Missing end of comment tag", line: startLine)
    }

    /// `{% raw %}…{% endraw %}` becomes one data token; false when the tag is not `raw`.
    private mutating func lexRaw() throws(JinjaSyntaxError) -> Bool {
        var k = i
        while k < src.count, PyText.isSpace(src[k]) { k += 1 }
        guard matches("raw", at: k) else { return false }
        k += 3
        while k < src.count, PyText.isSpace(src[k]) { k += 1 }
        let stripAfterBegin: Bool
        if matches("-%}", at: k) {
            stripAfterBegin = true
            k += 3
        } else if matches("%}", at: k) {
            stripAfterBegin = false
            k += 2
        } else {
            return false
        }
        let startLine = line
        advance(k - i)
        if stripAfterBegin { skipWhitespace() }
        let contentStart = i
        let contentLine = line
        while i < src.count {
            if matches("{%", at: i) {
                var e = i + 2
                let stripBeforeEnd = e < src.count && src[e] == "-"
                if e < src.count, src[e] == "-" || src[e] == "+" { e += 1 }
                while e < src.count, PyText.isSpace(src[e]) { e += 1 }
                if matches("endraw", at: e) {
                    e += 6
                    while e < src.count, PyText.isSpace(src[e]) { e += 1 }
                    var stripAfterEnd = false
                    var endLength = 0
                    if matches("-%}", at: e) {
                        stripAfterEnd = true
                        endLength = 3
                    } else if matches("%}", at: e) || matches("+%}", at: e) {
                        endLength = matches("+%}", at: e) ? 3 : 2
                    }
                    if endLength > 0 {
                        let saved = stripNextData
                        stripNextData = false
                        emitData(src[contentStart..<i], line: contentLine, rstrip: stripBeforeEnd)
                        stripNextData = saved
                        advance(e + endLength - i)
                        if stripAfterEnd { stripNextData = true }
                        return true
                    }
                }
            }
            advance(1)
        }
        throw error("Missing end of raw directive", line: startLine)
    }

    private mutating func lexTag(isBlock: Bool) throws(JinjaSyntaxError) {
        let startLine = line
        tokens.append(Token(kind: isBlock ? .blockBegin : .variableBegin, line: startLine))
        var brackets: [Unicode.Scalar] = []
        while true {
            skipWhitespace()
            guard let c = at(0) else {
                throw error(isBlock ? "Unexpected end of template; the block tag was never closed" :
                    "Unexpected end of template; the variable tag was never closed", line: startLine)
            }
            if brackets.isEmpty {
                let close = isBlock ? "%}" : "}}"
                if matches("-" + close, at: i) {
                    tokens.append(Token(kind: isBlock ? .blockEnd : .variableEnd, line: line))
                    advance(3)
                    stripNextData = true
                    return
                }
                if matches(close, at: i) || (isBlock && matches("+%}", at: i)) {
                    tokens.append(Token(kind: isBlock ? .blockEnd : .variableEnd, line: line))
                    advance(matches(close, at: i) ? 2 : 3)
                    return
                }
            }
            if c == "'" || c == "\"" {
                try lexString(quote: c)
            } else if c.properties.numericType == .decimal, c.isASCII {
                try lexNumber()
            } else if PyText.isIdentifierStart(c) {
                let start = i
                while let d = at(0), PyText.isIdentifierContinue(d) { advance(1) }
                var name = ""
                name.unicodeScalars.append(contentsOf: src[start..<i])
                tokens.append(Token(kind: .name(name), line: line))
            } else {
                let two: String = at(1).map { String(c) + String($0) } ?? ""
                if ["//", "**", "==", "!=", ">=", "<="].contains(two) {
                    tokens.append(Token(kind: .op(two), line: line))
                    advance(2)
                    continue
                }
                guard "+-/*%~[](){}<>=.:|,;".unicodeScalars.contains(c) else {
                    throw error("unexpected char '\(c)' at \(i)")
                }
                switch c {
                case "(", "[", "{": brackets.append(c)
                case ")", "]", "}":
                    let expected: Unicode.Scalar = c == ")" ? "(" : c == "]" ? "[" : "{"
                    guard let open = brackets.popLast() else { throw error("unexpected '\(c)'") }
                    guard open == expected else { throw error("unexpected '\(c)', expected closing '\(open)'") }
                default: break
                }
                tokens.append(Token(kind: .op(String(c)), line: line))
                advance(1)
            }
        }
    }

    private mutating func lexNumber() throws(JinjaSyntaxError) {
        let startLine = line
        func digits(_ allowed: (Unicode.Scalar) -> Bool) -> String {
            var text = ""
            while let d = at(0), allowed(d) || (d == "_" && at(1).map(allowed) == true && !text.isEmpty) {
                if d != "_" { text.unicodeScalars.append(d) }
                advance(1)
            }
            return text
        }
        let isDigit: (Unicode.Scalar) -> Bool = { $0.value >= 48 && $0.value <= 57 }
        if at(0) == "0", let prefix = at(1), "bBoOxX".unicodeScalars.contains(prefix) {
            let radix = prefix == "b" || prefix == "B" ? 2 : prefix == "o" || prefix == "O" ? 8 : 16
            advance(2)
            if at(0) == "_" { advance(1) }
            let text = digits { $0.properties.isASCIIHexDigit && Int(String($0), radix: radix) != nil }
            guard let value = Int(text, radix: radix) else { throw error("invalid integer literal", line: startLine) }
            tokens.append(Token(kind: .integer(value), line: startLine))
            return
        }
        // Jinja2: no float directly after a dot, so `x.0.1` is two integer subscripts.
        let afterDot = i > 0 && src[i - 1] == "."
        var text = digits(isDigit)
        var isFloat = false
        if !afterDot, at(0) == ".", let next = at(1), isDigit(next) {
            advance(1)
            text += "." + digits(isDigit)
            isFloat = true
        }
        if !afterDot, let e = at(0), e == "e" || e == "E" {
            var k = 1
            if let sign = at(1), sign == "+" || sign == "-" { k = 2 }
            if let d = at(k), isDigit(d) {
                text += "e"
                if k == 2, let sign = at(1) { text.unicodeScalars.append(sign) }
                advance(k)
                text += digits(isDigit)
                isFloat = true
            }
        }
        if isFloat {
            guard let value = Double(text) else { throw error("invalid float literal", line: startLine) }
            tokens.append(Token(kind: .float(value), line: startLine))
        } else {
            guard let value = Int(text) else { throw error("integer literal \(text) is too large", line: startLine) }
            tokens.append(Token(kind: .integer(value), line: startLine))
        }
    }

    private mutating func lexString(quote: Unicode.Scalar) throws(JinjaSyntaxError) {
        let startLine = line
        advance(1)
        var raw: [Unicode.Scalar] = []
        while true {
            guard let c = at(0) else { throw error("unexpected end of string", line: startLine) }
            if c == quote {
                advance(1)
                break
            }
            if c == "\\", let next = at(1) {
                raw.append(c)
                raw.append(next)
                advance(2)
                continue
            }
            raw.append(c)
            advance(1)
        }
        let decoded = try decodeEscapes(raw, line: startLine)
        tokens.append(Token(kind: .string(decoded), line: startLine))
    }

    /// Python's `unicode-escape` decoding, which Jinja2 applies to string literals.
    private func decodeEscapes(_ raw: [Unicode.Scalar], line: Int) throws(JinjaSyntaxError) -> String {
        var out = String.UnicodeScalarView()
        var k = 0
        func hexValue(_ count: Int) -> UInt32? {
            guard k + count <= raw.count else { return nil }
            var text = ""
            text.unicodeScalars.append(contentsOf: raw[k..<(k + count)])
            guard text.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit) else { return nil }
            return UInt32(text, radix: 16)
        }
        while k < raw.count {
            let c = raw[k]
            guard c == "\\", k + 1 < raw.count else {
                out.append(c)
                k += 1
                continue
            }
            let e = raw[k + 1]
            k += 2
            if let simple = PythonEscapes.simple(e) {
                out.append(contentsOf: simple)
                continue
            }
            switch e {
            case "x", "u", "U":
                let count = e == "x" ? 2 : e == "u" ? 4 : 8
                guard let value = hexValue(count), let scalar = Unicode.Scalar(value) else {
                    throw error("invalid \\\(e) escape in string literal", line: line)
                }
                out.append(scalar)
                k += count
            case "0"..."7":
                var value = e.value - 48
                var taken = 0
                while taken < 2, k < raw.count, raw[k].value >= 48, raw[k].value <= 55 {
                    value = value * 8 + raw[k].value - 48
                    k += 1
                    taken += 1
                }
                if let scalar = Unicode.Scalar(value) { out.append(scalar) }
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}

/// A template that does not parse, with the line where Jinja2 would report it.
struct JinjaSyntaxError: Error, Sendable {
    var message: String
    var line: Int
    var kind: JinjaError.Kind = .syntax
}
