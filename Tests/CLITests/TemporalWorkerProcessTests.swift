import Foundation
import JSON
import Postgres
import TemporalAPI
import TemporalClient
import TestSupport
import Testing

typealias LiveTemporal = TestTemporal

/// Temporal's own CLI from the test server's virtualenv, as an operator runs it, and what these
/// tests read from histories.
extension TestTemporal {
    /// A configuration in the original's form: the `temporal` block names the server.
    static func writeConfig(postgresURI: String, taskQueue: String, resultAnalyzerQueue: String? = nil) throws -> String {
        let text = try #require(address)
        let colon = try #require(text.lastIndex(of: ":"))
        var temporal: JSONObject = [
            "host": .string(String(text[..<colon])), "port": .int(try #require(Int(text[text.index(after: colon)...]))),
            "namespace": .string(namespace), "task_queue": .string(taskQueue), "max_workers": 2,
        ]
        if let resultAnalyzerQueue {
            temporal["manager-result-analyzer"] = ["workflow_name": "Manager-ResultAnalyzer", "task_queue": .string(resultAnalyzerQueue)]
        }
        let config: JSONValue = [
            "postgres_uri": .string(postgresURI), "log_level": "info", "temporal": .object(temporal),
            "datasets_dir": .string(CLIHarness.packageRoot.appendingPathComponent("datasets").path),
        ]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("temporal-\(UUID().uuidString).json").path
        try Data(config.serialized().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `temporal ARGS… --address … --namespace …` with Temporal's own CLI.
    static func cli(_ arguments: [String]) async throws -> (status: Int32, stdout: String) {
        let binary = CLIHarness.packageRoot.appendingPathComponent(".venv-temporal/bin/temporal")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--address", try #require(address), "--namespace", namespace]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The workflow id `temporal workflow start` printed.
    static func startedID(_ output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("WorkflowId") }, "\(output)")
        return try #require(line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init))
    }

    static func history(_ id: String) async throws -> [Temporal_Api_History_V1_HistoryEvent] {
        try await withClient { try await $0.workflowHistory(id: id) }
    }

    static func result(_ events: [Temporal_Api_History_V1_HistoryEvent]) throws -> JSONValue {
        let completed = try #require(events.last?.workflowExecutionCompletedEventAttributes)
        return try JSONPayload.value(of: try #require(completed.result.payloads.first))
    }

    /// The one ActivityTaskStarted event (the server writes it for the attempt that closed the activity).
    static func activityStarted(_ events: [Temporal_Api_History_V1_HistoryEvent]) throws -> Temporal_Api_History_V1_ActivityTaskStartedEventAttributes {
        let started = events.filter { $0.eventType == .activityTaskStarted }
        #expect(started.count == 1)
        return try #require(started.first).activityTaskStartedEventAttributes
    }
}

/// `testbench worker` on a real Temporal server, driven as the Pocket deployment drives the
/// original: Temporal's CLI with the sampler README's commands, the Go manager's and requester's
/// starts, a worker killed mid-activity, and the retry policy deciding on failures.
@Suite(.enabled(if: LiveTemporal.isConfigured, "skipped: TESTBENCH_TEMPORAL_ADDRESS not set"), .serialized)
struct TemporalWorkerProcessTests {
    /// The sampler README's two commands, verbatim but for the task (a bundled BIG-bench one),
    /// complete through `temporal workflow start`; the history has the activity; the documents are stored.
    @Test func theSamplerReadmeCommandsComplete() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let queue = LiveTemporal.unique("sampler-local")
            let worker = try Spawned(["worker"], config: try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: queue))
            let register = try await LiveTemporal.cli([
                "workflow", "start", "--task-queue", queue, "--type", "Register", "--input", #"{"framework": "lmeh", "tasks": "bigbench_word_sorting"}"#,
            ])
            #expect(register.status == 0, "\(register.stdout)")
            let registerID = try LiveTemporal.startedID(register.stdout)
            #expect(try await LiveTemporal.closed(registerID).status == .completed, "worker: \(worker.stderr)")
            let shown = try await LiveTemporal.cli(["workflow", "show", "--workflow-id", registerID])
            #expect(shown.stdout.contains("ActivityTaskScheduled") && shown.stdout.contains("ActivityTaskCompleted"), "\(shown.stdout)")
            let registered = try LiveTemporal.result(try await LiveTemporal.history(registerID))
            #expect(registered["tasks"]?.arrayValue?.first?["status"] == "registered")

            let sampler = try await LiveTemporal.cli([
                "workflow", "start", "--task-queue", queue, "--type", "Sampler", "--input",
                #"{"framework": "lmeh","tasks": "bigbench_word_sorting", "requester_args": {"address": "SUPPLIER_ADDRESS", "service": "SERVICE_CODE"}, "blacklist": [11, 12], "qty": 15}"#,
            ])
            let samplerID = try LiveTemporal.startedID(sampler.stdout)
            #expect(try await LiveTemporal.closed(samplerID).status == .completed, "worker: \(worker.stderr)")
            let events = try await LiveTemporal.history(samplerID)
            #expect(events.first { $0.eventType == .activityTaskScheduled }?.activityTaskScheduledEventAttributes.activityType.name == "lmeh_sample")
            let sampled = try LiveTemporal.result(events)
            #expect(sampled["instances"] == 15 && sampled["prompts"] == 15)
            let taskID = try #require(sampled["task_id"]?.stringValue)
            let stored = try await TemporalWorkerProcessTests.documentCounts(database.uri)
            #expect(stored == ["tasks": 1, "instances": 15, "prompts": 15])
            let task = try await TemporalWorkerProcessTests.storedTaskIDs(database.uri)
            #expect(task == [taskID])

            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "\(worker.stderr)")
            #expect(worker.stderr.contains("backend=temporal") && worker.stderr.contains("task_queue=\(queue)"))
        }
    }

    /// The Go manager's Sampler start (id `<framework>-<task>-<address>-<service>`, ALLOW_DUPLICATE:
    /// refused while one runs, allowed after) and the Go requester's Evaluator start (`{task_id}`,
    /// id = task id), which ends by starting the manager's result analysis.
    @Test func theManagersAndRequestersStartsAreAccepted() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let queue = LiveTemporal.unique("sampler")
            let managerQueue = LiveTemporal.unique("manager-local")
            let config = try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: queue, resultAnalyzerQueue: managerQueue)
            let registerID = LiveTemporal.unique("register")
            let register = try await CLIHarness.run(
                ["workflow", "start", "--type", "Register", "--input", #"{"framework": "lmeh", "tasks": "bigbench_word_sorting"}"#, "--workflow-id", registerID],
                config: config)
            #expect(register.status == 0, "\(register.stderr)")
            let registrar = try Spawned(["worker"], config: config)
            #expect(try await LiveTemporal.closed(registerID).status == .completed, "\(registrar.stderr)")
            registrar.signal(SIGTERM)
            #expect(try await registrar.wait(timeout: .seconds(20)) == 0, "\(registrar.stderr)")

            let samplerID = "lmeh-bigbench_word_sorting-\(LiveTemporal.unique("pokt1supplier"))-0001"
            let input: JSONValue = [
                "framework": "lmeh", "tasks": "bigbench_word_sorting", "requester_args": ["address": "pokt1supplier", "service": "0001"],
                "blacklist": [], "qty": 3, "random_seed": 7,
            ]
            // No worker polls now, so the first run is still open when the second start comes.
            try await LiveTemporal.withClient { client in
                _ = try await client.startWorkflow(type: "Sampler", id: samplerID, taskQueue: queue, input: input, idReusePolicy: .allowDuplicate)
                await #expect(throws: TemporalClientError.self) {
                    _ = try await client.startWorkflow(type: "Sampler", id: samplerID, taskQueue: queue, input: input, idReusePolicy: .allowDuplicate)
                }
            }
            let worker = try Spawned(["worker"], config: config)
            #expect(try await LiveTemporal.closed(samplerID).status == .completed, "\(worker.stderr)")
            let first = try LiveTemporal.result(try await LiveTemporal.history(samplerID))
            #expect(first["random_seed"] == 7)
            try await LiveTemporal.withClient { client in
                _ = try await client.startWorkflow(type: "Sampler", id: samplerID, taskQueue: queue, input: input, idReusePolicy: .allowDuplicate)
            }
            #expect(try await LiveTemporal.closed(samplerID).status == .completed, "a closed Sampler's id starts again")

            let taskID = try #require(first["task_id"]?.stringValue)
            let evaluator = try await LiveTemporal.cli([
                "workflow", "start", "--task-queue", queue, "--type", "Evaluator", "--workflow-id", taskID, "--input", #"{"task_id": "\#(taskID)"}"#,
            ])
            #expect(evaluator.status == 0, "\(evaluator.stdout)")
            let evaluated = try await LiveTemporal.closed(taskID)
            #expect(evaluated.status == .completed, "\(worker.stderr)")
            let evaluation = try LiveTemporal.result(try await LiveTemporal.history(taskID))
            #expect(evaluation["unanswered"] == 3, "no responses were written: \(evaluation)")

            let analysis = try await LiveTemporal.withClient { try await $0.describeWorkflow(id: "result-analysis-\(taskID)") }
            #expect(analysis.type == "Manager-ResultAnalyzer")
            #expect(analysis.taskQueue == managerQueue)
            let analysisInput = try #require(try await LiveTemporal.history("result-analysis-\(taskID)").first?.workflowExecutionStartedEventAttributes.input.payloads.first)
            #expect(try JSONPayload.value(of: analysisInput) == ["task_id": .string(taskID)])
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "\(worker.stderr)")
        }
    }

    /// `kill -9` of the worker while its Sampler activity is blocked (the test holds a lock on the
    /// dataset table): after the heartbeat timeout the server hands the activity to a second worker,
    /// which completes it; one task tree is stored.
    @Test(.timeLimit(.minutes(5)))
    func aKilledWorkersActivityIsCompletedByAnother() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let queue = LiveTemporal.unique("sampler")
            let config = try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: queue)
            let first = try Spawned(["worker"], config: config)
            let registerID = LiveTemporal.unique("register")
            _ = try await CLIHarness.run(["workflow", "start", "--type", "Register", "--input", #"{"framework": "lmeh", "tasks": "bigbench_word_sorting"}"#,
                                          "--workflow-id", registerID], config: config)
            #expect(try await LiveTemporal.closed(registerID).status == .completed, "\(first.stderr)")

            let lock = try await PostgresConnection.connect(uri: database.uri)
            try await lock.executeScript(#"BEGIN; LOCK TABLE "bigbench--word_sorting" IN ACCESS EXCLUSIVE MODE"#)
            // Started as the Go manager starts it: our CLI's start checks would wait on the lock too.
            let samplerID = LiveTemporal.unique("sampler")
            let input: JSONValue = ["framework": "lmeh", "tasks": "bigbench_word_sorting", "requester_args": ["address": "a", "service": "0001"], "qty": 5]
            _ = try await LiveTemporal.withClient { try await $0.startWorkflow(type: "Sampler", id: samplerID, taskQueue: queue, input: input) }
            _ = try await poll(timeout: .seconds(30), every: .milliseconds(50), { first.stderr }, until: {
                $0.contains("claimed") && $0.contains("workflow_id=\(samplerID)")
            }, failure: { "the first worker never claimed the Sampler: \($0)" })
            try await Task.sleep(for: .milliseconds(500))
            first.signal(SIGKILL)
            #expect(try await first.wait(timeout: .seconds(10)) != 0)
            try await lock.execute("COMMIT")
            await lock.close()

            let second = try Spawned(["worker"], config: config)
            // The Sampler's heartbeat timeout is the original's 60 s.
            let done = try await LiveTemporal.closed(samplerID, timeout: .seconds(150))
            #expect(done.status == .completed, "second worker: \(second.stderr)")
            let started = try LiveTemporal.activityStarted(try await LiveTemporal.history(samplerID))
            #expect(started.attempt == 2)
            #expect(started.lastFailure.timeoutFailureInfo.timeoutType == .heartbeat, "\(started.lastFailure)")
            #expect(started.identity == "\(second.process.processIdentifier)@\(ProcessInfo.processInfo.hostName)")
            #expect(try await Self.documentCounts(database.uri) == ["tasks": 1, "instances": 5, "prompts": 5])
            second.signal(SIGTERM)
            #expect(try await second.wait(timeout: .seconds(20)) == 0, "\(second.stderr)")
        }
    }

    /// The server's retry policy decides from the application failure the worker reports: a
    /// non-retryable one ends at attempt 1, a retryable one is retried up to the policy's 3 attempts.
    /// Bad input fails the workflow before any activity; an unknown type fails its workflow task.
    @Test func failuresFollowTheRetryPolicy() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let queue = LiveTemporal.unique("sampler")
            let config = try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: queue)
            let worker = try Spawned(["worker"], config: config)
            func start(_ type: String, _ input: String) async throws -> String {
                let id = LiveTemporal.unique(type.lowercased())
                let started = try await CLIHarness.run(["workflow", "start", "--type", type, "--input", input, "--workflow-id", id], config: config)
                #expect(started.status == 0, "\(started.stderr)")
                return id
            }
            let nonRetryable = try await start("Sleep", #"{"seconds": 0, "fail_times": 5, "non_retryable": true}"#)
            let recovers = try await start("Sleep", #"{"seconds": 0, "fail_times": 2}"#)
            let exhausted = try await start("Sleep", #"{"seconds": 0, "fail_times": 5}"#)

            #expect(try await LiveTemporal.closed(nonRetryable).status == .failed)
            let once = try await LiveTemporal.history(nonRetryable)
            #expect(try LiveTemporal.activityStarted(once).attempt == 1)
            let failed = try #require(once.first { $0.eventType == .activityTaskFailed }?.activityTaskFailedEventAttributes)
            #expect(failed.failure.applicationFailureInfo.type == "SleepFailure")
            #expect(failed.failure.applicationFailureInfo.nonRetryable)
            #expect(failed.retryState == .nonRetryableFailure)

            #expect(try await LiveTemporal.closed(recovers).status == .completed)
            #expect(try LiveTemporal.result(try await LiveTemporal.history(recovers))["attempt"] == 3)

            #expect(try await LiveTemporal.closed(exhausted).status == .failed)
            let all = try await LiveTemporal.history(exhausted)
            #expect(try LiveTemporal.activityStarted(all).attempt == 3)
            #expect(all.first { $0.eventType == .activityTaskFailed }?.activityTaskFailedEventAttributes.retryState == .maximumAttemptsReached)

            // `testbench workflow result` reads Temporal's outcome with the queue's exit codes.
            let result = try await CLIHarness.run(["workflow", "result", exhausted], config: config)
            #expect(result.status == 1)
            #expect(result.stderr.contains("SleepFailure"), "\(result.stderr)")

            // Malformed input, sent past our CLI's checks: the workflow fails naming the field, nothing is scheduled.
            let malformed = try LiveTemporal.startedID(try await LiveTemporal.cli([
                "workflow", "start", "--task-queue", queue, "--type", "Register", "--input", #"{"framework": 5, "tasks": "x"}"#,
            ]).stdout)
            #expect(try await LiveTemporal.closed(malformed).status == .failed)
            let refused = try await LiveTemporal.history(malformed)
            #expect(!refused.contains { $0.eventType == .activityTaskScheduled })
            let failure = try #require(refused.last?.workflowExecutionFailedEventAttributes.failure)
            #expect(failure.message.contains("framework"), "\(failure.message)")
            #expect(failure.applicationFailureInfo.nonRetryable)

            let unknown = try LiveTemporal.startedID(try await LiveTemporal.cli([
                "workflow", "start", "--task-queue", queue, "--type", "NoSuchWorkflow", "--input", "{}",
            ]).stdout)
            let taskFailure = try await poll(timeout: .seconds(30), every: .milliseconds(100), { try await LiveTemporal.history(unknown) },
                                             until: { $0.contains { $0.eventType == .workflowTaskFailed } }, failure: { "no failed workflow task: \($0.map(\.eventType))" })
            let message = try #require(taskFailure.first { $0.eventType == .workflowTaskFailed }).workflowTaskFailedEventAttributes.failure.message
            #expect(message.contains("\"NoSuchWorkflow\" is not registered"), "\(message)")
            #expect(try await LiveTemporal.withClient { try await $0.describeWorkflow(id: unknown) }.status == .running, "a failed workflow task is retried, not a crash")

            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "\(worker.stderr)")
        }
    }

    /// `testbench workflow describe|list|cancel` against Temporal print what they print for the queue.
    @Test func theWorkflowCommandsWorkAgainstTemporal() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let queue = LiveTemporal.unique("sampler")
            let config = try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: queue)
            let worker = try Spawned(["worker"], config: config)
            let id = LiveTemporal.unique("sleep")
            let started = try await CLIHarness.run(["workflow", "start", "--type", "Sleep", "--input", #"{"seconds": 60}"#, "--workflow-id", id], config: config)
            #expect(started.stdout == "\(id)\n", "\(started.stderr)")
            _ = try await poll(timeout: .seconds(30), every: .milliseconds(100), { worker.stderr }, until: { $0.contains("claimed") && $0.contains(id) },
                               failure: { "never claimed: \($0)" })
            let described = try await CLIHarness.run(["workflow", "describe", id, "--json"], config: config)
            let json = try JSONValue.parse(described.stdout)
            #expect(json["workflow_id"] == .string(id) && json["type"] == "Sleep" && json["status"] == "running" && json["task_queue"] == .string(queue))
            #expect(json["input"] == ["seconds": 60])
            let listed = try await CLIHarness.run(["workflow", "list", "--type", "Sleep", "--status", "running", "--json"], config: config)
            #expect(try JSONValue.parse(listed.stdout).arrayValue?.contains { $0["workflow_id"] == .string(id) } == true, "\(listed.stdout)\(listed.stderr)")
            let cancel = try await CLIHarness.run(["workflow", "cancel", id], config: config)
            #expect(cancel.stdout.contains("cancel requested for \(id)"), "\(cancel.stderr)")
            let result = try await CLIHarness.run(["workflow", "result", id, "--wait", "--timeout", "30"], config: config)
            #expect(result.status == 1)
            #expect(result.stderr.contains("canceled"), "\(result.stderr)")
            // The running Sleep learns at its next heartbeat (a third of its 60 s timeout) that its attempt is gone, and stops.
            _ = try await poll(timeout: .seconds(45), every: .milliseconds(200), { worker.stderr }, until: { $0.contains("abandoning it") },
                               failure: { "the activity did not stop: \($0)" })
            let again = try await CLIHarness.run(["workflow", "cancel", id], config: config)
            #expect(again.stdout.contains("already canceled"), "\(again.stdout)")
            let missing = try await CLIHarness.run(["workflow", "describe", "no-such-\(id)"], config: config)
            #expect(missing.status == 2 && missing.stderr.contains("not found"), "\(missing.stderr)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "\(worker.stderr)")
        }
    }

    /// Nothing listening at the configured address: the worker says which host:port it cannot
    /// reach and keeps retrying with backoff instead of exiting; SIGTERM stops it cleanly.
    @Test func anUnreachableServerIsNamedAndRetried() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            // A port that was free a moment ago: nothing listens there.
            let (socket, port) = try Loopback.openListener()
            close(socket)
            let config: JSONValue = [
                "postgres_uri": .string(database.uri),
                "temporal": ["host": "127.0.0.1", "port": .int(Int(port)), "namespace": "pocket-ml-testbench", "task_queue": "sampler"],
            ]
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("temporal-\(UUID().uuidString).json").path
            try Data(config.serialized().utf8).write(to: URL(fileURLWithPath: path))
            let worker = try Spawned(["worker"], config: path)
            let logged = try await poll(timeout: .seconds(20), every: .milliseconds(100), { worker.stderr }, until: { $0.components(separatedBy: "retrying in").count >= 3 },
                                        failure: { "no retries logged: \($0)" })
            #expect(logged.contains("127.0.0.1:\(port)"))
            #expect(worker.process.isRunning)
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "\(worker.stderr)")
        }
    }

    /// A namespace the server does not have is not worth retrying: the worker exits 1 naming it.
    @Test func aMissingNamespaceStopsTheWorker() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let path = try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: "sampler")
            var config = try JSONValue.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
            guard case var .object(root) = config, case var .object(temporal)? = root["temporal"] else { Issue.record("no temporal block"); return }
            temporal["namespace"] = "no-such-namespace"
            root["temporal"] = .object(temporal)
            config = .object(root)
            try Data(config.serialized().utf8).write(to: URL(fileURLWithPath: path))
            let worker = try Spawned(["worker"], config: path)
            #expect(try await worker.wait(timeout: .seconds(30)) == 1)
            #expect(worker.stderr.contains("namespace \"no-such-namespace\" not found on the Temporal server at \(try #require(LiveTemporal.address))"), "\(worker.stderr)")
        }
    }

    /// The server goes away under a running worker (every connection cut, new ones refused, as in a
    /// restart) and comes back: the worker logs the outage with the address, waits for the
    /// connection to come back, and serves the queue again without a restart of its own.
    @Test func aServerOutageIsRiddenOut() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let text = try #require(LiveTemporal.address)
            let upstream = try #require(text.split(separator: ":").last.flatMap { UInt16($0) })
            let proxy = try TCPProxy(upstreamPort: upstream)
            defer { proxy.stop() }
            let queue = LiveTemporal.unique("sampler")
            let config: JSONValue = [
                "postgres_uri": .string(database.uri),
                "temporal": ["host": "127.0.0.1", "port": .int(Int(proxy.port)), "namespace": .string(LiveTemporal.namespace), "task_queue": .string(queue)],
            ]
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("temporal-\(UUID().uuidString).json").path
            try Data(config.serialized().utf8).write(to: URL(fileURLWithPath: path))
            let worker = try Spawned(["worker"], config: path)
            func sleep(_ id: String) async throws -> WorkflowDescription {
                _ = try await LiveTemporal.withClient { try await $0.startWorkflow(type: "Sleep", id: id, taskQueue: queue, input: ["seconds": 0]) }
                return try await LiveTemporal.closed(id, timeout: .seconds(90))
            }
            #expect(try await sleep(LiveTemporal.unique("before")).status == .completed, "\(worker.stderr)")
            proxy.cut()
            _ = try await poll(timeout: .seconds(30), every: .milliseconds(100), { worker.stderr }, until: { $0.contains("retrying") },
                               failure: { "the outage was not logged: \($0)" })
            try await Task.sleep(for: .seconds(2))
            proxy.restore()
            #expect(try await sleep(LiveTemporal.unique("after")).status == .completed, "\(worker.stderr)")
            #expect(worker.stderr.contains("address=127.0.0.1:\(proxy.port)"))
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(20)) == 0, "\(worker.stderr)")
        }
    }

    /// SIGTERM stops the polls and lets the running activity finish within the grace period.
    @Test func sigtermLetsTheRunningActivityFinish() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let queue = LiveTemporal.unique("sampler")
            let worker = try Spawned(["worker", "--grace-period", "20"], config: try LiveTemporal.writeConfig(postgresURI: database.uri, taskQueue: queue))
            let id = LiveTemporal.unique("graceful")
            _ = try await LiveTemporal.withClient { try await $0.startWorkflow(type: "Sleep", id: id, taskQueue: queue, input: ["seconds": 3]) }
            _ = try await poll(timeout: .seconds(30), every: .milliseconds(50), { worker.stderr }, until: { $0.contains("claimed") && $0.contains(id) },
                               failure: { "never claimed: \($0)" })
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(25)) == 0, "\(worker.stderr)")
            #expect(worker.stderr.contains("graceful shutdown"))
            let events = try await LiveTemporal.history(id)
            #expect(events.contains { $0.eventType == .activityTaskCompleted }, "the activity finished before the worker exited")
            #expect(try LiveTemporal.activityStarted(events).attempt == 1)
        }
    }

    // MARK: The document store (PostgreSQL JSONB: these configurations name no MongoDB)

    static func documentCounts(_ uri: String) async throws -> [String: Int] {
        let connection = try await PostgresConnection.connect(uri: uri)
        var counts: [String: Int] = [:]
        for table in ["tasks", "instances", "prompts"] {
            counts[table] = Int(try await connection.query("SELECT count(*) FROM documents.\(table)").scalar(Int64.self))
        }
        await connection.close()
        return counts
    }

    static func storedTaskIDs(_ uri: String) async throws -> [String] {
        let connection = try await PostgresConnection.connect(uri: uri)
        let rows = try await connection.query("SELECT id FROM documents.tasks ORDER BY id")
        await connection.close()
        return try rows.map { row throws(PostgresError) in try row.decode(String.self, at: 0) }
    }
}
