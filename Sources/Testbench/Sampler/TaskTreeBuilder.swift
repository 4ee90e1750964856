import ExtendedJSON
import Foundation
import JSON
import LMEval

/// Turns rendered documents into the original's `tasks`, `instances` and `prompts` documents.
struct TaskTreeBuilder {
    var request: SamplerRequest
    var form: PromptForm
    var numFewshot: Int
    var model: APIModelOptions
    var taskID: ObjectID
    var taskName: String
    /// `__id` of doc id 0 of the evaluation split.
    var firstRowID: Int
    var seed: Int?
    var timeout: PromptTimeout
    var creationDate: Date

    /// The task's `llm_args` as the original stores them (what its evaluator re-feeds its LM).
    var storedLLMArgs: JSONValue {
        var args = request.llmArgs ?? JSONObject()
        args["trust_remote_code"] = true
        args["tokenized_requests"] = false
        args["tokenizer_backend"] = .null
        return .object(args)
    }

    /// Instances and prompts built so far.
    private(set) var instanceCount = 0
    private(set) var promptCount = 0

    /// All documents at once (tests); the Sampler streams them through `documents(for:)`.
    func build(_ rendered: [RenderedDocument], requestType: String) -> TaskTree {
        var builder = self
        var instances: [JSONObject] = [], prompts: [JSONObject] = []
        for document in rendered {
            let built = builder.documents(for: document)
            instances += built.instances
            prompts += built.prompts
        }
        return TaskTree(task: builder.taskDocument(requestType: requestType), instances: instances, prompts: prompts)
    }

    /// One rendered document's instances (one per lm-eval request: a multiple_choice document has one
    /// per choice) and their prompts, numbered after those built before.
    mutating func documents(for document: RenderedDocument) -> (instances: [JSONObject], prompts: [JSONObject]) {
        let date = JSONValue.date(creationDate)
        let task = JSONValue.objectID(taskID)
        var instances: [JSONObject] = [], prompts: [JSONObject] = []
        for (instance, request) in zip(document.instances, document.requests) {
            let instanceID = JSONValue.objectID(SamplerIDs.instanceID(task: taskID, index: instanceCount))
            instanceCount += 1
            instances.append(instanceDocument(instance, of: document, id: instanceID, task: task, date: date))
            let data = JSONValue.string(JSONValue.object(request).serialized(.python))
            let ctxlen = ContextLength.estimate(document.prompt)
            // The original's decode length: the generation budget, or 2 tokens for a loglikelihood request.
            let maxTokens = instance.requestType == "generate_until" ? (request["max_tokens"]?.intValue ?? model.maxGenToks) : 2
            let seconds = timeout.seconds(ctxlen: ctxlen, maxTokens: maxTokens)
            // One prompt per repeat, as the original's requester answers each response separately.
            for _ in 0..<max(1, instance.repeats) {
                prompts.append(JSONObject([
                    ("_id", .objectID(SamplerIDs.promptID(task: taskID, index: promptCount))), ("data", data),
                    ("task_id", task), ("instance_id", instanceID), ("timeout", .int(seconds)), ("done", false),
                    ("trigger_session", 0), ("creation_date", date), ("ctxlen", .int(ctxlen)),
                    ("context_enc", .null), ("continuation_enc", .null),
                ]))
                promptCount += 1
            }
        }
        return (instances, prompts)
    }

    /// The task document over the instances built so far.
    func taskDocument(requestType: String) -> JSONObject {
        taskDocument(instances: instanceCount, requestType: requestType, date: .date(creationDate))
    }

    /// The original's `instance_to_dict`: lm-eval's Instance fields plus ids. `doc_id`, `metadata[1]`
    /// and `doc.__id` are the row's `__id` (the original builds the Instance with its pocket id), not
    /// the renderer's position in the split.
    private func instanceDocument(_ instance: Instance, of document: RenderedDocument, id: JSONValue, task: JSONValue, date: JSONValue) -> JSONObject {
        var instance = instance
        instance.docID = firstRowID + document.docID
        var doc = JSONObject([("__id", .int(instance.docID))])
        for (key, value) in document.doc where key != "__id" { doc[key] = value }
        doc["task"] = .string(instance.taskName)
        return JSONObject([
            ("_id", id), ("task_id", task), ("request_type", .string(instance.requestType)), ("doc", .object(doc)),
            ("arguments", instance.argumentsJSON), ("idx", .int(instance.idx)), ("metadata", instance.metadata),
            ("task_name", .string(instance.taskName)), ("doc_id", .int(instance.docID)), ("repeats", .int(instance.repeats)),
            ("done", false), ("creation_date", date),
        ])
    }

    private func taskDocument(instances: Int, requestType: String, date: JSONValue) -> JSONObject {
        JSONObject([
            ("_id", .objectID(taskID)), ("framework", .string(request.framework)), ("requester_args", request.requesterArgs.json),
            ("blacklist", .array(request.blacklist.map(JSONValue.int))), ("llm_args", storedLLMArgs),
            ("num_fewshot", .int(numFewshot)), ("gen_kwargs", request.genKwargs), ("bootstrap_iters", .int(request.bootstrapIters)),
            ("system_instruction", request.systemInstruction.map(JSONValue.string) ?? .null),
            ("apply_chat_template", .bool(form.applyChatTemplate)), ("fewshot_as_multiturn", .bool(form.fewshotAsMultiturn)),
            ("confirm_run_unsafe_code", .bool(request.confirmRunUnsafeCode)), ("qty", .int(instances)),
            ("random_seed", seed.map(JSONValue.int) ?? .null), ("tasks", .string(request.tasks)),
            ("total_instances", .int(instances)), ("request_type", .string(requestType)),
            ("done", false), ("evaluated", false), ("drop", false), ("creation_date", date),
        ])
    }
}
