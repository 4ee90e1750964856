import JSON
import Logging

/// The code behind a workflow type: takes the run's input, returns its result. Throw an
/// `ApplicationError` with `nonRetryable: true` for failures a retry cannot fix.
public protocol WorkflowActivity: Sendable {
    /// Runs one attempt. Call `context.heartbeat(progress:)` in long loops: it records progress
    /// and throws `ActivityCancellation` once the run is cancelled or timed out.
    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue

    /// Checks an input before anything is queued; the default accepts any object.
    func validate(_ input: JSONValue) throws(ApplicationError)
}

extension WorkflowActivity {
    public func validate(_ input: JSONValue) throws(ApplicationError) {}
}

/// Why an activity is asked to stop.
public struct ActivityCancellation: Error, Sendable, Hashable, CustomStringConvertible {
    /// What asked the attempt to stop.
    public enum Reason: String, Sendable, Hashable {
        /// `cancel` was requested for the workflow.
        case cancelRequested = "cancel requested"
        /// The attempt ran past its start-to-close timeout, or the worker is shutting down.
        case taskCancelled = "attempt cancelled (timeout or worker shutdown)"
        /// Another worker took the run over after this worker's lease lapsed.
        case leaseLost = "lease lost to another worker"
    }

    public var reason: Reason

    public init(reason: Reason) { self.reason = reason }

    public var description: String { "activity stopped: \(reason.rawValue)" }
}

/// What an activity knows about the attempt it runs in, and its line back to the worker.
public struct ActivityContext: Sendable {
    public let workflowID: String
    public let runID: String
    public let workflowType: String
    public let taskQueue: String
    /// 1 for the first attempt.
    public let attempt: Int
    /// 0 means unlimited.
    public let maxAttempts: Int
    /// Progress stored by an earlier attempt of this run (Temporal's heartbeat details), so a
    /// retry can resume.
    public let previousProgress: JSONValue?
    /// A logger carrying workflow_id, run and attempt metadata.
    public let logger: Logger
    private let report: @Sendable (JSONValue?) async -> ActivityCancellation.Reason?

    /// A context; `report` records progress and answers why the attempt must stop, if it must.
    /// Workers build these; tests of activities can pass their own `report`.
    public init(
        workflowID: String, runID: String, workflowType: String, taskQueue: String, attempt: Int, maxAttempts: Int,
        previousProgress: JSONValue? = nil, logger: Logger,
        report: @escaping @Sendable (JSONValue?) async -> ActivityCancellation.Reason? = { _ in nil }
    ) {
        self.workflowID = workflowID
        self.runID = runID
        self.workflowType = workflowType
        self.taskQueue = taskQueue
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.previousProgress = previousProgress
        self.logger = logger
        self.report = report
    }

    /// Records `progress` (stored on the run with the worker's next heartbeat, shown by
    /// describe) and throws when the attempt must stop: cancel requested, timed out, worker
    /// shutting down, or lease lost.
    public func heartbeat(progress: JSONValue? = nil) async throws(ActivityCancellation) {
        if let reason = await report(progress) { throw ActivityCancellation(reason: reason) }
        if Task.isCancelled { throw ActivityCancellation(reason: .taskCancelled) }
    }
}
