import JSON

/// How a workflow's activity ended, as its follow-up sees it: the result, or the failure that
/// ended the workflow (after the retry policy gave up).
public enum ActivityOutcome: Sendable, Hashable {
    case completed(JSONValue)
    case failed(ApplicationError)
}

/// A child workflow a workflow starts and does not wait for (Temporal's parent close policy
/// ABANDON): the Evaluators LookupTasks finds work for, the manager's result analysis after an
/// Evaluator.
public struct ChildWorkflowStart: Sendable, Hashable {
    /// Whether an id used before may start again (Temporal's WorkflowIdReusePolicy).
    public enum IDReuse: Sendable, Hashable {
        /// After any earlier run closed.
        case allowDuplicate
        /// Only when the earlier run did not complete.
        case allowDuplicateFailedOnly
    }

    public var type: String
    public var workflowID: String
    /// nil: the backend's choice (Temporal: the parent's queue; the PostgreSQL queue: the type's default).
    public var taskQueue: String?
    public var input: JSONValue
    public var idReuse: IDReuse
    /// Temporal's workflow execution and task timeouts for the child (the original's 300 s and 240 s).
    public var executionTimeout: Duration
    public var taskTimeout: Duration

    /// A child start; the timeouts default to the original's.
    public init(
        type: String, workflowID: String, taskQueue: String? = nil, input: JSONValue, idReuse: IDReuse,
        executionTimeout: Duration = .seconds(300), taskTimeout: Duration = .seconds(240)
    ) {
        self.type = type
        self.workflowID = workflowID
        self.taskQueue = taskQueue
        self.input = input
        self.idReuse = idReuse
        self.executionTimeout = executionTimeout
        self.taskTimeout = taskTimeout
    }
}

/// What a workflow does once its one activity has ended: which children it starts, and what it
/// returns. Both are pure functions of the input and the outcome, so the Temporal backend can
/// replay them from history and the PostgreSQL queue can run them after the activity.
public struct WorkflowFollowUp: Sendable {
    /// Children to start when the activity ended this way (started whether or not it succeeded).
    public var children: @Sendable (_ input: JSONValue, _ outcome: ActivityOutcome) -> [ChildWorkflowStart]
    /// The workflow's result from the activity's.
    public var result: @Sendable (_ activityResult: JSONValue) -> JSONValue

    /// A follow-up; the default starts nothing and returns the activity's result.
    public init(
        children: @escaping @Sendable (_ input: JSONValue, _ outcome: ActivityOutcome) -> [ChildWorkflowStart] = { _, _ in [] },
        result: @escaping @Sendable (_ activityResult: JSONValue) -> JSONValue = { $0 }
    ) {
        self.children = children
        self.result = result
    }

    /// Nothing after the activity.
    public static let none = WorkflowFollowUp()
}
