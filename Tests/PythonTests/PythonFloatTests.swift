import JSON
import Python
import Testing

/// repr() and json.dumps() of floats against CPython (Fixtures/floats/generate.py writes the expected text).
@Suite struct PythonFloatTests {
    static let fixture: JSONValue = (try? TestSupport.loadJSON("floats/floats.json")) ?? .null
    static var floatCases: [JSONValue] { fixture["floats"]?.arrayValue ?? [] }
    static var listCases: [JSONValue] { fixture["lists"]?.arrayValue ?? [] }

    @Test func fixtureIsPresent() {
        #expect(Self.floatCases.count >= 100)
        #expect(Self.listCases.count >= 5)
    }

    @Test(arguments: floatCases)
    func floatText(_ expected: JSONValue) throws {
        let bits = try #require(expected["bits"]?.stringValue.flatMap { UInt64($0) })
        let d = Double(bitPattern: bits)
        #expect(PythonFloat.repr(d) == expected["repr"]?.stringValue)
        #expect(PythonFloat.json(d) == expected["json"]?.stringValue)
        #expect(PythonValue.repr(JSONValue.double(d)) == expected["repr"]?.stringValue)
        #expect(JSONValue.double(d).serialized(.python) == expected["json"]?.stringValue)
    }

    /// The live bug: Swift's description switches to exponent notation at 2^53, Python at 1e16.
    @Test(arguments: [
        (9.5e15, "9500000000000000.0"),
        (-9.5e15, "-9500000000000000.0"),
        (0x1p53, "9007199254740992.0"),
        (9_999_999_999_999_998.0, "9999999999999998.0"),
        (1e16, "1e+16"),
        (9.007199254740991e15, "9007199254740991.0"),
    ])
    func positionalBelow1e16(value: Double, text: String) {
        #expect(PythonFloat.repr(value) == text)
        #expect(JSONValue.double(value).serialized() == text)
    }

    /// Lists as the HF datasets loader types them keep the int/float distinction both ways.
    @Test(arguments: listCases)
    func mixedLists(_ expected: JSONValue) throws {
        let text = try #require(expected["value"]?.stringValue)
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(PythonValue.repr(value) == expected["repr"]?.stringValue)
        #expect(value.serialized(.python) == expected["json"]?.stringValue)
    }
}
