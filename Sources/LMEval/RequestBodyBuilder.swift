import JSON

/// Model-side settings of lm-eval's API models (`local-completions` / `local-chat-completions` model_args).
public struct APIModelOptions: Sendable, Hashable {
    /// `model=` placed in every body.
    public var model: String
    /// `max_gen_toks` model arg: `max_tokens` when the task's kwargs have neither `max_tokens` nor `max_gen_toks`.
    public var maxGenToks: Int
    /// `seed` model arg.
    public var seed: Int
    /// `eos_string` model arg (appended to `stop` when not already there); lm-eval has none without a tokenizer.
    public var eosString: String?

    public init(model: String, maxGenToks: Int = 256, seed: Int = 1234, eosString: String? = nil) {
        self.model = model
        self.maxGenToks = maxGenToks
        self.seed = seed
        self.eosString = eosString
    }
}

/// The JSON bodies lm-eval's `LocalCompletionsAPI` / `LocalChatCompletion._create_payload` POST,
/// with their key order. Keyed by request type so loglikelihood requests can slot in.
public enum RequestBodyBuilder {
    /// The body for `instance`: completions for a text prompt, chat completions for messages.
    public static func body(for instance: Instance, model: APIModelOptions) throws(LMEvalError) -> JSONObject {
        switch instance.arguments {
        case let .generateUntil(context, kwargs):
            return try generateUntil(context: context, generationKwargs: kwargs, model: model, task: instance.taskName)
        case let .loglikelihood(context, continuation):
            guard case let .text(text) = context else { throw chatLoglikelihood(instance) }
            return loglikelihood(prompt: text + continuation, model: model)
        case let .loglikelihoodRolling(text):
            return loglikelihood(prompt: text, model: model)
        }
    }

    /// `_create_payload(generate=False)` with text instead of token ids: the whole text echoed with
    /// one logprob per token, so the continuation is scored from `logprobs.text_offset`.
    public static func loglikelihood(prompt: String, model: APIModelOptions) -> JSONObject {
        JSONObject([
            ("model", .string(model.model)), ("prompt", .string(prompt)), ("temperature", .int(0)), ("max_tokens", .int(1)),
            ("logprobs", .int(1)), ("seed", .int(model.seed)), ("echo", .bool(true)),
        ])
    }

    private static func chatLoglikelihood(_ instance: Instance) -> LMEvalError {
        LMEvalError(.unsupported, task: instance.taskName,
                    "\(instance.requestType) requests need prompt logprobs, which only /v1/completions returns (echo); /v1/chat/completions cannot score a continuation: use the completion form")
    }

    /// `_create_payload(generate=True)`: `do_sample` dropped; `max_tokens` from `max_tokens`, else
    /// `max_gen_toks`, else the model default; `temperature` default 0; `stop` from `until` (+ eos);
    /// chat keeps at most 4 stop strings; the remaining kwargs follow in their own order.
    public static func generateUntil(context: Prompt, generationKwargs: JSONObject, model: APIModelOptions, task: String? = nil) throws(LMEvalError) -> JSONObject {
        var kwargs = generationKwargs
        kwargs["do_sample"] = nil
        let maxTokens: JSONValue
        if let value = kwargs["max_tokens"] {
            maxTokens = value
            kwargs["max_tokens"] = nil
        } else if let value = kwargs["max_gen_toks"] {
            maxTokens = value
            kwargs["max_gen_toks"] = nil
        } else {
            maxTokens = .int(model.maxGenToks)
        }
        let temperature = kwargs["temperature"] ?? .int(0)
        kwargs["temperature"] = nil
        var stop = try stopSequences(kwargs["until"], eos: model.eosString, task: task)
        kwargs["until"] = nil

        var body = JSONObject()
        switch context {
        case let .text(prompt):
            body["prompt"] = .string(prompt)
        case let .messages(messages):
            body["messages"] = .array(messages.map(\.apiJSON))
            stop = Array(stop.prefix(4))
        }
        body["model"] = .string(model.model)
        body["max_tokens"] = maxTokens
        body["temperature"] = temperature
        body["stop"] = .array(stop)
        body["seed"] = .int(model.seed)
        for (key, value) in kwargs { body[key] = value }
        return body
    }

    /// `handle_stop_sequences`: a string becomes a list, None an empty list, eos appended when missing.
    static func stopSequences(_ until: JSONValue?, eos: String?, task: String?) throws(LMEvalError) -> [JSONValue] {
        var stop: [JSONValue]
        switch until {
        case nil, .null?: stop = []
        case let .string(s)?: stop = [.string(s)]
        case let .array(items)?: stop = items
        case let other?:
            throw LMEvalError(.invalidConfig, task: task, "generation_kwargs.until: expected a string or a list, got \(other.typeName)")
        }
        if let eos, !stop.contains(.string(eos)) { stop.append(.string(eos)) }
        return stop
    }
}
