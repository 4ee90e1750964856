import ExtendedJSON
import JSON

/// A sampled task with everything the requester needs, written and replaced as one unit.
public struct TaskTree: Sendable, Equatable {
    public var task: JSONObject
    public var instances: [JSONObject]
    public var prompts: [JSONObject]

    public init(task: JSONObject, instances: [JSONObject], prompts: [JSONObject]) {
        self.task = task
        self.instances = instances
        self.prompts = prompts
    }

    /// The task's `_id`; every tree is built with one.
    public var taskID: ObjectID? { task["_id"]?.objectIDValue }
}

/// One document of a task tree as it is produced.
public enum TaskTreeDocument: Sendable {
    case instance(JSONObject)
    case prompt(JSONObject)
}

/// A task tree produced document by document, so a store can write it while it is built instead of
/// holding it whole (the Sampler renders straight into the store's write).
public struct TaskTreeStream: Sendable {
    /// The task's id (its `_id`); an earlier tree with this id is replaced.
    public var taskID: ObjectID
    /// Hands every instance and prompt to `body` in write order and returns the task document over
    /// them. What it throws aborts the write (nothing lands) and passes through the store unchanged.
    /// It runs on the store's executor (a PostgreSQL store's connection thread) and may await between
    /// documents, e.g. to read the next rows on a connection of its own.
    public var produce: Producer

    /// The type of `produce`; `body` is the store's, and may await its own writes.
    public typealias Producer = nonisolated(nonsending) @Sendable (_ body: Sink) async throws -> JSONObject
    /// What a store takes each document with.
    public typealias Sink = nonisolated(nonsending) (TaskTreeDocument) async throws -> Void

    public init(taskID: ObjectID, produce: @escaping Producer) {
        self.taskID = taskID
        self.produce = produce
    }

    /// A whole tree as a stream: its instances, then its prompts.
    public init(_ tree: TaskTree) throws(DocumentStoreError) {
        guard let taskID = tree.taskID else { throw DocumentStoreError(.rejected, "task document has no ObjectId _id") }
        self.init(taskID: taskID) { body in
            for instance in tree.instances { try await body(.instance(instance)) }
            for prompt in tree.prompts { try await body(.prompt(prompt)) }
            return tree.task
        }
    }

    /// Runs `produce` into `sink` and returns the task document: what `sink` throws comes out
    /// unchanged, what the producer throws itself comes out as `PassedThrough`, so a store can
    /// map its own errors and hand the producer's on.
    nonisolated(nonsending) func run(into sink: Sink) async throws -> JSONObject {
        var sinkError: (any Error)?
        do {
            return try await produce { document in
                do {
                    try await sink(document)
                } catch {
                    sinkError = error
                    throw error
                }
            }
        } catch {
            if let sinkError { throw sinkError }
            throw PassedThrough(error: error)
        }
    }

    /// Refuses a produced task document whose `_id` is not the stream's `taskID`.
    func requireOwnID(_ task: JSONObject) throws(DocumentStoreError) {
        guard task["_id"]?.objectIDValue == taskID else {
            throw DocumentStoreError(.rejected, "the streamed task document's _id is not \(taskID.hex)")
        }
    }

    /// The whole tree, collected (for stores that write it in one piece); the producer's errors pass through.
    nonisolated(nonsending) func collect() async throws -> (tree: TaskTree, counts: TaskTreeCounts) {
        var instances: [JSONObject] = [], prompts: [JSONObject] = []
        let task = try await produce { document in
            switch document {
            case let .instance(instance): instances.append(instance)
            case let .prompt(prompt): prompts.append(prompt)
            }
        }
        try requireOwnID(task)
        return (TaskTree(task: task, instances: instances, prompts: prompts), TaskTreeCounts(instances: instances.count, prompts: prompts.count))
    }
}

/// How many documents a streamed task tree wrote.
public struct TaskTreeCounts: Sendable, Equatable {
    public var instances: Int
    public var prompts: Int

    public init(instances: Int, prompts: Int) {
        self.instances = instances
        self.prompts = prompts
    }
}

/// Which task documents to list.
public struct TaskQuery: Sendable, Equatable {
    /// `requester_args.address` of the supplier.
    public var supplierAddress: String?
    /// The task's `tasks` field (the task name the Sampler was given).
    public var taskName: String?
    public var limit: Int?

    public init(supplierAddress: String? = nil, taskName: String? = nil, limit: Int? = nil) {
        self.supplierAddress = supplierAddress
        self.taskName = taskName
        self.limit = limit
    }
}

/// Why the document store refused or failed.
public struct DocumentStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The store could not be reached or failed transiently; retrying may help.
        case unavailable
        /// The store rejected a document or a request; retrying the same input will fail again.
        case rejected
        /// A referenced document does not exist.
        case notFound
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether the workflow layer should retry the activity.
    public var isRetryable: Bool { kind == .unavailable }

    public var description: String { message }
}

/// A `tokenizers` or `configs` document a signature evaluation registers: `{_id, tokenizer|config, hash}`.
public struct SignatureEntry: Sendable, Equatable {
    /// `.tokenizers` or `.configs`.
    public var collection: DocumentCollection
    public var hash: String
    public var document: JSONObject

    public init(collection: DocumentCollection, hash: String, document: JSONObject) {
        self.collection = collection
        self.hash = hash
        self.document = document
    }
}

/// Where task trees, responses and results live: MongoDB in production, PostgreSQL JSONB by default.
/// Both keep the original test-bench's collections and field names, so the Go requester and
/// manager read what either writes.
public protocol DocumentStore: Sendable {
    /// A short name for logs and messages ("mongodb", "postgres").
    var kind: String { get }

    /// Creates collections, tables and indexes that are missing.
    func prepare() async throws(DocumentStoreError)

    /// Writes a task with all its instances and prompts, atomically; an earlier tree with the same
    /// task id (left by a crashed attempt) is replaced. Readers never see a task without its prompts.
    func replaceTaskTree(_ tree: TaskTree) async throws(DocumentStoreError)

    /// `replaceTaskTree(_:)` for a tree produced while it is written, with the same atomicity: a
    /// producer error or a crash leaves the earlier tree (or none) in place. Errors are the store's
    /// `DocumentStoreError`s or the producer's own, unchanged.
    func replaceTaskTree(streaming stream: TaskTreeStream) async throws -> TaskTreeCounts

    /// Deletes a task and its instances, prompts, responses and result.
    func deleteTaskTree(taskID: ObjectID) async throws(DocumentStoreError)

    func task(id: ObjectID) async throws(DocumentStoreError) -> JSONObject?

    /// Task documents, newest first.
    func tasks(matching query: TaskQuery) async throws(DocumentStoreError) -> [JSONObject]

    /// Instances of a task in `doc_id` order.
    func instances(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject]

    /// Prompts of a task in the order they were written.
    func prompts(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject]

    func responses(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject]

    /// Stores responses as the requester would (used by tests and reference runs).
    func insertResponses(_ responses: [JSONObject]) async throws(DocumentStoreError)

    /// Marks prompts answered, as the requester does: the prompts and their instances `done`, and the
    /// task `done` once none of its prompts is left.
    func markDone(taskID: ObjectID, promptIDs: [ObjectID]) async throws(DocumentStoreError)

    /// Upserts the task's `results` document (keyed by `result_data.task_id`) and sets the task's
    /// `evaluated` to true, in one atomic step.
    func saveResult(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError)

    /// Upserts a signature task's result and marks the task evaluated, in one atomic step with
    /// `entry` inserted first unless its collection already has a document with its hash.
    func saveSignatureResult(_ result: JSONObject, taskID: ObjectID, entry: SignatureEntry?) async throws(DocumentStoreError)

    /// The `tokenizers` or `configs` documents with `hash`.
    func signatureEntries(_ collection: DocumentCollection, hash: String) async throws(DocumentStoreError) -> [JSONObject]

    /// The original's `mark_task_to_drop`: the task gets `drop: true` and `result` (a failed, empty
    /// result) is upserted, atomically, so the manager cleans the task up.
    func dropTask(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError)

    /// Tasks done and not evaluated (the original's `get_tasks`): what `LookupTasks` evaluates.
    func doneUnevaluatedTaskIDs() async throws(DocumentStoreError) -> [ObjectID]

    /// Tasks whose every prompt is done (the original's `aggregate_skipped_tasks`), done or not.
    func skippedTaskIDs() async throws(DocumentStoreError) -> [ObjectID]

    /// Tasks not done that have all their responses, the last one at least `blocksAgo` blocks below
    /// the suppliers' latest `last_process_height` (the original's `aggregate_old_tasks`); none
    /// when no supplier has a height.
    func oldTaskIDs(blocksAgo: Int) async throws(DocumentStoreError) -> [ObjectID]

    /// Sets the task's `done` to true (the original's `set_task_as_done`).
    func markTaskDone(_ taskID: ObjectID) async throws(DocumentStoreError)

    /// The result of one task, if evaluated.
    func result(taskID: ObjectID) async throws(DocumentStoreError) -> JSONObject?

    /// Every stored result (for leaderboards).
    func allResults() async throws(DocumentStoreError) -> [JSONObject]
}

extension DocumentStore {
    /// Collects the stream into a tree and writes it whole (stores that cannot stream a write).
    public func replaceTaskTree(streaming stream: TaskTreeStream) async throws -> TaskTreeCounts {
        let (tree, counts) = try await stream.collect()
        try await replaceTaskTree(tree)
        return counts
    }
}

/// The collections of the original test-bench and the order their fields are written in.
public enum DocumentCollection: String, Sendable, CaseIterable {
    case tasks, instances, prompts, responses, results
    /// Signature evaluations' registries (the original's `tokenizers` and `configs`).
    case tokenizers, configs
    /// Written by the manager; read for the latest `last_process_height`.
    case suppliers

    /// Field order of the original's documents; stores that do not keep key order
    /// (PostgreSQL JSONB) restore it on read so both stores print identical documents.
    public var fieldOrder: [String] {
        switch self {
        case .tasks:
            ["_id", "framework", "requester_args", "blacklist", "llm_args", "num_fewshot", "gen_kwargs",
             "bootstrap_iters", "system_instruction", "apply_chat_template", "fewshot_as_multiturn",
             "confirm_run_unsafe_code", "qty", "random_seed", "tasks", "total_instances", "request_type", "done",
             "evaluated", "drop", "creation_date"]
        case .instances:
            ["_id", "task_id", "request_type", "doc", "arguments", "idx", "metadata", "task_name", "doc_id",
             "repeats", "done", "creation_date"]
        case .prompts:
            ["_id", "data", "task_id", "instance_id", "timeout", "done", "trigger_session", "creation_date",
             "ctxlen", "context_enc", "continuation_enc"]
        case .responses:
            ["_id", "ok", "error_code", "ms", "response", "error", "height", "session_height", "task_id",
             "instance_id", "prompt_id"]
        case .results:
            ["_id", "result_data", "scores", "signatures"]
        case .tokenizers:
            ["_id", "tokenizer", "hash"]
        case .configs:
            ["_id", "config", "hash"]
        case .suppliers:
            ["_id"]
        }
    }

    /// `document` with its known fields first, in the original's order, then any others as they came.
    /// A result's `result_data` and `scores` entries are ordered too (the manager reads them).
    public func ordered(_ document: JSONObject) -> JSONObject {
        var out = Self.ordered(document, fieldOrder)
        if self == .results {
            if case let .object(data)? = out["result_data"] {
                out["result_data"] = .object(Self.ordered(data, ["_id", "task_id", "num_samples", "status", "result_height", "result_time"]))
            }
            if case let .array(scores)? = out["scores"] {
                out["scores"] = .array(scores.map { score in
                    guard case let .object(fields) = score else { return score }
                    return .object(Self.ordered(fields, ["score", "id", "run_time", "status_code", "error_str"]))
                })
            }
            if case let .array(signatures)? = out["signatures"] {
                out["signatures"] = .array(signatures.map { signature in
                    guard case let .object(fields) = signature else { return signature }
                    return .object(Self.ordered(fields, ["signature", "id", "status_code", "error_str"]))
                })
            }
        }
        return out
    }

    private static func ordered(_ document: JSONObject, _ order: [String]) -> JSONObject {
        var out = JSONObject()
        for key in order { if let value = document[key] { out[key] = value } }
        for (key, value) in document where out[key] == nil { out[key] = value }
        return out
    }
}
