import JSON
import Python
import Testing

@Suite("ast.literal_eval into JSON values")
struct PythonLiteralTests {
    static let literalCases: [(String, JSONValue)] = [
        ("['a', \"b\", 'it\\'s']", .array(["a", "b", "it's"])),
        ("(1, -2.5, True, None)", .array([1, -2.5, true, nil])),
        ("{'k': [1, 2], 'v': 'x'}", ["k": [1, 2], "v": "x"]),
        ("  'con' \"cat\"", "concat"),
        ("r'\\d+'", "\\d+"),
        ("'\\n\\t\\x41\\u00e9'", "\n\tAé"),
        ("[]", []),
        ("(7)", 7),
        ("(7,)", [7]),
        ("0x1F", 31),
        ("1_000", 1000),
        ("1e3", 1000.0),
    ]

    @Test(arguments: literalCases)
    func pythonLiteral(_ text: String, _ expected: JSONValue) throws {
        #expect(try PythonLiteral.parse(text) == expected)
    }

    @Test(arguments: ["[1, 2", "foo", "007", "1 + 2", "'open", "[1] x"])
    func pythonLiteralRejects(_ text: String) {
        #expect(throws: PythonLiteral.ParseError.self) { _ = try PythonLiteral.parse(text) as JSONValue }
    }

    @Test func dictKeysBecomeTheirStrAndRepeatsKeepTheLastValue() throws {
        #expect(try PythonLiteral.parse("{1: 'a', None: 2.5, 'x': 0, 'x': 1}") == ["1": "a", "None": 2.5, "x": 1] as JSONValue)
    }
}
