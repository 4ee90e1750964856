import JSON
import Testing
@testable import Datasets

/// The byte-level JSON Lines path must infer and encode exactly what the JSONValue path does.
@Suite("JSON Lines fast path")
struct FastPathTests {
    static let lines: [String] = [
        #"{"a": 1, "b": "x", "c": [1, 2], "d": {"k": [1, {"z": null}]}, "e": true, "f": 1.5}"#,
        #"{"b": "tab\there \"q\" back\\slash \/ \b\f\r\n", "a": -0, "f": 3, "c": [], "e": false}"#,
        #"{"a": 9223372036854775807, "b": "\u00e9\u4e2d\ud83d\ude00 lone \ud800 x \udc00 y", "f": -1e-7, "c": [null, 5]}"#,
        #"{  "a"  :  2 ,"f":NaN,"b":"ünï 😀","d":"just a string","c":[3 , 4 ] }"#,
        #"{"f": Infinity, "a": 3, "g": ["x,y", "{}", "q\"uote", "back\\", null, "NULL", "tab\t"], "h": [1.5, 2, -3e2]}"#,
        #"{"f": -Infinity, "g": [], "h": [], "i": [true, null, false], "j": 12345678901234567890}"#,
        #"{"a": 4, "d": [1, "mixed"], "k": [[1], [2]], "l": {"u": "\u0041"}}"#,
        #"{"a": 5, "a": 6}"#,
        #"{"we\"ird": 1}"#,
        #"{}"#,
    ]

    static func scanned(_ line: String) -> (RawJSONLine, Bool) {
        var scanner = RawJSONLine()
        var text = line
        let ok = text.withUTF8 { scanner.scan($0) }
        return (scanner, ok)
    }

    @Test("the scanner accepts plain lines and declines what it does not handle")
    func scanner() {
        #expect(Self.scanned(#"{"a": 1, "b": [1, {"c": "d"}]}"#).1)
        #expect(Self.scanned(#"{"a": "\u0041"}"#).1)
        for bad in [#"{"a": 1,}"#, #"{"a" 1}"#, #"{"a": tru}"#, #"{"a": "x"} x"#, #"[1]"#, #"{"a": 01.}"#, #"{"a": "\x"}"#, "{\"a\": \"\u{01}\"}", #"{"a": 1e400000000000000000}"#] {
            #expect(!Self.scanned(bad).1, "\(bad)")
        }
    }

    @Test("inference: raw and parsed agree")
    func inference() throws {
        var raw = SchemaInference()
        var parsed = SchemaInference()
        for line in Self.lines {
            let row = try object(line)
            try parsed.add(row)
            var (scanner, ok) = Self.scanned(line)
            var handled = false
            if ok {
                var text = line
                handled = try text.withUTF8 { bytes throws(DatasetError) in try raw.add(raw: scanner, bytes: bytes) }
            }
            if !handled { try raw.add(row) }
            scanner = RawJSONLine()
            ok = false
        }
        #expect(raw.schema == parsed.schema)
        #expect(raw.rowCount == parsed.rowCount)
    }

    @Test("encoding: raw and parsed write the same COPY text", arguments: lines)
    func encoding(_ line: String) throws {
        var inference = SchemaInference()
        for other in Self.lines { try inference.add(object(other)) }
        let encoder = CopyRowEncoder(schema: inference.schema)
        let row = try object(line)
        var parsedOut: [UInt8] = []
        let parsedResult = Result { () throws(DatasetError) in try encoder.append(id: 3, split: "s", row: row, rowNumber: 0, to: &parsedOut) }
        let (scanner, ok) = Self.scanned(line)
        guard ok else { return }
        var rawOut: [UInt8] = []
        var slots: [Int] = []
        var text = line
        let rawResult = text.withUTF8 { bytes in
            Result { () throws(DatasetError) in try encoder.append(id: 3, split: "s", raw: scanner, bytes: bytes, rowNumber: 0, slots: &slots, to: &rawOut) }
        }
        switch (parsedResult, rawResult) {
        case (.success, .success(true)):
            // Numbers are written as the source spelled them on the raw path; compare values by re-reading both.
            #expect(normalise(rawOut) == normalise(parsedOut), "\(line)")
        case (_, .success(false)):
            #expect(rawOut.isEmpty)
        case (.failure, .failure):
            break
        default:
            Issue.record("paths disagree for \(line): parsed \(parsedResult), raw \(rawResult)")
        }
    }

    /// COPY text with number fields normalised (1 vs 1.0, -3e2 vs -300.0), so spellings compare by value.
    func normalise(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false).map { field in
            if let d = Double(field) { return "num:\(d == 0 ? 0 : d)" }
            if field.hasPrefix("{\""), let json = try? JSONValue.parse(String(field)) { return "json:" + json.serialized() }
            if field.hasPrefix("{"), !field.contains("\""), !field.contains(":") {
                return "{" + field.dropFirst().dropLast().split(separator: ",").map { Double($0).map { "\($0)" } ?? String($0) }.joined(separator: ",") + "}"
            }
            return String(field)
        }
    }
}
