import JSON
import Testing

/// The parser scans plain string bytes eight at a time: an escape, a quote, a non-ASCII byte or a
/// control character at any position around those eight-byte steps is still read exactly.
@Suite struct StringScanTests {
    static let offsets = Array(0..<19)

    @Test(arguments: offsets)
    func escapesAndNonASCIIAtEveryOffset(_ offset: Int) throws {
        let before = String(repeating: "a", count: offset)
        for (json, text) in [(#"\n"#, "\n"), (#"\""#, "\""), (#"\\"#, "\\"), (#"\u00e9"#, "é"), ("é", "é"), ("日本", "日本"), ("~", "~")] {
            let after = String(repeating: "b", count: 19 - offset)
            let value = try JSONValue.parse("\"" + before + json + after + "\"")
            #expect(value == .string(before + text + after), "offset \(offset), \(json)")
        }
    }

    @Test(arguments: offsets)
    func aControlCharacterAtEveryOffsetIsRefused(_ offset: Int) {
        for control in ["\u{01}", "\u{1F}", "\t"] {
            let text = "\"" + String(repeating: "x", count: offset) + control + "yyyyyyyy\""
            #expect(throws: JSONParseError.self, "offset \(offset)") { _ = try JSONValue.parse(text) }
        }
    }

    @Test(arguments: offsets)
    func anUnterminatedStringIsRefused(_ offset: Int) {
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse("\"" + String(repeating: "z", count: offset)) }
        #expect(throws: JSONParseError.self) { _ = try JSONValue.parse("\"" + String(repeating: "z", count: offset) + #"\n"#) }
    }
}
