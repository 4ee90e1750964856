import JSON

/// `Noop`: returns its input; for tests and benchmarks of the queue itself.
public struct NoopActivity: WorkflowActivity {
    public init() {}

    public func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue { input }
}

/// `Sleep`: `{"seconds": x, "fail_times": n, "non_retryable": bool}` sleeps x seconds with
/// heartbeats (progress `{"slept_seconds": …}`), then fails attempts 1…n with a `SleepFailure`
/// (non-retryable when asked) and succeeds after that with `{"slept_seconds": x, "attempt": k}`.
public struct SleepActivity: WorkflowActivity {
    /// How often the sleep heartbeats (and so notices a cancel request).
    public var heartbeatEvery: Duration

    public init(heartbeatEvery: Duration = .milliseconds(200)) {
        self.heartbeatEvery = heartbeatEvery
    }

    struct Input {
        var seconds: Double
        var failTimes: Int
        var nonRetryable: Bool
    }

    static func parse(_ input: JSONValue) throws(ApplicationError) -> Input {
        do throws(JSONFieldError) {
            var reader = try JSONFieldReader(input)
            let seconds = try reader.require(reader.double("seconds"), "seconds")
            guard seconds >= 0, seconds.isFinite else { throw reader.invalid("seconds", "must be a non-negative number") }
            let failTimes = try reader.int("fail_times") ?? 0
            guard failTimes >= 0 else { throw reader.invalid("fail_times", "must not be negative") }
            let nonRetryable = try reader.bool("non_retryable") ?? false
            try reader.finish()
            return Input(seconds: seconds, failTimes: failTimes, nonRetryable: nonRetryable)
        } catch {
            throw ApplicationError(message: error.description, type: "InvalidInput", nonRetryable: true)
        }
    }

    public func validate(_ input: JSONValue) throws(ApplicationError) {
        _ = try Self.parse(input)
    }

    public func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let parsed = try Self.parse(input)
        let clock = ContinuousClock()
        let start = clock.now
        let total = Duration.seconds(parsed.seconds)
        while true {
            let elapsed = start.duration(to: clock.now)
            try await context.heartbeat(progress: ["slept_seconds": .double(min(elapsed, total).inSeconds)])
            if elapsed >= total { break }
            try await Task.sleep(for: min(heartbeatEvery, total - elapsed))
        }
        if context.attempt <= parsed.failTimes {
            throw ApplicationError(
                message: "failing attempt \(context.attempt) on purpose (fail_times \(parsed.failTimes))",
                type: "SleepFailure", nonRetryable: parsed.nonRetryable)
        }
        return ["slept_seconds": .double(parsed.seconds), "attempt": .int(context.attempt)]
    }
}

/// The queue's own workflow types, for tests and benchmarks.
public enum BuiltinWorkflows {
    /// `Noop` and `Sleep` with the given options (default: 3 attempts, 1 s initial retry interval).
    public static func register(
        into registry: inout WorkflowRegistry,
        options: WorkflowOptions = WorkflowOptions(retryPolicy: RetryPolicy(maximumAttempts: 3))
    ) throws(WorkflowDefinitionError) {
        try registry.register("Noop", options: options, activity: NoopActivity())
        try registry.register("Sleep", options: options, activity: SleepActivity())
    }
}
