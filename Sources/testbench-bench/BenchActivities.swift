import JSON
import Synchronization
import WorkflowDefinitions

/// Counts executions and signals when a target count is reached.
final class CompletionCounter: Sendable {
    private let state = Mutex<(count: Int, target: Int, waiter: CheckedContinuation<Void, Never>?)>((0, .max, nil))

    /// Resets the count and waits until `target` executions have been recorded.
    func waitFor(_ target: Int) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                state.target = target
                if state.count >= target { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func reset() { state.withLock { $0 = (0, .max, nil) } }

    func record() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.count += 1
            guard state.count >= state.target, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}

/// Noop that counts its executions (throughput runs).
struct CountingNoop: WorkflowActivity {
    let counter: CompletionCounter

    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        counter.record()
        return input
    }
}

/// Noop that stamps the moment it starts, by workflow id (latency runs).
struct StampingNoop: WorkflowActivity {
    let stamps: StartStamps

    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        stamps.started(context.workflowID)
        return input
    }
}

/// Start instants by workflow id, with a waiter for one id at a time.
final class StartStamps: Sendable {
    private let state = Mutex<(stamps: [String: ContinuousClock.Instant], waiting: (id: String, continuation: CheckedContinuation<ContinuousClock.Instant, Never>)?)>(([:], nil))

    func started(_ id: String) {
        let now = ContinuousClock.now
        let waiter = state.withLock { state -> CheckedContinuation<ContinuousClock.Instant, Never>? in
            state.stamps[id] = now
            guard let waiting = state.waiting, waiting.id == id else { return nil }
            state.waiting = nil
            return waiting.continuation
        }
        waiter?.resume(returning: now)
    }

    /// The instant `id` started, waiting for it if needed.
    func startInstant(of id: String) async -> ContinuousClock.Instant {
        await withCheckedContinuation { continuation in
            let known = state.withLock { state -> ContinuousClock.Instant? in
                if let stamp = state.stamps[id] { return stamp }
                state.waiting = (id, continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }
}
