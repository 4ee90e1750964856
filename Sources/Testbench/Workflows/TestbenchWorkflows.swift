import JSON
import WorkflowDefinitions

/// The workflow types this product runs, with the original Temporal workflows' options and queues.
public enum TestbenchWorkflows {
    /// The original ran Register and Sampler on the sampler's queue and Evaluator on its own.
    public static let samplerQueue = "sampler"
    public static let evaluatorQueue = "evaluator"

    /// Register: 3600 s start-to-close, 60 s heartbeat, 2 attempts (the original's values).
    public static let registerOptions = WorkflowOptions(
        retryPolicy: RetryPolicy(maximumAttempts: 2), startToCloseTimeout: .seconds(3600), heartbeatTimeout: .seconds(60),
        taskQueue: samplerQueue)
    /// Sampler: 300 s start-to-close, 60 s heartbeat, 2 attempts.
    public static let samplerOptions = WorkflowOptions(
        retryPolicy: RetryPolicy(maximumAttempts: 2), startToCloseTimeout: .seconds(300), heartbeatTimeout: .seconds(60),
        taskQueue: samplerQueue)
    /// Evaluator: as the Sampler, on the evaluator's queue.
    public static let evaluatorOptions = WorkflowOptions(
        retryPolicy: RetryPolicy(maximumAttempts: 2), startToCloseTimeout: .seconds(300), heartbeatTimeout: .seconds(60),
        taskQueue: evaluatorQueue)

    /// LookupTasks: 60 s start-to-close, one attempt (the original's), on the evaluator's queue.
    public static let lookupTasksOptions = WorkflowOptions(
        retryPolicy: RetryPolicy(maximumAttempts: 1), startToCloseTimeout: .seconds(60), heartbeatTimeout: .seconds(60),
        taskQueue: evaluatorQueue)
    /// The workflow id a scheduled LookupTasks runs under, so that one runs at a time however many
    /// workers schedule it.
    public static let scheduledLookupID = "lookup-tasks"

    /// The activity behind each product workflow type.
    public struct Activities: Sendable {
        public var register: any WorkflowActivity
        public var sampler: any WorkflowActivity
        public var evaluator: any WorkflowActivity
        public var lookupTasks: any WorkflowActivity
    }

    /// What a worker runs.
    public static func activities(services: TestbenchServices) -> Activities {
        Activities(
            register: RegisterActivity(registrar: TaskRegistrar(services: services)),
            sampler: SamplerActivity(services: services),
            evaluator: EvaluatorActivity(services: services),
            lookupTasks: LookupTasksActivity(services: services))
    }

    /// What a client needs to validate inputs before queueing; these never run.
    public static let validators = Activities(
        register: ValidatingActivity(type: "Register") { input throws(ApplicationError) in _ = try RegisterInput(input) },
        sampler: ValidatingActivity(type: "Sampler") { input throws(ApplicationError) in try SamplerActivity.validateInput(input) },
        evaluator: ValidatingActivity(type: "Evaluator") { input throws(ApplicationError) in _ = try EvaluatorActivity.validateInput(input) },
        lookupTasks: ValidatingActivity(type: "LookupTasks") { _ throws(ApplicationError) in })

    /// A registry with the four product types plus the built-in Noop and Sleep. With `resultAnalyzer`
    /// (the original's `temporal.manager-result-analyzer`), every Evaluator ends by starting it.
    public static func registry(_ activities: Activities, resultAnalyzer: ResultAnalyzer? = nil) throws(WorkflowDefinitionError) -> WorkflowRegistry {
        var registry = WorkflowRegistry()
        try registry.register("Register", options: registerOptions, activity: activities.register, activityType: { _ in "register_task" })
        try registry.register("Sampler", options: samplerOptions, activity: activities.sampler, activityType: { input in
            input["framework"]?.stringValue == "signatures" ? "sign_sample" : "lmeh_sample"
        })
        try registry.register("Evaluator", options: evaluatorOptions, activity: activities.evaluator, activityType: { _ in "evaluate" },
                              followUp: evaluatorFollowUp(resultAnalyzer))
        try registry.register("LookupTasks", options: lookupTasksOptions, activity: activities.lookupTasks, activityType: { _ in "lookup_tasks" },
                              followUp: lookupTasksFollowUp)
        try BuiltinWorkflows.register(into: &registry, options: WorkflowOptions(retryPolicy: RetryPolicy(maximumAttempts: 3), taskQueue: samplerQueue))
        return registry
    }

    /// The manager's result-analysis workflow, which the original's Evaluator starts whether the
    /// evaluation succeeded or not, so the manager can drop records and clean failed tasks.
    public struct ResultAnalyzer: Sendable, Hashable {
        public var workflowName: String
        public var taskQueue: String

        public init(workflowName: String, taskQueue: String) {
            self.workflowName = workflowName
            self.taskQueue = taskQueue
        }
    }

    /// Evaluator: `result-analysis-<task_id>` with `{"task_id"}`, started again only if an earlier
    /// one did not complete (the original's ALLOW_DUPLICATE_FAILED_ONLY).
    static func evaluatorFollowUp(_ analyzer: ResultAnalyzer?) -> WorkflowFollowUp {
        guard let analyzer else { return .none }
        return WorkflowFollowUp(children: { input, _ in
            // A valid input's task_id is a hex string (EvaluatorInput).
            guard let taskID = input["task_id"]?.stringValue else { return [] }
            return [ChildWorkflowStart(type: analyzer.workflowName, workflowID: "result-analysis-\(taskID)", taskQueue: analyzer.taskQueue,
                                       input: ["task_id": .string(taskID)], idReuse: .allowDuplicateFailedOnly)]
        })
    }

    /// LookupTasks: an Evaluator per task found (workflow id = task id, started again after any
    /// earlier run closed); the result is how many were found.
    static let lookupTasksFollowUp = WorkflowFollowUp(
        children: { _, outcome in
            guard case let .completed(.array(ids)) = outcome else { return [] }
            var seen = Set<String>()
            return ids.compactMap(\.stringValue).filter { seen.insert($0).inserted }.map { id in
                ChildWorkflowStart(type: "Evaluator", workflowID: id, input: ["task_id": .string(id)], idReuse: .allowDuplicate)
            }
        },
        result: { found in
            guard case let .array(ids) = found else { return found }
            return .int(ids.count)
        })
}

/// Validates inputs for clients that only queue work.
struct ValidatingActivity: WorkflowActivity {
    let type: String
    let check: @Sendable (JSONValue) throws(ApplicationError) -> Void

    func validate(_ input: JSONValue) throws(ApplicationError) { try check(input) }

    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        throw ApplicationError(message: "\(type) cannot run in a client process", type: "Internal", nonRetryable: true)
    }
}
