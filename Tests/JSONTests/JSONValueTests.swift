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

    // Below and above the size where an object starts keeping a hash index of its keys.
    @Test(arguments: [3, 12, 13, 40])
    func objectsOfAnySizeKeepOrderReplaceInPlaceAndRemove(size: Int) throws {
        var object = JSONObject()
        for i in 0..<size { object["k\(i)"] = .int(i) }
        object["k1"] = "replaced"
        #expect(object.keys == (0..<size).map { "k\($0)" })
        #expect(object["k1"] == "replaced")
        object["k0"] = nil
        object["again"] = 7
        #expect(object.keys == (1..<size).map { "k\($0)" } + ["again"])
        #expect(object["k0"] == nil)
        #expect(object["k\(size - 1)"] == .int(size - 1))
        #expect(object["again"] == 7)
        #expect(object.count == size)
        // A duplicate key in the text keeps its first position and its last value, as json.loads does.
        let text = "{" + (0..<size).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k0\":\"last\"}"
        let parsed = try #require(try JSONValue.parse(text).objectValue)
        #expect(parsed.keys.first == "k0" && parsed.count == size && parsed["k0"] == "last")
    }

    @Test(arguments: [4, 30])
    func equalObjectsInAnotherOrderHashAlike(size: Int) {
        let pairs = (0..<size).map { ("k\($0)", JSONValue.int($0)) }
        let forward = JSONObject(pairs), backward = JSONObject(pairs.reversed())
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(Set([JSONValue.object(forward), .object(backward)]).count == 1)
        var changed = backward
        changed["k0"] = 1
        #expect(forward != changed)
        changed["k0"] = 0
        changed["extra"] = 0
        #expect(forward != changed)
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
