import Testing

/// Reads `read()` every `interval` until `condition` holds for the value and returns it; once
/// `timeout` has passed, fails the test with `failure(last value)`.
public func poll<Value>(
    timeout: Duration,
    every interval: Duration,
    _ read: () async throws -> Value,
    until condition: (Value) -> Bool,
    failure: (Value) -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> Value {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        let value = try await read()
        if condition(value) { return value }
        try #require(clock.now < deadline, "\(failure(value))", sourceLocation: sourceLocation)
        try await Task.sleep(for: interval)
    }
}
