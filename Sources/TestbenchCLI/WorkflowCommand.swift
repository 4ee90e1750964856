import ArgumentParser
import Foundation
import JSON
import Postgres
import Testbench
import WorkflowDefinitions
import WorkflowQueue

struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Start, list, inspect, wait for and cancel workflows in the PostgreSQL queue (or on the configured Temporal server).",
        subcommands: [Start.self, List.self, Describe.self, Result.self, Cancel.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a workflow and print its workflow id.")

        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "Workflow type: Register, Sampler, Evaluator, Noop or Sleep.")
        var type: String
        @Option(name: .long, help: "Input as a JSON object (default: {}).")
        var input: String = "{}"
        @Option(name: .customLong("workflow-id"), help: "Workflow id (default: a new UUID). Refused while a run with this id is queued or running.")
        var workflowID: String?
        @Option(name: .customLong("task-queue"), help: "Task queue (default: the type's queue; on Temporal the configured temporal.task_queue).")
        var taskQueue: String?
        @OptionGroup var temporalOptions: TemporalOptions

        func run() async throws {
            try await reportingFailures {
                let config = try options.load()
                let value: JSONValue
                do { value = try JSONValue.parse(input) } catch { throw CommandFailure.badInput("--input is not valid JSON: \(error)") }
                let session = try WorkflowSession(config: config)
                // Check type and input before touching the database, then what the task configs and registry say.
                try usage { () throws(WorkflowDefinitionError) in _ = try session.client.registry.validated(type: type, input: value) }
                try await session.checkStart(type: type, input: value, config: config)
                if let temporal = try temporalOptions.settings(config) {
                    await session.close()
                    let id = try await TemporalSession.perform(temporal) { client in
                        try await client.start(type: type, input: value, workflowID: workflowID, taskQueue: taskQueue ?? temporal.taskQueue)
                    }
                    print(id)
                    return
                }
                let run = try await session.perform { client throws(WorkflowQueueError) in
                    try await client.start(type: type, input: value, workflowID: workflowID, taskQueue: taskQueue)
                }
                print(run.workflowID)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")

        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "Only runs with this status: queued, running, completed, failed, canceled, timed_out.")
        var status: String?
        @Option(name: .long, help: "Only runs of this workflow type.")
        var type: String?
        @Option(name: .long, parsing: .unconditional, help: "At most this many runs (default 50).")
        var limit: Int = 50
        @Flag(name: .long, help: "Print a JSON array instead of a table.")
        var json = false
        @OptionGroup var temporalOptions: TemporalOptions

        func run() async throws {
            try await reportingFailures {
                let config = try options.load()
                try requireCount("--limit", limit, atLeast: 0)
                var wanted: WorkflowStatus?
                if let status {
                    guard let parsed = WorkflowStatus(userInput: status) else {
                        throw CommandFailure.badInput("unknown --status '\(status)'; use one of \(WorkflowStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    wanted = parsed
                }
                let runs: [WorkflowExecution]
                if let temporal = try temporalOptions.settings(config) {
                    runs = try await TemporalSession.perform(temporal) { client in try await client.list(status: wanted, type: type, limit: limit) }
                } else {
                    runs = try await WorkflowSession(config: config).perform { client throws(WorkflowQueueError) in
                        try await client.list(status: wanted, type: type, limit: limit)
                    }
                }
                if json {
                    print(JSONValue.array(runs.map(\.json)).serialized(WorkflowSession.readableJSON))
                } else {
                    print(WorkflowSession.table(runs))
                }
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the latest run of a workflow: status, attempts, timestamps, last error, progress, result.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Workflow id.")
        var workflowID: String
        @Flag(name: .long, help: "Print JSON.")
        var json = false
        @OptionGroup var temporalOptions: TemporalOptions

        func run() async throws {
            try await reportingFailures {
                let config = try options.load()
                let execution: WorkflowExecution
                if let temporal = try temporalOptions.settings(config) {
                    execution = try await TemporalSession.perform(temporal) { client in try await client.describe(workflowID) }
                } else {
                    execution = try await WorkflowSession(config: config).perform { client throws(WorkflowQueueError) in try await client.describe(workflowID) }
                }
                print(json ? execution.json.serialized(WorkflowSession.readableJSON) : WorkflowSession.details(execution))
            }
        }
    }

    struct Result: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a workflow's result.",
            discussion: """
                Exit codes: 0 completed (result printed), 1 failed, canceled or timed out (error printed), 3 not finished yet, \
                4 the database could not be reached (with --wait: not again within --reconnect-timeout).
                """)

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Workflow id.")
        var workflowID: String
        @Flag(name: .long, help: "Wait for the workflow to finish.")
        var wait = false
        @Option(name: .long, parsing: .unconditional, help: "Seconds to wait at most (implies --wait; default: no limit).")
        var timeout: Double?
        @Flag(name: .long, help: "Print an Evaluator result as lm-eval's score table instead of JSON.")
        var table = false
        @Option(name: .customLong("reconnect-timeout"), parsing: .unconditional,
                help: "While waiting: seconds to keep reconnecting after the database connection is lost (default 60), then exit 4.")
        var reconnectTimeout: Double = 60
        @OptionGroup var temporalOptions: TemporalOptions

        func run() async throws {
            try await reportingFailures {
                let config = try options.load()
                if let timeout, !(timeout >= 0) { throw CommandFailure.badInput("--timeout must be a non-negative number of seconds") }
                guard reconnectTimeout >= 0, reconnectTimeout.isFinite else {
                    throw CommandFailure.badInput("--reconnect-timeout must be a non-negative number of seconds")
                }
                let waitFor: Duration? = timeout.map { .seconds($0) } ?? (wait ? .seconds(100 * 365 * 86_400) : nil)
                let execution: WorkflowExecution
                if let temporal = try temporalOptions.settings(config) {
                    execution = try await TemporalSession.perform(temporal) { client in try await client.result(workflowID, wait: waitFor) }
                } else if let waitFor {
                    execution = try await waitRidingOutOutages(config: config, waitFor: waitFor)
                } else {
                    execution = try await WorkflowSession(config: config).perform { client throws(WorkflowQueueError) in try await client.result(workflowID) }
                }
                switch execution.status {
                case .completed where table:
                    do throws(ApplicationError) {
                        print(try EvaluatorOutcome.renderTable([execution.result ?? .null]), terminator: "")
                    } catch {
                        throw CommandFailure.badInput("workflow \(workflowID): --table needs an Evaluator result; \(error.message)")
                    }
                case .completed:
                    print((execution.result ?? .null).serialized(WorkflowSession.readableJSON))
                case .failed, .canceled, .timedOut:
                    throw CommandFailure(.failed, "workflow \(workflowID) \(execution.status.rawValue): \(execution.lastError?.description ?? "no error recorded")")
                case .queued, .running:
                    throw CommandFailure(.notFinished, "workflow \(workflowID) is still \(execution.status.rawValue) (attempt \(execution.attempt)); use --wait")
                }
            }
        }

        /// Waits up to `waitFor` for the workflow; when the database goes away (a restart, a network
        /// blip) it reconnects with backoff, and gives up with exit 4 after `reconnectTimeout` without a connection.
        private func waitRidingOutOutages(config: TestbenchConfig, waitFor: Duration) async throws -> WorkflowExecution {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: waitFor)
            let patience = Duration.seconds(reconnectTimeout)
            var outageStarted: ContinuousClock.Instant?
            var backoff = Duration.milliseconds(100)
            while true {
                let remaining = max(.zero, clock.now.duration(to: deadline))
                let attemptStarted = clock.now
                do {
                    // A new session each time: a session closes its pool when it is done.
                    return try await WorkflowSession(config: config).perform { client throws(WorkflowQueueError) in
                        try await client.result(workflowID, wait: remaining)
                    }
                } catch let error where CommandFailure.isUnreachable(error) {
                    let now = clock.now
                    // A connection that broke after a while was up until now: the outage starts here, not at an earlier one.
                    if outageStarted == nil || (CommandFailure.wasConnected(error) && now - attemptStarted >= .seconds(1)) {
                        outageStarted = now
                    }
                    let waited = now - (outageStarted ?? now)
                    guard waited < patience, now < deadline else {
                        let limit = waited < patience ? "before --timeout ran out" : "for \(reconnectTimeout) s (--reconnect-timeout)"
                        throw CommandFailure(.databaseUnreachable, "could not reach the database \(limit) while waiting for workflow \(workflowID): \(error)")
                    }
                    try await Task.sleep(for: min(backoff, patience - waited, clock.now.duration(to: deadline)))
                    backoff = min(backoff * 2, .seconds(5))
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a workflow: a queued run at once, a running one at its next heartbeat.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Workflow id.")
        var workflowID: String
        @OptionGroup var temporalOptions: TemporalOptions

        func run() async throws {
            try await reportingFailures {
                let config = try options.load()
                let outcome: WorkflowCancelOutcome
                if let temporal = try temporalOptions.settings(config) {
                    outcome = try await TemporalSession.perform(temporal) { client in try await client.cancel(workflowID) }
                } else {
                    outcome = try await WorkflowSession(config: config).perform { client throws(WorkflowQueueError) in try await client.cancel(workflowID) }
                }
                switch outcome {
                case .canceled: print("canceled \(workflowID)")
                case .cancelRequested: print("cancel requested for \(workflowID); it stops at its next heartbeat")
                case let .alreadyFinished(status): print("\(workflowID) already \(status.rawValue); nothing to cancel")
                }
            }
        }
    }
}

/// A client for one CLI command: the configured database, the catalog's registry, migrations applied.
struct WorkflowSession {
    let client: WorkflowClient
    private let pool: PostgresConnectionPool

    static let readableJSON = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)

    init(config: TestbenchConfig) throws {
        let uri = try WorkflowSession.postgresURI(config)
        pool = PostgresConnectionPool(uri: uri, maxConnections: 2)
        let registry = try usage { () throws(WorkflowDefinitionError) in try TestbenchWorkflows.registry(TestbenchWorkflows.validators) }
        client = WorkflowClient(pool: pool, registry: registry)
    }

    /// Refuses (bad input) what the worker would refuse for sure: unknown or unsupported tasks, a
    /// Sampler of a group or an unregistered task, doc ids or a qty its split cannot satisfy.
    func checkStart(type: String, input: JSONValue, config: TestbenchConfig) async throws {
        // The checks read task configs and PostgreSQL, never documents: a PostgreSQL store stands in for the configured one.
        let services = TestbenchServices(config: config, postgres: pool, documents: PostgresDocumentStore(pool: pool))
        do {
            try await WorkflowStartCheck.check(type: type, input: input, services: services)
        } catch let error as ApplicationError {
            await pool.close()
            throw CommandFailure.badInput(WorkflowQueueError.invalidInput(type: type, reason: error.message).description)
        } catch {
            await pool.close()
            throw error
        }
    }

    /// The configured PostgreSQL URI, or a usage failure: the queue has no embedded fallback yet.
    static func postgresURI(_ config: TestbenchConfig) throws -> String {
        guard let uri = config.postgresURI, !uri.isEmpty else {
            throw CommandFailure.badInput("postgres_uri is not set in the configuration; the workflow queue needs PostgreSQL (no embedded database in this build)")
        }
        return uri
    }

    /// Closes the pool without running anything.
    func close() async { await pool.close() }

    /// Applies migrations, runs `body`, closes the pool; errors go to the exit-status policy.
    func perform<T>(_ body: (WorkflowClient) async throws(WorkflowQueueError) -> T) async throws(WorkflowQueueError) -> T {
        let outcome: Swift.Result<T, WorkflowQueueError>
        do {
            try await client.migrate()
            outcome = .success(try await body(client))
        } catch {
            outcome = .failure(error)
        }
        await pool.close()
        return try outcome.get()
    }

    static func table(_ runs: [WorkflowExecution]) -> String {
        let header = ["WORKFLOW ID", "TYPE", "STATUS", "ATTEMPT", "CREATED", "RUN ID"]
        let rows = runs.map { run in
            [run.workflowID, run.type, run.status.rawValue, "\(run.attempt)/\(run.maxAttempts == 0 ? "∞" : String(run.maxAttempts))",
             timestamp(run.createdAt), run.runID]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func details(_ run: WorkflowExecution) -> String {
        var lines = [
            "workflow_id:      \(run.workflowID)",
            "run_id:           \(run.runID)",
            "type:             \(run.type)",
            "task_queue:       \(run.taskQueue)",
            "status:           \(run.status.rawValue)\(run.cancelRequested && !run.status.isFinished ? " (cancel requested)" : "")",
            "attempt:          \(run.attempt) of \(run.maxAttempts == 0 ? "unlimited" : String(run.maxAttempts))",
            "created_at:       \(timestamp(run.createdAt))",
            "scheduled_at:     \(timestamp(run.scheduledAt))",
        ]
        if let date = run.startedAt { lines.append("started_at:       \(timestamp(date))") }
        if let date = run.heartbeatAt { lines.append("heartbeat_at:     \(timestamp(date))") }
        if let date = run.leaseExpiresAt { lines.append("lease_expires_at: \(timestamp(date))") }
        if let date = run.finishedAt { lines.append("finished_at:      \(timestamp(date))") }
        if let worker = run.workerID { lines.append("worker_id:        \(worker)") }
        lines.append("input:            \(run.input.serialized(readableJSON))")
        if let progress = run.progress { lines.append("progress:         \(progress.serialized(readableJSON))") }
        if let result = run.result { lines.append("result:           \(result.serialized(readableJSON))") }
        if let error = run.lastError { lines.append("last_error:       \(error)") }
        return lines.joined(separator: "\n")
    }

    static func timestamp(_ date: Date) -> String { WorkflowExecution.iso8601(date) }
}

/// Runs set-up code whose errors are all the user's to fix (exit 2).
func usage<T, Failure: Error & CustomStringConvertible>(_ body: () throws(Failure) -> T) throws -> T {
    do { return try body() } catch { throw CommandFailure.badInput(error.description) }
}
