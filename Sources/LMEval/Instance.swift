import JSON

/// lm-eval's `Instance` for one request: what the sampler stores and the model answers.
public struct Instance: Sendable, Hashable {
    /// Request arguments by request type.
    public enum Arguments: Sendable, Hashable {
        /// `generate_until`: (context, generation kwargs).
        case generateUntil(context: Prompt, generationKwargs: JSONObject)
        /// `loglikelihood`: (context, continuation).
        case loglikelihood(context: Prompt, continuation: String)
        /// `loglikelihood_rolling`: (text,).
        case loglikelihoodRolling(text: String)
    }

    /// `request_type` as lm-eval names it (`multiple_choice` tasks issue `loglikelihood` instances).
    public var requestType: String
    public var doc: JSONObject
    public var arguments: Arguments
    public var idx: Int
    public var taskName: String
    public var docID: Int
    public var repeats: Int

    public init(requestType: String, doc: JSONObject, arguments: Arguments, idx: Int, taskName: String, docID: Int, repeats: Int) {
        self.requestType = requestType
        self.doc = doc
        self.arguments = arguments
        self.idx = idx
        self.taskName = taskName
        self.docID = docID
        self.repeats = repeats
    }

    /// `metadata` = (task_name, doc_id, repeats).
    public var metadata: JSONValue { .array([.string(taskName), .int(docID), .int(repeats)]) }

    /// The text whose loglikelihood is asked for, after its context: `(context, continuation)` for a
    /// loglikelihood instance, `("", text)` for a rolling one, nil for generate_until.
    public var scoredSpan: (context: String, continuation: String)? {
        switch arguments {
        case .generateUntil: nil
        case let .loglikelihood(context, continuation): (context.contextString, continuation)
        case let .loglikelihoodRolling(text): ("", text)
        }
    }

    /// `arguments` as lm-eval's tuple serialises: the context string (chat: the JSON text) and the rest.
    public var argumentsJSON: JSONValue {
        switch arguments {
        case let .generateUntil(context, kwargs): .array([.string(context.contextString), .object(kwargs)])
        case let .loglikelihood(context, continuation): .array([.string(context.contextString), .string(continuation)])
        case let .loglikelihoodRolling(text): .array([.string(text)])
        }
    }
}
