import Foundation
import JSON
import Logging
import Postgres
import TestSupport
import Testing
import WorkflowDefinitions
import WorkflowQueue

/// The worker binary as a process: crashes, signals, and the CLI round trip.
@Suite struct WorkerProcessTests {
    /// A client on the test's database whose Sleep runs carry a 1 s heartbeat timeout.
    static func client(_ uri: String) throws -> (WorkflowClient, PostgresConnectionPool) {
        var registry = WorkflowRegistry()
        try BuiltinWorkflows.register(
            into: &registry,
            options: WorkflowOptions(
                retryPolicy: RetryPolicy(maximumAttempts: 3, initialInterval: .milliseconds(50)), startToCloseTimeout: .seconds(60),
                heartbeatTimeout: .seconds(1)))
        let pool = PostgresConnectionPool(uri: uri, maxConnections: 2)
        return (WorkflowClient(pool: pool, registry: registry), pool)
    }

    static func waitUntil(_ client: WorkflowClient, _ id: String, timeout: Duration = .seconds(30), _ condition: (WorkflowExecution) -> Bool) async throws -> WorkflowExecution {
        try await poll(timeout: timeout, every: .milliseconds(25), { try await client.describe(id) }, until: condition,
                       failure: { "\(id) never reached the expected state; last \($0.status) attempt \($0.attempt)" })
    }

    @Test func killedWorkerLosesItsLeaseAndASecondWorkerCompletesTheJob() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let (client, pool) = try Self.client(database.uri)
            try await client.migrate()
            // Long enough to still be running when the test, polling on a loaded machine, acts on it.
            _ = try await client.start(type: "Sleep", input: ["seconds": 8], workflowID: "crash")
            let first = try Spawned(["worker"], config: config)
            let running = try await Self.waitUntil(client, "crash") { $0.status == .running }
            let firstWorkerID = try #require(running.workerID)
            first.signal(SIGKILL)
            #expect(try await first.wait(timeout: .seconds(10)) != 0)
            let second = try Spawned(["worker"], config: config)
            let done = try await client.result("crash", wait: .seconds(30))
            second.signal(SIGTERM)
            #expect(try await second.wait(timeout: .seconds(15)) == 0, "stderr: \(second.stderr)")
            #expect(done.status == .completed, "second worker: \(second.stderr)")
            #expect(done.attempt == 2)
            #expect(done.workerID != firstWorkerID)
            #expect(done.lastError?.type == "HeartbeatTimeout")
            #expect(second.stderr.contains("claimed") && second.stderr.contains("workflow_id=crash"))
            await pool.close()
        }
    }

    @Test func sigtermLetsTheRunningJobFinishWithinTheGracePeriod() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let (client, pool) = try Self.client(database.uri)
            try await client.migrate()
            // Long enough that the poll below sees it running on a loaded machine, well inside the grace period.
            _ = try await client.start(type: "Sleep", input: ["seconds": 5], workflowID: "graceful")
            let worker = try Spawned(["worker", "--grace-period", "20"], config: config)
            _ = try await Self.waitUntil(client, "graceful") { $0.status == .running }
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "stderr: \(worker.stderr)")
            let done = try await client.describe("graceful")
            #expect(done.status == .completed)
            #expect(done.attempt == 1)
            #expect(worker.stderr.contains("graceful shutdown"))
            await pool.close()
        }
    }

    @Test func sigtermPastTheGracePeriodReleasesTheJobToAnotherWorker() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let (client, pool) = try Self.client(database.uri)
            try await client.migrate()
            // Long enough to still be running when the test, polling on a loaded machine, acts on it.
            _ = try await client.start(type: "Sleep", input: ["seconds": 8], workflowID: "handover")
            let first = try Spawned(["worker", "--grace-period", "0.2"], config: config)
            _ = try await Self.waitUntil(client, "handover") { $0.status == .running }
            first.signal(SIGTERM)
            #expect(try await first.wait(timeout: .seconds(10)) == 0, "stderr: \(first.stderr)")
            #expect(first.stderr.contains("released"))
            let released = try await client.describe("handover")
            #expect(released.status == .queued)
            #expect(released.attempt == 0)
            let second = try Spawned(["worker"], config: config)
            let done = try await client.result("handover", wait: .seconds(30))
            second.signal(SIGTERM)
            _ = try await second.wait(timeout: .seconds(15))
            #expect(done.status == .completed)
            #expect(done.attempt == 1)
            await pool.close()
        }
    }

    @Test func cliRoundTripStartWorkerResultDescribeCancel() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let started = try await CLIHarness.run(["workflow", "start", "--type", "Noop", "--input", "{\"qty\": 3}", "--workflow-id", "rt"], config: config)
            #expect(started.status == 0, "stderr: \(started.stderr)")
            let notYet = try await CLIHarness.run(["workflow", "result", "rt"], config: config)
            #expect(notYet.status == 3)
            let worker = try Spawned(["worker"], config: config)
            let result = try await CLIHarness.run(["workflow", "result", "rt", "--wait", "--timeout", "30"], config: config)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(try JSONValue.parse(result.stdout) == ["qty": 3])
            let notATable = try await CLIHarness.run(["workflow", "result", "rt", "--table"], config: config)
            #expect(notATable.status == 2)
            #expect(notATable.stderr.contains("--table needs an Evaluator result"))
            let described = try await CLIHarness.run(["workflow", "describe", "rt", "--json"], config: config)
            let json = try JSONValue.parse(described.stdout)
            #expect(json["status"] == "completed")
            #expect(json["attempt"] == 1)
            #expect(json["result"] == ["qty": 3])
            let listed = try await CLIHarness.run(["workflow", "list", "--status", "completed", "--type", "Noop"], config: config)
            #expect(listed.stdout.contains("rt") && listed.stdout.contains("completed"))
            let long = try await CLIHarness.run(["workflow", "start", "--type", "Sleep", "--input", "{\"seconds\": 60}", "--workflow-id", "long"], config: config)
            #expect(long.status == 0)
            let (client, pool) = try Self.client(database.uri)
            _ = try await Self.waitUntil(client, "long") { $0.status == .running }
            let cancel = try await CLIHarness.run(["workflow", "cancel", "long"], config: config)
            #expect(cancel.stdout.contains("cancel requested"))
            let canceled = try await CLIHarness.run(["workflow", "result", "long", "--wait", "--timeout", "30"], config: config)
            #expect(canceled.status == 1)
            #expect(canceled.stderr.contains("canceled"))
            worker.signal(SIGINT)
            #expect(try await worker.wait(timeout: .seconds(15)) == 0)
            await pool.close()
        }
    }
}
