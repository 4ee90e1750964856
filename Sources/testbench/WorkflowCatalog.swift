import JSON
import WorkflowQueue

/// Every workflow type this build knows, with the original's options. The one place where
/// Register, Sampler and Evaluator are still placeholders: when the Testbench module provides
/// their activities, register those here instead of `NotImplementedActivity`.
enum WorkflowCatalog {
    /// The registry shared by `testbench workflow …` and `testbench worker`; runs go to
    /// `defaultTaskQueue` unless `--task-queue` says otherwise.
    static func registry(defaultTaskQueue: String) throws(WorkflowQueueError) -> WorkflowRegistry {
        var registry = WorkflowRegistry()
        // Defaults of the original Temporal workflows.
        let register = WorkflowOptions(
            retryPolicy: RetryPolicy(maximumAttempts: 2), startToCloseTimeout: .seconds(3600), heartbeatTimeout: .seconds(60),
            taskQueue: defaultTaskQueue)
        let samplerOrEvaluator = WorkflowOptions(
            retryPolicy: RetryPolicy(maximumAttempts: 2), startToCloseTimeout: .seconds(300), heartbeatTimeout: .seconds(60),
            taskQueue: defaultTaskQueue)
        try registry.register("Register", options: register, activity: NotImplementedActivity(type: "Register"))
        try registry.register("Sampler", options: samplerOrEvaluator, activity: NotImplementedActivity(type: "Sampler"))
        try registry.register("Evaluator", options: samplerOrEvaluator, activity: NotImplementedActivity(type: "Evaluator"))
        try BuiltinWorkflows.register(
            into: &registry,
            options: WorkflowOptions(retryPolicy: RetryPolicy(maximumAttempts: 3), taskQueue: defaultTaskQueue))
        return registry
    }
}

/// Stands in for an activity this build does not have yet: fails the run at once.
struct NotImplementedActivity: WorkflowActivity {
    let type: String

    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        throw ApplicationError(message: "\(type) is not implemented in this build", type: "NotImplemented", nonRetryable: true)
    }
}
