import Foundation
import JSON
import LMEval

/// lm-eval 0.4.9's command-line values as `testbench run` reads them, with lm-eval's meaning.
public enum LMEvalArguments {
    /// `--model`: the lm-eval model types a reference run stands in for, and the API each one calls.
    public static let modelTypes: [String: CompletionAPI] = ["local-completions": .completions, "local-chat-completions": .chatCompletions]

    /// lm-eval's options a reference run does not support: refused by name rather than ignored.
    public static let unsupportedOptions = [
        "batch_size", "max_batch_size", "device", "samples", "use_cache", "cache_requests", "check_integrity", "write_out",
        "show_config", "verbosity", "wandb_args", "wandb_config_args", "hf_hub_log_args", "predict_only", "trust_remote_code",
        "confirm_run_unsafe_code", "metadata",
    ]

    /// `--model_args` of `local-completions` / `local-chat-completions`.
    public struct ModelArgs: Sendable, Equatable {
        /// The full request URL (`…/v1/completions`) or the server's address.
        public var baseURL: String
        public var model: String?
        /// Requests in flight at once (lm-eval's default 1).
        public var numConcurrent = 1
        /// Attempts per request, the first included (lm-eval's default 3).
        public var maxRetries = 3
        /// Seconds per attempt (lm-eval's default 300).
        public var timeout: Double = 300

        public init(baseURL: String, model: String? = nil) {
            self.baseURL = baseURL
            self.model = model
        }
    }

    /// Reads `--model_args`: a JSON object or lm-eval's `key=value,…`. Keys other than base_url,
    /// model, num_concurrent, max_retries and timeout are refused by name, except
    /// `tokenized_requests=False` and `tokenizer_backend=None`, which say what a reference run does anyway.
    public static func modelArgs(_ text: String) throws(ReferenceRunError) -> ModelArgs {
        let object = try keyValues(text, option: "--model_args")
        var baseURL: String?
        var model: String?
        var numConcurrent: Int?
        var maxRetries: Int?
        var timeout: Double?
        for (key, value) in object {
            switch key {
            case "base_url": baseURL = value.stringValue
            case "model", "pretrained": model = model ?? scalarText(value)
            case "num_concurrent": numConcurrent = try positiveInt(value, key)
            case "max_retries": maxRetries = try positiveInt(value, key)
            case "timeout":
                guard let seconds = value.doubleValue, seconds > 0 else { throw ReferenceRunError("--model_args timeout=\(scalarText(value)): must be a positive number of seconds") }
                timeout = seconds
            case "tokenized_requests" where value == .bool(false): break
            case "tokenizer_backend" where value == .null || ["none"].contains(value.stringValue?.lowercased()): break
            default:
                throw ReferenceRunError("--model_args \(key)=\(scalarText(value)) is not supported by a reference run (it takes base_url, model, num_concurrent, max_retries, timeout)")
            }
        }
        guard let baseURL, !baseURL.isEmpty else { throw ReferenceRunError("--model_args needs base_url=URL (the server's /v1/completions or /v1/chat/completions)") }
        var args = ModelArgs(baseURL: baseURL, model: model)
        if let numConcurrent { args.numConcurrent = numConcurrent }
        if let maxRetries { args.maxRetries = maxRetries }
        if let timeout { args.timeout = timeout }
        return args
    }

    /// Reads `--gen_kwargs`: a JSON object or lm-eval's `key=value,…`.
    public static func genKwargs(_ text: String) throws(ReferenceRunError) -> JSONObject {
        try keyValues(text, option: "--gen_kwargs")
    }

    /// Reads `--seed`: one value for all four seeds, or three or four comma-separated (random,
    /// numpy, torch, fewshot; a missing fourth is 1234). nil stands for Python's `None`.
    public static func seeds(_ text: String) throws(ReferenceRunError) -> [Int?] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for item in items where item != "none" && Int(item) == nil {
            throw ReferenceRunError("--seed \(text): \(item) is not an integer or None")
        }
        let values = items.map { Int($0) }
        switch values.count {
        case 1: return Array(repeating: values[0], count: 4)
        case 3: return values + [1234]
        case 4: return values
        default: throw ReferenceRunError("--seed \(text): give 1, 3 or 4 integers or None, separated by commas")
        }
    }

    /// The few-shot seed of `--seed` (see `seeds`), the only one prompts depend on; `None` there
    /// (an unseeded sampler) cannot be reproduced and is refused.
    public static func fewshotSeed(_ text: String) throws(ReferenceRunError) -> Int {
        guard let seed = try seeds(text)[3] else {
            throw ReferenceRunError("--seed \(text): an unseeded few-shot sampler (None) cannot be reproduced; give an integer")
        }
        return seed
    }

    /// A JSON object, else `key=value` pairs with lm-eval's value conversion (`simple_parse_args_string`).
    static func keyValues(_ text: String, option: String) throws(ReferenceRunError) -> JSONObject {
        if let parsed = try? JSONValue.parse(text) {
            guard let object = parsed.objectValue else { throw ReferenceRunError("\(option) \(text): give a JSON object or key=value,…") }
            return object
        }
        if text.contains("{") { throw ReferenceRunError("\(option) \(text): invalid JSON (use double quotes for JSON strings)") }
        if let piece = text.split(separator: ",").first(where: { !$0.contains("=") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ReferenceRunError("\(option): '\(piece)' is not key=value")
        }
        do { return try SamplerRequest.parseArgsString(text) } catch { throw ReferenceRunError("\(option): \(error.message)") }
    }

    private static func positiveInt(_ value: JSONValue, _ key: String) throws(ReferenceRunError) -> Int {
        guard let number = value.intValue, number >= 1 else { throw ReferenceRunError("--model_args \(key)=\(scalarText(value)): must be a positive integer") }
        return number
    }

    private static func scalarText(_ value: JSONValue) -> String {
        value.stringValue ?? value.serialized()
    }
}
