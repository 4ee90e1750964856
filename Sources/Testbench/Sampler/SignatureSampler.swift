import ExtendedJSON
import Foundation
import JSON
import Python
import WorkflowDefinitions

/// The `signatures` framework's tasks: what the manager asks of a supplier before it sends it
/// `lmeh` work. Each builds the original's task tree; `SignatureEvaluation` scores it.
public enum SignatureTask: String, Sendable, CaseIterable {
    /// GET `/pokt/tokenizer`: the supplier's tokenizer files as one JSON object.
    case tokenizer
    /// GET `/pokt/config`: the supplier's model configuration files as one JSON object.
    case config
    /// Five completions of seeded Lorem-ipsum prompts, whose answers fingerprint the model.
    case identity

    /// The task the Sampler's `tasks` names, or a non-retryable error naming it.
    public init(named name: String) throws(ApplicationError) {
        guard let task = SignatureTask(rawValue: name) else {
            throw .badParams("requested task \(name) is not supported by framework signatures (known: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = task
    }

    /// How many prompts the original asks (identity: `IDENTITY_SIGNATURE_COUNT`).
    public var promptCount: Int { self == .identity ? 5 : 1 }
}

/// Builds a signature task's `tasks`, `instances` and `prompts` documents as the original's
/// `get_tokenizer_task` / `get_config_task` / `get_identity_task` do.
struct SignatureTreeBuilder {
    var task: SignatureTask
    var request: SamplerRequest
    var taskID: ObjectID
    /// The identity prompts' `random.seed`.
    var seed: Int
    var creationDate: Date

    /// The original's Lorem-ipsum text with its newlines removed (so "magna\naliqua." is one word).
    static let identityWords: [String] = {
        let text = """
            Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna\
            aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.\
            Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint\
            occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.
            """
        return text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    }()

    /// The identity prompts: after `random.seed(seed)`, each is `" ".join(random.choices(words, k=10)) + " "`.
    static func identityPrompts(seed: Int, count: Int) -> [String] {
        var rng = PythonRandom(seed: seed)
        let n = Double(identityWords.count)
        return (0..<count).map { _ in
            (0..<10).map { _ in identityWords[Int((rng.random() * n).rounded(.down))] }.joined(separator: " ") + " "
        }
    }

    func build() -> TaskTree {
        let date = JSONValue.date(creationDate)
        let taskRef = JSONValue.objectID(taskID)
        let (method, path, timeout) = switch task {
        case .tokenizer: ("GET", "/pokt/tokenizer", 300)
        case .config: ("GET", "/pokt/config", 60)
        case .identity: ("POST", SamplerRequest.completionsPath, 60)
        }
        let bodies: [String] = switch task {
        case .tokenizer, .config: [""]
        case .identity:
            // CompletionRequest(...).to_dict(): the fields that differ from their defaults, in declaration order.
            Self.identityPrompts(seed: seed, count: task.promptCount).enumerated().map { index, prompt in
                JSONValue.object(JSONObject([
                    ("model", "pocket_network"), ("prompt", .string(prompt)), ("max_tokens", 100), ("seed", .int(index)),
                    ("temperature", .double(0)),
                ])).serialized(.python)
            }
        }
        var instances: [JSONObject] = []
        var prompts: [JSONObject] = []
        for (index, body) in bodies.enumerated() {
            let instanceID = JSONValue.objectID(SamplerIDs.instanceID(task: taskID, index: index))
            instances.append(JSONObject([("_id", instanceID), ("task_id", taskRef), ("done", false), ("creation_date", date)]))
            prompts.append(JSONObject([
                ("_id", .objectID(SamplerIDs.promptID(task: taskID, index: index))), ("data", .string(body)), ("task_id", taskRef),
                ("instance_id", instanceID), ("timeout", .int(timeout)), ("done", false), ("trigger_session", 0),
                ("creation_date", date), ("ctxlen", .null), ("context_enc", .null), ("continuation_enc", .null),
            ]))
        }
        let requester = JSONObject([
            ("address", .string(request.requesterArgs.address)), ("service", .string(request.requesterArgs.service)),
            ("method", .string(method)), ("path", .string(path)), ("headers", .object(JSONObject())),
        ])
        let taskDocument = JSONObject([
            ("_id", taskRef), ("framework", "signatures"), ("requester_args", .object(requester)), ("blacklist", []),
            ("llm_args", .null), ("num_fewshot", .null), ("gen_kwargs", .null), ("bootstrap_iters", 100_000),
            ("system_instruction", .null), ("apply_chat_template", true), ("fewshot_as_multiturn", true),
            ("confirm_run_unsafe_code", false), ("qty", .int(task.promptCount)),
            ("random_seed", task == .identity ? .int(seed) : .null), ("tasks", .string(task.rawValue)),
            ("total_instances", .int(task.promptCount)), ("request_type", ""),
            ("done", false), ("evaluated", false), ("drop", false), ("creation_date", date),
        ])
        return TaskTree(task: taskDocument, instances: instances, prompts: prompts)
    }
}

extension Sampler {
    /// Samples a `signatures` task: no dataset, the original's fixed tree for the task named.
    func sampleSignature(_ request: SamplerRequest, runID: String, seed: Int) async throws -> SamplerOutcome {
        let task = try SignatureTask(named: request.tasks)
        let taskID = SamplerIDs.taskID(runID: runID)
        let tree = SignatureTreeBuilder(task: task, request: request, taskID: taskID, seed: seed, creationDate: Date()).build()
        do {
            try await services.documents.replaceTaskTree(tree)
        } catch {
            throw ApplicationError("Failed to save instances to \(services.documents.kind): \(error.message)", type: "DocumentStore", cause: error)
        }
        return SamplerOutcome(taskID: taskID, taskName: task.rawValue, docIDs: [], prompts: tree.prompts.count,
                              seed: task == .identity ? seed : nil, instances: tree.instances.count)
    }
}
