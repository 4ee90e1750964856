import ExtendedJSON
import Foundation
import FoundationNetworking
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
        if task["requester_args"]?["method"]?.stringValue == "GET" {
            return try await fetch(path: path, task: task, taskID: taskID, pending: pending, logger: logger)
        }
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
            responses.append(Self.linked(response, to: prompt, taskID: taskID))
        }
        return try await store(responses, pending: pending, task: name, taskID: taskID, failed: failed, logger: logger)
    }

    /// `response` with the fields that tie it to its prompt (a local run has no block heights: 0).
    private static func linked(_ response: JSONObject, to prompt: JSONObject, taskID: ObjectID) -> JSONObject {
        var response = response
        response["height"] = 0
        response["session_height"] = 0
        response["task_id"] = .objectID(taskID)
        response["instance_id"] = prompt["instance_id"] ?? .null
        response["prompt_id"] = prompt["_id"] ?? .null
        return response
    }

    private func store(_ responses: [JSONObject], pending: [JSONObject], task name: String, taskID: ObjectID, failed: Int,
                       logger: Logger) async throws(DocumentStoreError) -> RequesterSummary {
        try await documents.insertResponses(responses)
        try await documents.markDone(taskID: taskID, promptIDs: pending.compactMap { $0["_id"]?.objectIDValue })
        logger.info("answered prompts", metadata: ["task": "\(name)", "task_id": "\(taskID.hex)", "sent": "\(pending.count)", "failed": "\(failed)"])
        return RequesterSummary(taskID: taskID, task: name, sent: pending.count, failed: failed)
    }

    /// A `signatures` tokenizer or config prompt: GET the path and keep the body as it came.
    private func fetch(path: String, task: JSONObject, taskID: ObjectID, pending: [JSONObject], logger: Logger) async throws(DocumentStoreError) -> RequesterSummary {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + path) else {
            throw DocumentStoreError(.rejected, "task \(taskID.hex): \(base + path) is not a URL")
        }
        let timeout = Double(pending.compactMap { $0["timeout"]?.intValue }.max() ?? 60) * 4
        var responses: [JSONObject] = []
        var failed = 0
        for prompt in pending {
            var response: JSONObject = ["_id": .objectID(ObjectID())]
            let started = ContinuousClock.now
            do {
                let (data, reply) = try await URLSession.shared.data(for: URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout))
                let status = (reply as? HTTPURLResponse)?.statusCode ?? 0
                let elapsed = ContinuousClock.now - started
                let ok = (200..<300).contains(status)
                if !ok { failed += 1 }
                response["ok"] = .bool(ok)
                response["error_code"] = ok ? 0 : ((400..<500).contains(status) ? 4 : 2)
                response["ms"] = .int(Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
                response["response"] = .string(ok ? String(decoding: data, as: UTF8.self) : "")
                response["error"] = .string(ok ? "" : "HTTP \(status)")
            } catch {
                failed += 1
                response["ok"] = false
                response["error_code"] = 1
                response["ms"] = 0
                response["response"] = ""
                response["error"] = .string("\(url.absoluteString): \(error.localizedDescription)")
            }
            responses.append(Self.linked(response, to: prompt, taskID: taskID))
        }
        return try await store(responses, pending: pending, task: task["tasks"]?.stringValue ?? "?", taskID: taskID, failed: failed, logger: logger)
    }
}
