import ExtendedJSON
import JSON
import WorkflowDefinitions

/// The Evaluator workflow input, `{"framework": "lmeh", "task_id": "<24 hex>"}`, as the original's
/// `PocketNetworkEvaluationTaskRequest` reads it: only `task_id` is required (the requester and
/// LookupTasks send nothing else); every other setting is reloaded from the task document.
public struct EvaluatorInput: Sendable, Equatable {
    public var taskID: ObjectID
    /// The framework the caller names, if any; the task document's own framework decides.
    public var framework: String?

    public init(taskID: ObjectID, framework: String? = nil) {
        self.taskID = taskID
        self.framework = framework
    }

    /// Reads the workflow input; bad shapes are non-retryable `BadParams` errors.
    public init(_ input: JSONValue) throws(ApplicationError) {
        guard case let .object(object) = input else {
            throw ApplicationError.badParams("the Evaluator input must be a JSON object like {\"framework\": \"lmeh\", \"task_id\": \"<24 hex>\"}, got \(input.typeName)")
        }
        let id: String
        switch object["task_id"] {
        case let .string(text)?: id = text
        case let value? where value.objectIDValue != nil: id = value.objectIDValue?.hex ?? ""
        case nil, .null?: throw ApplicationError.badParams("task_id is required (the 24-hex ObjectId of a sampled task)")
        case let value?: throw ApplicationError.badParams("task_id must be a string, got \(value.typeName)")
        }
        guard let taskID = ObjectID(hex: id) else {
            throw ApplicationError.badParams("Bad Task ID format: '\(id)' is not a 24-hex ObjectId")
        }
        self.taskID = taskID
        switch object["framework"] {
        case nil, .null?: framework = nil
        case let .string(name)?:
            // The original dispatches on a substring, so "lmeh-generative" counts as lmeh.
            guard name.contains("lmeh") || name == "signatures" else { throw ApplicationError.badParams("\(name) framework not implemented yet") }
            framework = name
        case let value?: throw ApplicationError.badParams("framework must be a string, got \(value.typeName)")
        }
    }
}
