import JSON
import Testbench
import Testing

@Suite struct CompletionBodyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let api: CompletionAPI
        let expected: CompletionBody.Parsed
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "completion text", body: #"{"id":"x","model":"m","choices":[{"index":0,"text":" 42\nQ:"}],"usage":{}}"#,
             api: .completions, expected: .text(" 42\nQ:")),
        Case(name: "chat content", body: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"The answer is 7."}}]}"#,
             api: .chatCompletions, expected: .text("The answer is 7.")),
        Case(name: "empty text is lm-eval's invalid answer", body: #"{"choices":[{"text":""}]}"#, api: .completions,
             expected: .text("[invalidanswer]")),
        Case(name: "null chat content is lm-eval's invalid answer", body: #"{"choices":[{"message":{"role":"assistant","content":null}}]}"#,
             api: .chatCompletions, expected: .text("[invalidanswer]")),
        Case(name: "not JSON is a supplier error (2) carrying the body", body: "<html>502</html>", api: .completions,
             expected: .failed(code: 2, error: "Bad JSON data format (response): <html>502</html>")),
        Case(name: "empty choices", body: #"{"choices":[]}"#, api: .completions,
             expected: .failed(code: 12, error: "Bad JSON format: 'choices' is empty")),
        Case(name: "no choices", body: #"{"object":"list"}"#, api: .chatCompletions,
             expected: .failed(code: 12, error: "Bad JSON format: the response has no 'choices' list")),
        Case(name: "a chat body for a completions task", body: #"{"choices":[{"message":{"content":"x"}}]}"#, api: .completions,
             expected: .failed(code: 12, error: "Bad JSON format: choices[0] has no 'text' (not a /v1/completions response)")),
        Case(name: "a completions body for a chat task", body: #"{"choices":[{"text":"x"}]}"#, api: .chatCompletions,
             expected: .failed(code: 12, error: "Bad JSON format: choices[0] has no 'message' object (not a /v1/chat/completions response)")),
        Case(name: "supplier error object (13)", body: #"{"error":{"message":"model overloaded"},"code":503}"#, api: .completions,
             expected: .failed(code: 13, error: "model overloaded\nError Code: 503")),
        Case(name: "a list is not a completion", body: "[1, 2]", api: .completions,
             expected: .failed(code: 12, error: "Bad JSON format: the response is an array, not a completion object")),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) {
        #expect(CompletionBody.parse(c.body, api: c.api) == c.expected)
    }

    @Test func requesterFailuresKeepTheirCode() {
        let relay: JSONObject = ["ok": false, "error_code": 3, "error": "out of session", "response": ""]
        #expect(TaskEvaluation.parse(relay, api: .completions) == .failed(code: 3, error: "out of session"))
        // ok: false with code 0 must not look like a success to the manager.
        let silent: JSONObject = ["ok": false, "error_code": 0, "error": "relay failed"]
        #expect(TaskEvaluation.parse(silent, api: .completions) == .failed(code: 1, error: "relay failed"))
        let http4xx: JSONObject = ["ok": true, "error_code": 4, "error": "bad request", "response": "{}"]
        #expect(TaskEvaluation.parse(http4xx, api: .completions) == .failed(code: 4, error: "bad request"))
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", CompletionAPI.completions, "http://127.0.0.1:8080/v1/completions"),
        ("http://127.0.0.1:8080/", .chatCompletions, "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://h/v1", .chatCompletions, "http://h/v1/chat/completions"),
        ("http://h/custom/v1/completions", .chatCompletions, "http://h/custom/v1/completions"),
    ])
    func endpointURLs(_ endpoint: String, _ api: CompletionAPI, _ expected: String) {
        #expect(OpenAIClient.url(endpoint: endpoint, api: api)?.absoluteString == expected)
    }
}
