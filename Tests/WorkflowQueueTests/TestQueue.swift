import Foundation
import JSON
import Logging
import Postgres
import Synchronization
import TestSupport
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

/// One isolated queue (its own schema) on the test server, with a client and worker factory.
struct TestQueue {
    let uri: String
    let schema: WorkflowQueueSchema
    let pool: PostgresConnectionPool
    let client: WorkflowClient
    let registry: WorkflowRegistry

    static func uri() throws -> String {
        try TestDatabase.uri()
    }

    /// Fast options for tests: 3 attempts, 20 ms first retry. The heartbeat timeout stays well above
    /// what a loaded 2-core machine needs for a heartbeat round trip, so no lease lapses by accident;
    /// tests of lapsed leases set `lease_expires_at` themselves.
    static let fastOptions = WorkflowOptions(
        retryPolicy: RetryPolicy(maximumAttempts: 3, initialInterval: .milliseconds(20), backoffCoefficient: 2),
        startToCloseTimeout: .seconds(30), heartbeatTimeout: .seconds(10))

    /// Runs `body` against a fresh schema, dropped afterwards.
    static func with(
        registry configure: (inout WorkflowRegistry) throws -> Void = { _ in },
        _ body: (TestQueue) async throws -> Void
    ) async throws {
        let uri = try uri()
        let schema = try WorkflowQueueSchema("wq_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))
        var registry = WorkflowRegistry()
        try BuiltinWorkflows.register(into: &registry, options: fastOptions)
        try configure(&registry)
        let pool = PostgresConnectionPool(uri: uri, maxConnections: 4)
        let queue = TestQueue(uri: uri, schema: schema, pool: pool, client: WorkflowClient(pool: pool, registry: registry, schema: schema), registry: registry)
        try await queue.client.migrate()
        do {
            try await body(queue)
        } catch {
            await queue.drop()
            throw error
        }
        await queue.drop()
    }

    func drop() async {
        _ = try? await pool.withConnection { connection in
            try await connection.execute("SET client_min_messages = warning")
            try await connection.execute("DROP SCHEMA IF EXISTS \(Postgres.quoteIdentifier(schema.name)) CASCADE")
        }
        await pool.close()
    }

    func worker(
        queues: [String] = ["default"], maxJobs: Int = 4, poll: Duration = .milliseconds(100), grace: Duration = .seconds(10),
        id: String? = nil
    ) throws -> WorkflowWorker {
        var logger = Logger(label: "test-worker")
        logger.logLevel = .critical
        return try WorkflowWorker(
            uri: uri, registry: registry,
            configuration: WorkflowWorkerConfiguration(
                taskQueues: queues, maxConcurrentJobs: maxJobs, pollInterval: poll, gracePeriod: grace, workerID: id, schema: schema),
            logger: logger)
    }

    /// Starts `worker.run()` in a task; stop it with `stop`.
    func launch(_ worker: WorkflowWorker) -> Task<Void, any Error> {
        Task { try await worker.run() }
    }

    func stop(_ worker: WorkflowWorker, _ task: Task<Void, any Error>) async throws {
        worker.beginGracefulShutdown()
        try await task.value
    }

    /// Waits (up to `timeout`) for the latest run of `id` to finish.
    func finished(_ id: String, timeout: Duration = .seconds(20)) async throws -> WorkflowExecution {
        let execution = try await client.result(id, wait: timeout)
        try #require(execution.status.isFinished, "workflow \(id) did not finish within \(timeout): \(execution.status)")
        return execution
    }

    /// Waits until `condition` holds for the latest run of `id`.
    func waitUntil(_ id: String, timeout: Duration = .seconds(20), _ condition: (WorkflowExecution) -> Bool) async throws -> WorkflowExecution {
        try await poll(timeout: timeout, every: .milliseconds(20), { try await client.describe(id) }, until: condition,
                       failure: { "workflow \(id) never reached the expected state; last: \($0.status) attempt \($0.attempt)" })
    }

    /// Rows in this queue's table.
    func rowCount() async throws -> Int {
        try await pool.withConnection { connection in
            try await connection.query("SELECT count(*) FROM \(schema.runsTable)").scalar(Int.self)
        }
    }
}

/// Counts executions per run id, across workers.
final class ExecutionCounter: Sendable {
    let counts = Mutex<[String: Int]>([:])

    func record(_ runID: String) {
        counts.withLock { $0[runID, default: 0] += 1 }
    }

    var snapshot: [String: Int] { counts.withLock { $0 } }
}

/// Records each execution, then returns `{"run": runID}`.
struct CountingActivity: WorkflowActivity {
    let counter: ExecutionCounter

    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        counter.record(context.runID)
        return ["run": .string(context.runID)]
    }
}

/// Reports progress, then waits until cancelled (or `seconds` pass), ignoring nothing.
struct ProgressActivity: WorkflowActivity {
    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        try await context.heartbeat(progress: ["rows_copied": 42, "table": "demo"])
        let seconds = input["seconds"]?.doubleValue ?? 30
        try await Task.sleep(for: .seconds(seconds))
        return ["done": true]
    }
}
