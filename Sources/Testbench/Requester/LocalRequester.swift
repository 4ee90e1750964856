import ExtendedJSON
import Foundation
import JSON
import Logging

/// What one requester pass did for a task.
public struct RequesterSummary: Sendable, Equatable {
    public var taskID: ObjectID
    public var task: String
    public var sent: Int
    public var failed: Int

    public var json: JSONValue {
        ["task_id": .string(taskID.hex), "task": .string(task), "sent": .int(sent), "failed": .int(failed)]
    }
}

/// A stand-in for the original's Go requester, for local runs and the demo: sends each pending
/// prompt's `data` to one OpenAI-compatible endpoint, stores what came back as `responses`
/// documents with the requester's fields, and marks prompts, instances and the task done.
/// The production requester (relays through the network to many suppliers) is another project.
public struct LocalRequester: Sendable {
    public let documents: any DocumentStore
    /// Server address, e.g. `http://127.0.0.1:8080`; the task's `requester_args.path` is appended.
    public let endpoint: String
    public var apiKey: String?
    public var concurrency: Int

    public init(documents: any DocumentStore, endpoint: String, apiKey: String? = nil, concurrency: Int = 2) {
        self.documents = documents
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.concurrency = concurrency
    }

    /// Answers the pending prompts of every task not yet done (of `supplier`, when given).
    public func run(supplier: String? = nil, logger: Logger) async throws(DocumentStoreError) -> [RequesterSummary] {
        var summaries: [RequesterSummary] = []
        for task in try await documents.tasks(matching: TaskQuery(supplierAddress: supplier)) where task["done"] != true {
            guard let taskID = task["_id"]?.objectIDValue else { continue }
            if let summary = try await answer(task: task, taskID: taskID, logger: logger) { summaries.append(summary) }
        }
        return summaries
    }

    private func answer(task: JSONObject, taskID: ObjectID, logger: Logger) async throws(DocumentStoreError) -> RequesterSummary? {
        let name = task["tasks"]?.stringValue ?? "?"
        let pending = try await documents.prompts(taskID: taskID).filter { $0["done"] != true }
        guard !pending.isEmpty else { return nil }
        let path = task["requester_args"]?["path"]?.stringValue ?? CompletionAPI.chatCompletions.rawValue
        guard let api = CompletionAPI(path: path), let url = OpenAIClient.url(endpoint: endpoint, api: api) else {
            throw DocumentStoreError(.rejected, "task \(taskID.hex) has requester_args.path \(path), which the local requester cannot send")
        }
        // The original relays with four times the prompt's timeout.
        let timeout = Double(pending.compactMap { $0["timeout"]?.intValue }.max() ?? 60) * 4
        let client = OpenAIClient(options: .init(url: url, api: api, apiKey: apiKey, timeout: timeout, retries: 1, concurrency: concurrency))
        var bodies: [JSONObject] = []
        for prompt in pending {
            bodies.append((prompt["data"]?.stringValue).flatMap { try? JSONValue.parse($0).objectValue } ?? JSONObject())
        }
        let progress = ProgressReporter(label: name, total: pending.count)
        let results = await client.complete(bodies, progress: progress)
        var responses: [JSONObject] = []
        var failed = 0
        for (prompt, result) in zip(pending, results) {
            var response: JSONObject = ["_id": .objectID(ObjectID())]
            switch result {
            case let .success(reply):
                response["ok"] = true
                response["error_code"] = 0
                response["ms"] = .int(reply.milliseconds)
                response["response"] = .string(reply.body)
                response["error"] = ""
            case let .failure(failure):
                failed += 1
                // Transport failures are the requester's relay errors (1); an answer that is not a completion is the supplier's (2).
                let transport = failure.kind == .timeout || failure.kind == .connection
                response["ok"] = .bool(!transport)
                response["error_code"] = transport ? 1 : 2
                response["ms"] = 0
                response["response"] = ""
                response["error"] = .string(failure.description)
            }
            response["height"] = 0
            response["session_height"] = 0
            response["task_id"] = .objectID(taskID)
            response["instance_id"] = prompt["instance_id"] ?? .null
            response["prompt_id"] = prompt["_id"] ?? .null
            responses.append(response)
        }
        try await documents.insertResponses(responses)
        try await documents.markDone(taskID: taskID, promptIDs: pending.compactMap { $0["_id"]?.objectIDValue })
        logger.info("answered prompts", metadata: ["task": "\(name)", "task_id": "\(taskID.hex)", "sent": "\(pending.count)", "failed": "\(failed)"])
        return RequesterSummary(taskID: taskID, task: name, sent: pending.count, failed: failed)
    }
}
