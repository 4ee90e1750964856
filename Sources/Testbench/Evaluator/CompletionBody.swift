import JSON
import LMEval
import Python
import Scoring

/// The two OpenAI-compatible APIs a task is sampled for (`requester_args.path`).
public enum CompletionAPI: String, Sendable, CaseIterable {
    case completions = "/v1/completions"
    case chatCompletions = "/v1/chat/completions"

    /// The API for a `requester_args.path`; nil for any other path.
    public init?(path: String) { self.init(rawValue: path) }
}

/// Reads the generated text out of an OpenAI completion or chat completion body, as the
/// original's `parse_generations` does: `choices[0].text` or `choices[0].message.content`.
public enum CompletionBody {
    /// Status codes the original evaluator gives samples it cannot use.
    public enum Code {
        /// The supplier's body is not JSON (`SUPPLIER_ERROR`).
        public static let badJSON = 2
        /// The body is JSON but not a completion the evaluator understands.
        public static let evaluation = 12
        /// The supplier answered with a JSON `error` object.
        public static let supplierError = 13
    }

    /// What lm-eval's API model gives an empty or null generation (0.4.9's `[invalidanswer]`).
    public static let emptyAnswer = "[invalidanswer]"

    /// A usable generation or the reason there is none.
    public enum Parsed: Sendable, Equatable {
        case text(String)
        case failed(code: Int, error: String)
    }

    /// Parses a raw response body for `api`. Never throws: every problem is a `.failed` value.
    public static func parse(_ raw: String, api: CompletionAPI) -> Parsed {
        let body: JSONValue
        do {
            body = try JSONValue.parse(raw)
        } catch {
            return .failed(code: Code.badJSON, error: "Bad JSON data format (response): " + raw)
        }
        return parse(body, api: api)
    }

    /// The loglikelihood of `continuation` after `context` from a raw echoed `/v1/completions` body,
    /// or the status code and error of a failed sample (`badJSON` for a body that is not JSON).
    public static func continuationScore(_ raw: String, context: String, continuation: String) -> Result<ContinuationScore, ScoreFailure> {
        let body: JSONValue
        do { body = try JSONValue.parse(raw) } catch { return .failure(ScoreFailure(code: Code.badJSON, error: "the body is not JSON: \(error)")) }
        do {
            return .success(try EchoLogprobs(completion: body).score(context: context, continuation: continuation))
        } catch {
            return .failure(ScoreFailure(code: Code.evaluation, error: error.message))
        }
    }

    /// Why a response gave no score: the sample's status code and error text.
    public struct ScoreFailure: Error, Sendable, Equatable {
        public var code: Int
        public var error: String
    }

    /// Parses an already decoded body.
    public static func parse(_ body: JSONValue, api: CompletionAPI) -> Parsed {
        guard case let .object(object) = body else {
            return .failed(code: Code.evaluation, error: "Bad JSON format: the response is \(body.typeName == "array" ? "an array" : "a " + body.typeName), not a completion object")
        }
        if let error = object["error"], !error.isNull {
            var message = error["message"]?.stringValue ?? PythonValue.str(error)
            if let code = object["code"], !code.isNull { message += "\nError Code: \(PythonValue.str(code))" }
            return .failed(code: Code.supplierError, error: message)
        }
        guard case let .array(choices)? = object["choices"] else {
            return .failed(code: Code.evaluation, error: "Bad JSON format: the response has no 'choices' list")
        }
        guard case let .object(first)? = choices.first else {
            return .failed(code: Code.evaluation, error: choices.isEmpty ? "Bad JSON format: 'choices' is empty" : "Bad JSON format: choices[0] is not an object")
        }
        let text: JSONValue?
        switch api {
        case .completions:
            guard first.contains("text") else {
                return .failed(code: Code.evaluation, error: "Bad JSON format: choices[0] has no 'text' (not a /v1/completions response)")
            }
            text = first["text"]
        case .chatCompletions:
            guard case let .object(message)? = first["message"] else {
                return .failed(code: Code.evaluation, error: "Bad JSON format: choices[0] has no 'message' object (not a /v1/chat/completions response)")
            }
            text = message["content"]
        }
        switch text {
        case nil, .null?: return .text(emptyAnswer)
        case let .string(s)?: return .text(s.isEmpty ? emptyAnswer : s)
        case let other?:
            return .failed(code: Code.evaluation, error: "Bad JSON format: the generated text is a \(other.typeName), not a string")
        }
    }
}
