import ExtendedJSON
import Foundation
import JSON
import Python
import WorkflowDefinitions

/// Scores `signatures` tasks as the original's `tokenizer_evaluate`, `model_config_evaluate` and
/// `identity_evaluate` do: a `results` document with `signatures[{signature, id, status_code,
/// error_str}]` instead of `scores`, and for tokenizer/config a `tokenizers`/`configs` entry keyed
/// by the files' hash.
///
/// Where we cannot be the original: it checks the files by loading them with `transformers`
/// (`AutoTokenizer` / `AutoConfig`) and hashes what `save_pretrained` writes back. We check their
/// shape natively (`checkTokenizer`, `checkConfig`) and apply the changes that round trip makes
/// (special tokens written as their added-token objects, `_name_or_path` "Unknown", only
/// `config.json` kept) plus the original's own (`model_max_length` as a string). For files a
/// supplier saved with `save_pretrained` the hash is the original's (checked against it by
/// `scripts/signature-fixtures/generate.py`); a round trip that rewrites more than that (another
/// transformers version's defaults) gives another hash.
public enum SignatureEvaluation {
    /// A tokenizer or config body larger than this is not decoded (a failed signature, code 11).
    public static let maximumResponseBytes = 64 << 20

    /// The original's codes: 11 for "could not evaluate" in signatures and failed results,
    /// 1 for an identity response that does not decode.
    public enum Code {
        public static let evaluationFailed = 11
        public static let undecodable = 1
    }

    /// What to write: the result document and, for a valid tokenizer or config, its registry entry.
    public struct Output: Sendable, Equatable {
        public var result: JSONObject
        public var entry: SignatureEntry?
    }

    /// Scores `task` from its responses (in stored order). Throws only when the task cannot be
    /// evaluated at all (no responses): the caller then writes `failedResult`.
    public static func evaluate(_ task: SignatureTask, taskID: ObjectID, responses: [JSONObject], resultTime: Date) throws(ApplicationError) -> Output {
        guard let first = responses.first else {
            throw ApplicationError("Task ID \(taskID.hex) does not exist in the database (it has no responses).", type: "EvalError")
        }
        let height = first["height"]?.intValue ?? -1
        switch task {
        case .identity:
            let signatures = responses.map(identitySignature)
            return Output(result: result(taskID: taskID, status: 0, numSamples: signatures.count, height: height, signatures: signatures,
                                         time: resultTime), entry: nil)
        case .tokenizer, .config:
            let (signature, entry) = registrySignature(task, response: first, taskID: taskID)
            return Output(result: result(taskID: taskID, status: 0, numSamples: 1, height: height, signatures: [signature], time: resultTime),
                          entry: entry)
        }
    }

    /// The original's failed-evaluation result: status 11, no samples, height -1, no signatures.
    public static func failedResult(taskID: ObjectID, resultTime: Date) -> JSONObject {
        result(taskID: taskID, status: Code.evaluationFailed, numSamples: 0, height: -1, signatures: [], time: resultTime)
    }

    static func result(taskID: ObjectID, status: Int, numSamples: Int, height: Int, signatures: [JSONObject], time: Date) -> JSONObject {
        JSONObject([
            ("_id", .objectID(EvaluatorIDs.resultID(task: taskID))),
            ("result_data", .object(JSONObject([
                ("_id", .objectID(EvaluatorIDs.resultDataID(task: taskID))), ("task_id", .objectID(taskID)),
                ("num_samples", .int(numSamples)), ("status", .int(status)), ("result_height", .int(height)), ("result_time", .date(time)),
            ]))),
            ("signatures", .array(signatures.map(JSONValue.object))),
        ])
    }

    static func signature(_ value: String, code: Int, error: String) -> JSONObject {
        JSONObject([("signature", .string(value)), ("id", 0), ("status_code", .int(code)), ("error_str", .string(error))])
    }

    /// Identity: the SHA-256 of the first choice's text when the relay succeeded, "" otherwise.
    static func identitySignature(_ response: JSONObject) -> JSONObject {
        let code = response["error_code"]?.intValue ?? 0
        let error = response["error"]?.stringValue ?? ""
        guard code == 0 else { return signature("", code: code, error: error) }
        guard let raw = response["response"]?.stringValue, let body = try? JSONValue.parse(raw),
              let text = body["choices"]?.arrayValue?.first?["text"]?.stringValue
        else { return signature("", code: Code.undecodable, error: "failed to decode model response") }
        return signature(SHA256.hex(text), code: 0, error: error)
    }

    /// Tokenizer or config: decode, check, normalise, hash; a failure is a signature with code 11
    /// (the result itself is status 0, so the manager still counts the sample).
    static func registrySignature(_ task: SignatureTask, response: JSONObject, taskID: ObjectID) -> (JSONObject, SignatureEntry?) {
        let what = task == .tokenizer ? "tokenizer" : "configuration"
        let raw = response["response"]?.stringValue ?? ""
        guard raw.utf8.count <= maximumResponseBytes else {
            return (signature("Cannot decode \(what)", code: Code.evaluationFailed,
                              error: "the response is \(raw.utf8.count) bytes, over the \(maximumResponseBytes >> 20) MiB limit"), nil)
        }
        let files: JSONObject
        do {
            guard case let .object(object) = try JSONValue.parse(raw) else {
                return (signature("Cannot decode \(what)", code: Code.evaluationFailed, error: "the response is JSON but not an object of files"), nil)
            }
            files = object
        } catch {
            return (signature("Cannot decode \(what)", code: Code.evaluationFailed, error: "\(error)"), nil)
        }
        let normalised: JSONObject
        do {
            normalised = task == .tokenizer ? try checkTokenizer(files) : try checkConfig(files)
        } catch {
            let label = task == .tokenizer ? "Cannot load tokenizer from decoded data" : "Cannot load model configuration"
            return (signature(label, code: Code.evaluationFailed, error: error.message), nil)
        }
        let hash = hash(normalised)
        let key = task == .tokenizer ? "tokenizer" : "config"
        let entry = SignatureEntry(
            collection: task == .tokenizer ? .tokenizers : .configs, hash: hash,
            document: JSONObject([("_id", .objectID(EvaluatorIDs.signatureEntryID(hash: hash, collection: key))), (key, .object(normalised)),
                                  ("hash", .string(hash))]))
        return (signature(hash, code: 0, error: ""), entry)
    }

    /// `sha256(json.dumps(files, sort_keys=True))`, as the original's `prepare_tokenizer` / `prepare_config`.
    public static func hash(_ files: JSONObject) -> String {
        SHA256.hex(JSONValue.object(files).serialized(JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: true, sortKeys: true)))
    }

    /// Why a file set is not loadable.
    struct Unloadable: Error {
        var message: String
    }

    /// A tokenizer as `AutoTokenizer` needs it: a `tokenizer_config` object and a `tokenizer` object
    /// (tokenizer.json) whose `model` names its `type` and has a `vocab`; every other file an object.
    /// `model_max_length` becomes the string of its integer, as the original stores it.
    static func checkTokenizer(_ files: JSONObject) throws(Unloadable) -> JSONObject {
        var files = files
        guard case var .object(config)? = files["tokenizer_config"] else {
            throw Unloadable(message: "KeyError: 'tokenizer_config' (the response has \(files.keys.sorted().joined(separator: ", ")))")
        }
        guard case let .object(tokenizer)? = files["tokenizer"] else {
            throw Unloadable(message: "no 'tokenizer' object (tokenizer.json): a fast tokenizer cannot be built")
        }
        guard case let .object(model)? = tokenizer["model"], model["vocab"] != nil else {
            throw Unloadable(message: "tokenizer.json has no model with a vocab")
        }
        for (name, value) in files where value.objectValue == nil {
            throw Unloadable(message: "file '\(name).json' is a \(value.typeName), not an object")
        }
        // save_pretrained writes each special token that is an added token as its AddedToken object.
        var added: [String: JSONValue] = [:]
        let declared = (tokenizer["added_tokens"]?.arrayValue ?? []) + (config["added_tokens_decoder"]?.objectValue.map { $0.map(\.value) } ?? [])
        for token in declared {
            guard let content = token["content"]?.stringValue else { continue }
            added[content] = .object(JSONObject(["content", "lstrip", "normalized", "rstrip", "single_word"].compactMap { key in
                token[key].map { (key, $0) }
            }))
        }
        if case var .object(special)? = files["special_tokens_map"] {
            for (key, value) in special {
                switch value {
                case let .string(content): if let object = added[content] { special[key] = object }
                case let .array(items): special[key] = .array(items.map { item in item.stringValue.flatMap { added[$0] } ?? item })
                default: break
                }
            }
            files["special_tokens_map"] = .object(special)
        }
        if let length = config["model_max_length"] {
            guard let number = length.doubleValue, number.isFinite, abs(number) < 9.2e18 else {
                throw Unloadable(message: "tokenizer_config.model_max_length \(length.serialized()) is not a number")
            }
            config["model_max_length"] = .string(String(length.intValue ?? Int(number)))
        }
        files["tokenizer_config"] = .object(config)
        return files
    }

    /// A configuration as `AutoConfig` needs it: a `config` object with a `model_type` (or the
    /// original's `pokt_network_custom` marker); every other file an object. What is kept is what
    /// `save_pretrained` writes, `config.json` alone, with `_name_or_path` "Unknown" as the original stores it.
    static func checkConfig(_ files: JSONObject) throws(Unloadable) -> JSONObject {
        guard case var .object(config)? = files["config"] else {
            throw Unloadable(message: "KeyError: 'config' (the response has \(files.keys.sorted().joined(separator: ", ")))")
        }
        guard config["pokt_network_custom"].map({ !$0.isNull }) == true || config["model_type"]?.stringValue != nil else {
            throw Unloadable(message: "Unrecognized model: config.json has no model_type")
        }
        for (name, value) in files where value.objectValue == nil {
            throw Unloadable(message: "file '\(name).json' is a \(value.typeName), not an object")
        }
        config["_name_or_path"] = "Unknown"
        return ["config": .object(config)]
    }
}
