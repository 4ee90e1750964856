import JSON
import Python

/// The `logprobs` block of an echoed `/v1/completions` choice: one entry per token of the prompt
/// (then the generated one), with character offsets into the prompt.
public struct EchoLogprobs: Sendable, Equatable {
    public var tokens: [String]
    /// nil where the server gives none (OpenAI gives none for the first token).
    public var tokenLogprobs: [Double?]
    /// The largest logprob among each position's `top_logprobs`; nil where the server gives none.
    public var topLogprob: [Double?]
    /// Where each token starts in the prompt, in characters (Unicode code points, as Python indexes).
    public var textOffset: [Int]

    public init(tokens: [String], tokenLogprobs: [Double?], topLogprob: [Double?], textOffset: [Int]) {
        self.tokens = tokens
        self.tokenLogprobs = tokenLogprobs
        self.topLogprob = topLogprob
        self.textOffset = textOffset
    }

    /// Reads `choices[0].logprobs` of a completion body; an error says what the server left out.
    public init(completion body: JSONValue) throws(LoglikelihoodError) {
        guard case let .object(object) = body else { throw LoglikelihoodError("the response is not a JSON object") }
        guard case let .array(choices)? = object["choices"], case let .object(choice)? = choices.first else {
            throw LoglikelihoodError("the response has no choices")
        }
        guard case let .object(logprobs)? = choice["logprobs"] else {
            throw LoglikelihoodError("the response has no prompt logprobs (choices[0].logprobs is missing or null): the server must answer /v1/completions with echo: true and logprobs, which llama.cpp's server does not (it ignores echo)")
        }
        // llama.cpp's server answers logprobs in the chat form, for the generated tokens only.
        if logprobs["tokens"] == nil, logprobs["content"] != nil {
            throw LoglikelihoodError("the response has no prompt logprobs: choices[0].logprobs.content covers only the generated tokens (llama.cpp's server answers so; it ignores echo); the server must answer /v1/completions with echo: true and the prompt's token_logprobs and text_offset")
        }
        func array(_ key: String) throws(LoglikelihoodError) -> [JSONValue] {
            guard case let .array(items)? = logprobs[key] else { throw LoglikelihoodError("choices[0].logprobs.\(key) is missing or not a list") }
            return items
        }
        let tokens = try array("tokens")
        let values = try array("token_logprobs")
        let offsets = try array("text_offset")
        let tops = (try? array("top_logprobs")) ?? []
        guard values.count == tokens.count, offsets.count == tokens.count else {
            throw LoglikelihoodError("choices[0].logprobs lists differ in length (tokens \(tokens.count), token_logprobs \(values.count), text_offset \(offsets.count))")
        }
        self.tokens = tokens.map { $0.stringValue ?? "" }
        tokenLogprobs = values.map(\.doubleValue)
        var offsetValues: [Int] = []
        offsetValues.reserveCapacity(offsets.count)
        for (i, offset) in offsets.enumerated() {
            guard let n = offset.intValue else { throw LoglikelihoodError("choices[0].logprobs.text_offset[\(i)] is not an integer") }
            offsetValues.append(n)
        }
        textOffset = offsetValues
        topLogprob = tokens.indices.map { i in
            guard i < tops.count, case let .object(top) = tops[i] else { return nil }
            return top.pairs.compactMap { $0.value.doubleValue }.max()
        }
    }
}

/// A response that cannot be scored as a loglikelihood (no prompt logprobs, offsets that do not cover the prompt).
public struct LoglikelihoodError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The loglikelihood of a continuation given its context, as lm-eval's `parse_logprobs` returns it.
public struct ContinuationScore: Sendable, Equatable {
    /// Sum of the continuation tokens' logprobs.
    public var loglikelihood: Double
    /// Every continuation token was the most likely one; nil when the server gave no `top_logprobs`.
    public var isGreedy: Bool?
    /// The first continuation token began inside the context's non-whitespace text (it is counted).
    public var straddles: Bool
    /// How many tokens were summed.
    public var tokenCount: Int

    public init(loglikelihood: Double, isGreedy: Bool?, straddles: Bool = false, tokenCount: Int = 0) {
        self.loglikelihood = loglikelihood
        self.isGreedy = isGreedy
        self.straddles = straddles
        self.tokenCount = tokenCount
    }
}

extension EchoLogprobs {
    /// Scores the continuation of `prompt = context + continuation` without a tokenizer: the tokens
    /// that end after the context and start inside the prompt (the generated token is left out,
    /// as lm-eval's `[ctxlen:-1]`). lm-eval moves the context's trailing whitespace into the
    /// continuation before tokenizing, so the split point is the context with trailing whitespace
    /// removed; a token starting before that point and ending after it (`straddles`) is counted with
    /// the continuation, since lm-eval's tokenizer split would also hand it to the continuation.
    public func score(context: String, continuation: String) throws(LoglikelihoodError) -> ContinuationScore {
        guard let first = textOffset.first, first == 0 else {
            throw LoglikelihoodError("choices[0].logprobs does not start at the prompt's first character (text_offset[0] = \(textOffset.first.map(String.init) ?? "none")): the server did not echo the prompt")
        }
        var boundary = context.unicodeScalars.count
        let promptLength = boundary + continuation.unicodeScalars.count
        var scalars = context.unicodeScalars.reversed().makeIterator()
        while let c = scalars.next(), PyText.isSpace(c) { boundary -= 1 }
        var total = 0.0
        var greedy: Bool? = true
        var straddles = false
        var count = 0
        for i in tokens.indices {
            let start = textOffset[i]
            guard start < promptLength else { break }
            let end = i + 1 < textOffset.count ? min(textOffset[i + 1], promptLength) : promptLength
            guard end > boundary else { continue }
            guard let value = tokenLogprobs[i] else {
                throw LoglikelihoodError("token \(i) (\(PythonValue.repr(tokens[i]))) of the continuation has no logprob")
            }
            if start < boundary { straddles = true }
            total += value
            count += 1
            if greedy == true {
                if let top = topLogprob[i] { greedy = value == top } else { greedy = nil }
            }
        }
        guard count > 0 || boundary >= promptLength else {
            throw LoglikelihoodError("no token of choices[0].logprobs covers the continuation (characters \(boundary)..<\(promptLength)): the server did not echo the prompt")
        }
        return ContinuationScore(loglikelihood: total, isGreedy: greedy, straddles: straddles, tokenCount: count)
    }
}
