import JSON
import Scoring
import Testing

/// Reading a continuation's loglikelihood from an echoed `/v1/completions` body without a tokenizer.
@Suite struct EchoLogprobsTests {
    /// A body whose prompt is `tokens` joined (offsets from their lengths), then one generated token.
    static func body(_ tokens: [(text: String, logprob: Double?, top: Double?)], generated: String = "\n") -> JSONValue {
        var offsets: [JSONValue] = []
        var at = 0
        for token in tokens {
            offsets.append(.int(at))
            at += token.text.unicodeScalars.count
        }
        offsets.append(.int(at))
        let logprobs: JSONValue = [
            "tokens": .array(tokens.map { .string($0.text) } + [.string(generated)]),
            "token_logprobs": .array(tokens.map { $0.logprob.map(JSONValue.double) ?? .null } + [-0.1]),
            "top_logprobs": .array(tokens.map { token in token.top.map { ["x": .double($0)] } ?? .null } + [["y": -0.1]]),
            "text_offset": .array(offsets),
        ]
        return ["choices": [["index": 0, "text": "", "logprobs": logprobs]]]
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let tokens: [(text: String, logprob: Double?, top: Double?)]
        let context: String
        let continuation: String
        let loglikelihood: Double
        let greedy: Bool?
        let straddles: Bool
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "continuation tokens summed, generated token left out",
             tokens: [("Q: sky?\nA:", nil, nil), (" blue", -0.5, -0.5), (" sky", -1.25, -0.75)],
             context: "Q: sky?\nA:", continuation: " blue sky", loglikelihood: -1.75, greedy: false, straddles: false),
        Case(label: "every token the most likely one is greedy",
             tokens: [("A:", nil, nil), (" yes", -0.25, -0.25)],
             context: "A:", continuation: " yes", loglikelihood: -0.25, greedy: true, straddles: false),
        // lm-eval moves the context's trailing space into the continuation: a " 12" token counts.
        Case(label: "the context's trailing space belongs to the continuation",
             tokens: [("Answer:", nil, nil), (" 12", -2.0, -2.0)],
             context: "Answer: ", continuation: "12", loglikelihood: -2.0, greedy: true, straddles: false),
        Case(label: "a token across the boundary is counted and flagged",
             tokens: [("The ca", nil, nil), ("tdog", -3.0, -1.0)],
             context: "The cat", continuation: "dog", loglikelihood: -3.0, greedy: false, straddles: true),
        Case(label: "offsets count Unicode scalars",
             tokens: [("日本:", nil, nil), (" é", -0.5, nil)],
             context: "日本:", continuation: " é", loglikelihood: -0.5, greedy: nil, straddles: false),
    ]

    @Test(arguments: cases)
    func scoresTheContinuation(_ testCase: Case) throws {
        let score = try EchoLogprobs(completion: Self.body(testCase.tokens)).score(context: testCase.context, continuation: testCase.continuation)
        #expect(score.loglikelihood == testCase.loglikelihood)
        #expect(score.isGreedy == testCase.greedy)
        #expect(score.straddles == testCase.straddles)
    }

    static let unscorable: [(label: String, body: JSONValue, message: String)] = [
        ("no logprobs", ["choices": [["index": 0, "text": " True", "logprobs": .null]]], "no prompt logprobs (choices[0].logprobs is missing or null)"),
        ("llama.cpp's generated-token logprobs",
         ["choices": [["index": 0, "text": " ", "logprobs": ["content": [["id": 216, "token": " ", "logprob": -0.8, "top_logprobs": []]]]]]],
         "logprobs.content covers only the generated tokens"),
        ("lists of different lengths",
         ["choices": [["logprobs": ["tokens": ["a", "b"], "token_logprobs": [.null], "text_offset": [0, 1]]]]], "lists differ in length"),
        ("no choices", ["object": "error"], "has no choices"),
    ]

    @Test(arguments: unscorable.indices)
    func anUnscorableBodySaysWhatIsMissing(_ index: Int) {
        let (label, body, message) = Self.unscorable[index]
        let error = #expect(throws: LoglikelihoodError.self, "\(label)") { _ = try EchoLogprobs(completion: body) }
        #expect(error?.message.contains(message) == true, "\(label): \(String(describing: error))")
    }

    @Test func aBodyThatDidNotEchoThePromptIsRefused() throws {
        // Only the generated token, at the prompt's end: what a server ignoring echo but giving offsets returns.
        let body: JSONValue = ["choices": [["logprobs": ["tokens": [" True"], "token_logprobs": [-0.2], "top_logprobs": [["x": -0.2]], "text_offset": [12]]]]]
        let error = #expect(throws: LoglikelihoodError.self) {
            _ = try EchoLogprobs(completion: body).score(context: "Is it true?", continuation: " True")
        }
        #expect(error?.message.contains("did not echo the prompt") == true, "\(String(describing: error))")
    }

    @Test func aContinuationTokenWithoutALogprobIsAnError() throws {
        let body = Self.body([("Q:", nil, nil), (" a", nil, nil)])
        let error = #expect(throws: LoglikelihoodError.self) { _ = try EchoLogprobs(completion: body).score(context: "Q:", continuation: " a") }
        #expect(error?.message.contains("has no logprob") == true, "\(String(describing: error))")
    }
}
