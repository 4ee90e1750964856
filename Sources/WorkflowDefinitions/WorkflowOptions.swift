import Foundation

/// How failed attempts are retried, with Temporal's names and defaults.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 0 means unlimited (as in Temporal).
    public var maximumAttempts: Int
    /// Wait before the first retry.
    public var initialInterval: Duration
    /// Each further retry waits this many times longer.
    public var backoffCoefficient: Double
    /// Cap on the wait; nil means 100 × `initialInterval` (Temporal's default).
    public var maximumInterval: Duration?
    /// Failure types (`ApplicationError.type`, or a Swift error's type name) that end the run at once, as in Temporal.
    public var nonRetryableErrorTypes: [String]

    /// A retry policy; the defaults are Temporal's (unlimited attempts, 1 s, ×2, 100 s cap, every type retried).
    public init(
        maximumAttempts: Int = 0, initialInterval: Duration = .seconds(1), backoffCoefficient: Double = 2, maximumInterval: Duration? = nil,
        nonRetryableErrorTypes: [String] = []
    ) {
        self.maximumAttempts = maximumAttempts
        self.initialInterval = initialInterval
        self.backoffCoefficient = backoffCoefficient
        self.maximumInterval = maximumInterval
        self.nonRetryableErrorTypes = nonRetryableErrorTypes
    }

    /// True when a failure of this type may be retried at all (attempts aside).
    public func allowsRetry(of failureType: String) -> Bool {
        !nonRetryableErrorTypes.contains(failureType)
    }

    /// The cap actually applied.
    public var effectiveMaximumInterval: Duration { maximumInterval ?? initialInterval * 100 }

    /// The wait after failed attempt `attempt` (1-based): initial × coefficient^(attempt−1), capped.
    public func delay(afterAttempt attempt: Int) -> Duration {
        let base = initialInterval.inSeconds
        let cap = effectiveMaximumInterval.inSeconds
        let exponent = Double(max(0, attempt - 1))
        let seconds = min(cap, base * pow(backoffCoefficient, exponent))
        return .seconds(seconds.isFinite ? max(0, seconds) : cap)
    }

    /// True when a failure ends the run instead of being retried: it is non-retryable, its type is
    /// one the policy does not retry, or attempt `attempt` was the last allowed.
    public func isFinal(failureType: String, nonRetryable: Bool, afterAttempt attempt: Int) -> Bool {
        nonRetryable || !allowsRetry(of: failureType) || isExhausted(afterAttempt: attempt)
    }

    /// True when attempt `attempt` was the last one allowed.
    public func isExhausted(afterAttempt attempt: Int) -> Bool {
        maximumAttempts > 0 && attempt >= maximumAttempts
    }

    func validate() throws(WorkflowDefinitionError) {
        guard maximumAttempts >= 0 else { throw .invalidArgument("retry policy: maximum attempts must be 0 (unlimited) or more, not \(maximumAttempts)") }
        guard initialInterval >= .zero else { throw .invalidArgument("retry policy: initial interval must not be negative") }
        guard backoffCoefficient >= 1, backoffCoefficient.isFinite else {
            throw .invalidArgument("retry policy: backoff coefficient must be at least 1, not \(backoffCoefficient)")
        }
        if let maximumInterval, maximumInterval < initialInterval {
            throw .invalidArgument("retry policy: maximum interval must not be shorter than the initial interval")
        }
        if nonRetryableErrorTypes.contains(where: \.isEmpty) {
            throw .invalidArgument("retry policy: non-retryable error types must not be empty strings")
        }
    }
}

/// The options a workflow type runs with, fixed on each run when it is started (so workers
/// with other defaults still honour them).
public struct WorkflowOptions: Sendable, Hashable {
    public var retryPolicy: RetryPolicy
    /// Longest one attempt may run; past it the attempt is cancelled and counts as failed.
    public var startToCloseTimeout: Duration
    /// Longest a running attempt may go without a heartbeat before another worker may take it
    /// over. The worker heartbeats every running attempt itself, so this bounds how long a
    /// crashed worker holds its jobs.
    public var heartbeatTimeout: Duration
    /// The queue a run goes to when `start` names none.
    public var taskQueue: String

    /// Options; defaults: Temporal's retry policy, 1 h start-to-close, 60 s heartbeat, queue `default`.
    public init(
        retryPolicy: RetryPolicy = RetryPolicy(), startToCloseTimeout: Duration = .seconds(3600),
        heartbeatTimeout: Duration = .seconds(60), taskQueue: String = "default"
    ) {
        self.retryPolicy = retryPolicy
        self.startToCloseTimeout = startToCloseTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.taskQueue = taskQueue
    }

    /// Checks the values a run would be stored with.
    public func validate() throws(WorkflowDefinitionError) {
        try retryPolicy.validate()
        guard startToCloseTimeout > .zero else { throw .invalidArgument("start-to-close timeout must be positive") }
        guard heartbeatTimeout > .zero else { throw .invalidArgument("heartbeat timeout must be positive") }
        try WorkflowNames.validateTaskQueue(taskQueue)
    }
}

/// Checks of user-given names, the same for every backend.
public enum WorkflowNames {
    /// 1–200 bytes without commas.
    public static func validateTaskQueue(_ name: String) throws(WorkflowDefinitionError) {
        guard !name.isEmpty, name.utf8.count <= 200, !name.contains(",") else {
            throw .invalidArgument("task queue name must be 1–200 bytes without commas, got '\(name)'")
        }
    }

    /// 1–1000 bytes without NUL.
    public static func validateWorkflowID(_ id: String) throws(WorkflowDefinitionError) {
        guard !id.isEmpty, id.utf8.count <= 1000 else {
            throw .invalidArgument("workflow id must be 1–1000 bytes")
        }
        guard !id.utf8.contains(0) else { throw .invalidArgument("workflow id must not contain NUL bytes") }
    }
}
