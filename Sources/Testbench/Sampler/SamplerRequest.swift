import Foundation
import JSON
import WorkflowDefinitions

/// The Sampler workflow's input: the original's `PocketNetworkTaskRequest`, same keys and defaults.
/// Unknown keys are ignored (as pydantic does) and listed in `ignoredKeys` for a warning.
public struct SamplerRequest: Sendable, Equatable {
    /// `requester_args`: which supplier and endpoint the prompts are for.
    public struct RequesterArgs: Sendable, Equatable {
        public var address: String
        public var service: String
        public var method: String
        public var path: String
        /// An object, or null when the input gave null.
        public var headers: JSONValue

        public init(address: String, service: String, method: String = "POST", path: String = SamplerRequest.chatPath,
                    headers: JSONValue = ["Content-Type": "application/json"]) {
            self.address = address
            self.service = service
            self.method = method
            self.path = path
            self.headers = headers
        }

        /// The five lowercase keys the Go requester reads and writes back.
        public var json: JSONValue {
            .object(JSONObject([("address", .string(address)), ("service", .string(service)), ("method", .string(method)),
                                ("path", .string(path)), ("headers", headers)]))
        }
    }

    /// Whether this asks for a `signatures` task (the original compares the framework exactly).
    public var isSignatures: Bool { framework == "signatures" }

    public static let completionsPath = "/v1/completions"
    public static let chatPath = "/v1/chat/completions"

    public var framework: String
    /// The task name, stored verbatim in the task document.
    public var tasks: String
    public var requesterArgs: RequesterArgs
    /// Dataset table `__id`s never to sample (the manager builds it from earlier results' `scores[].id`).
    public var blacklist: [Int]
    /// How many documents to sample; negative means all. Exactly one of `qty` / `docIDs` is set.
    public var qty: Int?
    /// Dataset table `__id`s of the evaluation split to take instead of sampling.
    public var docIDs: [Int]?
    /// Seed of the document draw (`seed`, or the original's `random_seed`); nil draws a fresh one.
    public var seed: Int?
    /// `model` (request-only; request bodies name `llm_args.model`).
    public var model: String
    public var llmArgs: JSONObject?
    public var numFewshot: Int?
    /// `gen_kwargs` as given: a `k=v,k2=v2` string or an object.
    public var genKwargs: JSONValue
    public var bootstrapIters: Int
    public var systemInstruction: String?
    /// nil: the default for the path (true for chat, false for completions).
    public var applyChatTemplate: Bool?
    /// nil: the default for the path (true for chat, false for completions).
    public var fewshotAsMultiturn: Bool?
    public var confirmRunUnsafeCode: Bool
    /// Input keys this port does not use, for a warning.
    public var ignoredKeys: [String]

    /// Keys of the original's request model that are read here.
    static let knownKeys: Set<String> = [
        "framework", "tasks", "verbosity", "include_path", "requester_args", "blacklist", "qty", "random_seed", "seed",
        "doc_ids", "model", "llm_args", "num_fewshot", "gen_kwargs", "bootstrap_iters", "system_instruction",
        "apply_chat_template", "fewshot_as_multiturn", "confirm_run_unsafe_code",
    ]

    /// Validates the input as the original's pydantic model does (after-validators included).
    public static func parse(_ input: JSONValue) throws(ApplicationError) -> SamplerRequest {
        do {
            return try parseFields(input)
        } catch let error as JSONFieldError {
            throw .badParams("Sampler input: \(error)")
        } catch let error as ApplicationError {
            throw error
        } catch {
            throw .badParams("Sampler input: \(error)")
        }
    }

    private static func parseFields(_ input: JSONValue) throws -> SamplerRequest {
        var reader = try JSONFieldReader(input)
        let framework = try reader.require(reader.string("framework"), "framework")
        let tasks = try reader.require(reader.string("tasks"), "tasks")
        _ = try reader.string("verbosity")
        _ = try reader.string("include_path")

        var args = try reader.require(reader.nested("requester_args"), "requester_args")
        var requester = RequesterArgs(address: try args.require(args.string("address"), "address"),
                                      service: try args.require(args.string("service"), "service"))
        requester.method = try args.string("method") ?? requester.method
        requester.path = try args.string("path") ?? requester.path
        if let headers = args.object["headers"] {
            _ = args.value("headers")
            guard headers.isNull || headers.objectValue != nil else {
                throw args.invalid("headers", "must be an object or null")
            }
            // The Go requester decodes them as pocket-go's RelayHeaders (map[string]string): any other
            // value would fail every relay of the task, so it is refused here.
            if let name = headers.objectValue?.first(where: { $0.value.stringValue == nil })?.key {
                throw args.invalid("headers", "must map header names to strings; '\(name)' is not a string")
            }
            requester.headers = headers
        }

        let blacklist = try intList(&reader, "blacklist") ?? []
        var qty = try integer(&reader, "qty")
        let randomSeed = try integer(&reader, "random_seed")
        let seed = try integer(&reader, "seed") ?? randomSeed
        var docIDs = try intList(&reader, "doc_ids")
        let model = try reader.string("model") ?? "pocket_network"
        let llmArgs = try reader.objectValue("llm_args")
        let numFewshot = try integer(&reader, "num_fewshot")
        if let numFewshot, numFewshot < 0 { throw reader.invalid("num_fewshot", "must be 0 or more") }
        let genKwargs = reader.value("gen_kwargs") ?? .null
        guard genKwargs.isNull || genKwargs.stringValue != nil || genKwargs.objectValue != nil else {
            throw reader.invalid("gen_kwargs", "must be a 'key=value,…' string or an object")
        }
        let bootstrapIters = try integer(&reader, "bootstrap_iters") ?? 100_000
        let systemInstruction = try reader.string("system_instruction")
        let applyChatTemplate = try reader.bool("apply_chat_template")
        let fewshotAsMultiturn = try reader.bool("fewshot_as_multiturn")
        let confirmRunUnsafeCode = try reader.bool("confirm_run_unsafe_code") ?? false

        // verify_qty_or_doc_ids: qty 0 and an empty doc_ids count as absent.
        let hasQty = (qty ?? 0) != 0
        let hasDocIDs = !(docIDs ?? []).isEmpty
        guard hasQty != hasDocIDs else { throw ApplicationError.badParams("Expected qty or doc_ids but not both.") }
        if !hasQty { qty = nil }
        if !hasDocIDs { docIDs = nil }
        // remove_blacklist_when_all: every document is taken, so there is nothing to exclude.
        var effectiveBlacklist = blacklist
        if let qty, qty < 0 {
            effectiveBlacklist = []
            docIDs = nil
        }

        let ignored = reader.object.keys.filter { !knownKeys.contains($0) }
        return SamplerRequest(
            framework: framework, tasks: tasks, requesterArgs: requester, blacklist: effectiveBlacklist, qty: qty, docIDs: docIDs,
            seed: seed, model: model, llmArgs: llmArgs, numFewshot: numFewshot, genKwargs: genKwargs, bootstrapIters: bootstrapIters,
            systemInstruction: systemInstruction, applyChatTemplate: applyChatTemplate, fewshotAsMultiturn: fewshotAsMultiturn,
            confirmRunUnsafeCode: confirmRunUnsafeCode, ignoredKeys: ignored)
    }

    /// An integer, also from an integral float (pydantic's lax mode accepts `15.0`).
    private static func integer(_ reader: inout JSONFieldReader, _ key: String) throws(JSONFieldError) -> Int? {
        guard let value = reader.value(key) else { return nil }
        if let int = value.intValue { return int }
        throw reader.invalid(key, "must be an integer, found \(value.typeName)")
    }

    private static func intList(_ reader: inout JSONFieldReader, _ key: String) throws(JSONFieldError) -> [Int]? {
        guard let items = try reader.array(key) else { return nil }
        var ints: [Int] = []
        ints.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let int = item.intValue else { throw reader.invalid(key, "item \(i) must be an integer, found \(item.typeName)") }
            ints.append(int)
        }
        return ints
    }
}

/// How prompts are written for the request's endpoint.
public struct PromptForm: Sendable, Equatable {
    /// Chat messages (`/v1/chat/completions`) rather than a completion prompt.
    public var applyChatTemplate: Bool
    public var fewshotAsMultiturn: Bool
}

extension SamplerRequest {
    /// The original's multiturn rule, then the endpoint: `/v1/completions` takes a text prompt,
    /// `/v1/chat/completions` chat messages; any other path is unsupported.
    public func promptForm() throws(ApplicationError) -> PromptForm {
        let path = requesterArgs.path
        let chat = path == Self.chatPath
        // The original's defaults are true/true; over a completion endpoint they would fail, so they default to false there.
        let apply = applyChatTemplate ?? (path != Self.completionsPath)
        let multiturn = fewshotAsMultiturn ?? (path != Self.completionsPath)
        if multiturn && !apply {
            throw .badParams("When `fewshot_as_multiturn` is selected, `apply_chat_template` must be set (either to `True` or to the chosen template name).")
        }
        guard chat || path == Self.completionsPath else {
            throw ApplicationError("Unsupported path for LLM API", type: "UnsupportedPath")
        }
        if chat && !apply {
            throw .badParams("requester_args.path \(path) sends chat messages: apply_chat_template cannot be false (use path \(Self.completionsPath) for a text prompt)")
        }
        if !chat && apply {
            throw .badParams("apply_chat_template needs requester_args.path \(Self.chatPath): a chat template over \(Self.completionsPath) would need the model's tokenizer")
        }
        return PromptForm(applyChatTemplate: apply, fewshotAsMultiturn: multiturn)
    }

    /// `gen_kwargs` as an object: a string is read as lm-eval's `simple_parse_args_string`; empty means none.
    public func genKwargsOverride() throws(ApplicationError) -> JSONObject? {
        switch genKwargs {
        case let .object(object): return object.isEmpty ? nil : object
        case let .string(text):
            let parsed = try Self.parseArgsString(text)
            return parsed.isEmpty ? nil : parsed
        default: return nil
        }
    }

    /// lm-eval's `simple_parse_args_string`: `k=v` pairs split on commas; `true`/`false`, digits
    /// and floats are converted, anything else stays a string.
    static func parseArgsString(_ text: String) throws(ApplicationError) -> JSONObject {
        var out = JSONObject()
        for piece in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2 else {
                throw .badParams("gen_kwargs: '\(piece)' is not key=value")
            }
            out[String(parts[0])] = convert(parts.dropFirst().joined(separator: "="))
        }
        return out
    }

    private static func convert(_ value: String) -> JSONValue {
        if value.lowercased() == "true" { return .bool(true) }
        if value.lowercased() == "false" { return .bool(false) }
        if !value.isEmpty, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let int = Int(value) { return .int(int) }
        if let double = Double(value.trimmingCharacters(in: .whitespaces)), double.isFinite { return .double(double) }
        return .string(value)
    }
}
