import JSON
import Python
import Testing

/// A template may render any text that is then read as a Python literal (`doc_to_choice`,
/// bracketed targets), so the literal parser's recursion is bounded like CPython's tokenizer.
@Suite struct LiteralNestingTests {
    private func parseInTask(_ text: String) async -> Result<JSONValue, PythonLiteral.ParseError> {
        await Task.detached { Result { () throws(PythonLiteral.ParseError) in try PythonLiteral.parse(text) } }.value
    }

    @Test(arguments: [("[", "]"), ("(", ",)"), ("{'k': ", "}"), ("-", "")])
    func nestingFarBeyondTheLimitIsAParseError(open: String, close: String) async throws {
        let deep = 100_000
        let text = String(repeating: open, count: deep) + "1" + String(repeating: close, count: deep)
        let result = await parseInTask(text)
        let error = try #require(throws: PythonLiteral.ParseError.self) { try result.get() }
        #expect(error.message.contains("more than 200"))
    }

    @Test func nestingUpToTheLimitParses() async throws {
        let atLimit = String(repeating: "[", count: 200) + "1" + String(repeating: "]", count: 200)
        var value = try await parseInTask(atLimit).get()
        var depth = 0
        while case .array(let items) = value {
            depth += 1
            value = items.first ?? .null
        }
        #expect(depth == 200 && value == .int(1))
        #expect(throws: PythonLiteral.ParseError.self) { () throws(PythonLiteral.ParseError) -> JSONValue in try PythonLiteral.parse("[" + atLimit + "]") }
        #expect(try PythonLiteral.parse("[-1, (+2.5,), {'a': -3}]") as JSONValue == .array([.int(-1), .array([.double(2.5)]), .object(["a": .int(-3)])]))
    }
}
