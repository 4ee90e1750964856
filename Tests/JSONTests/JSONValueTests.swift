import JSON
import Testing

@Suite struct JSONValueTests {
    @Test(arguments: [
        ("{\"b\":1,\"a\":[1.5,true,null,\"x\"]}", "{\"b\":1,\"a\":[1.5,true,null,\"x\"]}"),
        ("  [ ]  ", "[]"),
        ("{\"s\":\"\\u00e9\\n\\\"q\\\"\\\\\"}", "{\"s\":\"é\\n\\\"q\\\"\\\\\"}"),
        ("-12", "-12"),
        ("1e3", "1000.0"),
        ("\"\\ud83d\\ude00\"", "\"😀\""),
    ])
    func roundTripsCompact(input: String, expected: String) throws {
        #expect(try JSONValue.parse(input).serialized() == expected)
    }

    @Test func keepsKeyOrderAndIntVersusDouble() throws {
        let value = try JSONValue.parse("{\"z\":1,\"a\":1.0}")
        #expect(value.objectValue?.keys == ["z", "a"])
        guard case .int = value["z"], case .double = value["a"] else {
            Issue.record("int/double lost: \(value)")
            return
        }
    }

    @Test func pythonFormatEscapesNonASCII() throws {
        let value: JSONValue = ["k": "é😀", "n": [1, 2.5]]
        #expect(value.serialized(.python) == "{\"k\": \"\\u00e9\\ud83d\\ude00\", \"n\": [1, 2.5]}")
    }

    @Test func stringEscapesMatchPythonJSONDumps() {
        let text = "a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F} é 中 😀 end"
        // json.dumps(text) and json.dumps(text, ensure_ascii=False)
        #expect(JSONValue.string(text).serialized(.python) == #""a\"b\\c\n\r\t\b\f\u0001\u001f\u007f \u00e9 \u4e2d \ud83d\ude00 end""#)
        #expect(JSONValue.string(text).serialized(.compact) == "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7F} é 中 😀 end\"")
        #expect(JSONValue.string("").serialized() == "\"\"")
    }

    @Test func prettyFormatIndentsLikePythonJSONDumps() throws {
        let value: JSONValue = ["a": [1, ["b": nil]], "e": [], "o": [:]]
        #expect(value.serialized(.pretty) == "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"e\": [],\n  \"o\": {}\n}")
    }

    @Test func objectsCompareLikePythonDicts() throws {
        #expect(try JSONValue.parse("{\"a\":1,\"b\":2}") == JSONValue.parse("{\"b\":2.0,\"a\":1}"))
        #expect(try JSONValue.parse("{\"a\":1}") != JSONValue.parse("{\"a\":\"1\"}"))
    }

    @Test(arguments: ["{", "[1,]", "{\"a\" 1}", "tru", "\"\\x\"", "01x", "[1] 2", "\"a\nb\""])
    func rejectsMalformed(input: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
    }
}
