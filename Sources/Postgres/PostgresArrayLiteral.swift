/// PostgreSQL's array literal text form, `{1,NULL,"a \"b\""}`: parsing the server's output
/// and writing values to bind.
enum PostgresArrayLiteral {
    /// One element of a parsed array: a value's text, NULL, or a nested (sub-)array.
    enum Node: Equatable {
        case element(String?)
        case array([Node])
    }

    struct SyntaxError: Error {
        var message: String
        var offset: Int
    }

    /// Parses `{…}`, with an optional `[1:3]=` dimension prefix as the server writes for
    /// arrays whose lower bound is not 1.
    static func parse(_ text: String) throws(SyntaxError) -> [Node] {
        var parser = Parser(bytes: Array(text.utf8))
        if parser.peek == UInt8(ascii: "[") {
            while let byte = parser.peek, byte != UInt8(ascii: "=") { parser.index += 1 }
            guard parser.consume(UInt8(ascii: "=")) else { throw parser.error("dimension prefix without '='") }
        }
        parser.skipWhitespace()
        let nodes = try parser.parseArray()
        parser.skipWhitespace()
        guard parser.peek == nil else { throw parser.error("text after the closing '}'") }
        return nodes
    }

    /// Writes a one-dimensional array; every non-NULL element is quoted, so any text is safe.
    static func write(_ elements: [String?]) -> String {
        var out = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { out += "," }
            guard let element else {
                out += "NULL"
                continue
            }
            out += "\""
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        func error(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: index) }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = peek, Self.isWhitespace(byte) { index += 1 }
        }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
        }

        mutating func parseArray() throws(SyntaxError) -> [Node] {
            guard consume(UInt8(ascii: "{")) else { throw error("expected '{'") }
            var nodes: [Node] = []
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return nodes }
            while true {
                skipWhitespace()
                switch peek {
                case UInt8(ascii: "{"): nodes.append(.array(try parseArray()))
                case UInt8(ascii: "\""): nodes.append(.element(try parseQuoted()))
                case nil: throw error("unterminated array")
                default: nodes.append(.element(try parseUnquoted()))
                }
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                if consume(UInt8(ascii: "}")) { return nodes }
                throw error("expected ',' or '}'")
            }
        }

        mutating func parseQuoted() throws(SyntaxError) -> String {
            index += 1
            var value: [UInt8] = []
            while let byte = peek {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { throw error("unterminated escape") }
                    value.append(escaped)
                    index += 1
                default: value.append(byte)
                }
            }
            throw error("unterminated quoted element")
        }

        mutating func parseUnquoted() throws(SyntaxError) -> String? {
            var value: [UInt8] = []
            var lengthWithoutTrailingSpace = 0
            var sawEscape = false
            while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}") {
                index += 1
                if byte == UInt8(ascii: "\\") {
                    guard let escaped = peek else { throw error("unterminated escape") }
                    index += 1
                    value.append(escaped)
                    sawEscape = true
                    lengthWithoutTrailingSpace = value.count
                } else {
                    value.append(byte)
                    if !Self.isWhitespace(byte) { lengthWithoutTrailingSpace = value.count }
                }
            }
            let text = String(decoding: value[..<lengthWithoutTrailingSpace], as: UTF8.self)
            if text.isEmpty { throw error("empty unquoted element") }
            if !sawEscape && text.uppercased() == "NULL" { return nil }
            return text
        }
    }
}
