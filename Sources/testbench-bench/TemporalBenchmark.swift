import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSON
import Logging
import TemporalClient
import TemporalWorker
import WorkflowDefinitions
import WorkflowQueue

/// No-op workflows per second through a Temporal server and through the PostgreSQL queue, in one run.
struct TemporalBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "temporal",
        abstract: "Noop workflows through a Temporal server (in-process TemporalWorker) and through the PostgreSQL queue.",
        discussion: """
            Temporal: starts --workflows Noop workflows on a fresh task queue while a TemporalWorker with --slots \
            activity slots serves it, waits until the server lists none running, and reports workflows/s and each \
            workflow's start → close time as the server recorded it. With --metrics-url (the server's Prometheus \
            endpoint) it also reports the server's time per RPC type and per persistence operation during the run. \
            PostgreSQL queue: the same number of Noop runs through QueueBenchmark's code (bulk enqueue, then one \
            worker with the same slots drains them) and its pickup latency.
            """)

    @Option(name: .long, help: "Noop workflows per run (the same number for both backends).")
    var workflows: Int = 1000
    @Option(name: .long, help: "Activity slots of the Temporal worker; worker slots of the queue worker.")
    var slots: Int = 4
    @Option(name: .long, help: "Workflow starts in flight at once (Temporal).")
    var starters: Int = 8
    @Option(name: .long, help: "Workflow-task long polls of the Temporal worker.")
    var workflowPollers: Int = 2
    @Option(name: .long, help: "Temporal frontend host:port (default: $TESTBENCH_TEMPORAL_ADDRESS).")
    var address: String?
    @Option(name: .long, help: "Temporal namespace.")
    var namespace: String = "pocket-ml-testbench"
    @Option(name: .customLong("metrics-url"), help: "The Temporal server's Prometheus endpoint, for time per RPC type (optional).")
    var metricsURL: String?
    @Option(name: .customLong("postgres-uri"), help: "Database for the queue half (default: $TESTBENCH_TEST_POSTGRES_URI).")
    var postgresURI: String?
    @Option(name: .long, help: "Queue pickup-latency samples.")
    var samples: Int = 200
    @Flag(name: .customLong("skip-queue"), help: "Measure Temporal only.")
    var skipQueue = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let addressText = address ?? environment["TESTBENCH_TEMPORAL_ADDRESS"] else {
            throw ValidationError("give --address or set TESTBENCH_TEMPORAL_ADDRESS (scripts/temporal-server.sh start prints it)")
        }
        let uri = postgresURI ?? environment["TESTBENCH_TEST_POSTGRES_URI"]
        guard skipQueue || uri != nil else {
            throw ValidationError("give --postgres-uri or set TESTBENCH_TEST_POSTGRES_URI for the queue half, or pass --skip-queue")
        }
        guard workflows > 0, slots > 0, starters > 0, workflowPollers > 0, samples > 0 else {
            throw ValidationError("--workflows, --slots, --starters, --workflow-pollers and --samples must be positive")
        }
        let serverAddress = try TemporalAddress(parsing: addressText)
        print("temporal benchmark: \(workflows) Noop workflows, \(slots) slots, \(ProcessInfo.processInfo.activeProcessorCount) CPUs")
        try await measureTemporal(serverAddress)
        if let uri, !skipQueue { try await measureQueue(uri) }
    }

    // MARK: Temporal

    func measureTemporal(_ serverAddress: TemporalAddress) async throws {
        // A fresh queue, so nothing left by another run or by the tests is polled or counted.
        let taskQueue = "bench-" + UUID().uuidString.lowercased().prefix(8)
        var registry = WorkflowRegistry()
        try BuiltinWorkflows.register(into: &registry)
        var quiet = Logger(label: "bench-temporal")
        quiet.logLevel = .error
        let worker = try TemporalWorker(
            configuration: TemporalWorkerConfiguration(
                address: serverAddress, namespace: namespace, taskQueue: taskQueue,
                maxConcurrentActivities: slots, workflowTaskPollers: workflowPollers),
            registry: registry, logger: quiet)
        let metricsBefore = try await scrapeMetrics()
        let count = workflows
        let concurrency = starters
        let namespace = namespace
        let drops = DropCounter()

        try await TemporalClient.withConnection(to: serverAddress, namespace: namespace) { client in
            _ = try await client.describeNamespace()
            print("  Temporal \(serverAddress), namespace \(namespace), task queue \(taskQueue), \(workflowPollers) workflow-task pollers")
            let workerTask = Task { try await worker.run() }
            let clock = ContinuousClock()
            let started = clock.now
            // Starts run `concurrency` at a time on the one connection, each timed on the client.
            let startLatencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var latencies: [Duration] = []
                        for index in stride(from: lane, to: count, by: concurrency) {
                            let before = ContinuousClock.now
                            let id = "\(taskQueue)-\(index)"
                            // rejectDuplicate: a start retried after a dropped connection may have got
                            // through the first time; then the server refuses the second, which is success.
                            try await drops.retrying { (retry: Bool) async throws(TemporalClientError) -> Void in
                                do throws(TemporalClientError) {
                                    _ = try await client.startWorkflow(type: "Noop", id: id, taskQueue: taskQueue, input: ["n": .int(index)], idReusePolicy: .rejectDuplicate)
                                } catch {
                                    guard retry, case .workflowAlreadyStarted = error else { throw error }
                                }
                            }
                            latencies.append(before.duration(to: ContinuousClock.now))
                        }
                        return latencies
                    }
                }
                var all: [Duration] = []
                for try await lane in group { all += lane }
                return all.sorted()
            }
            let startsDone = clock.now
            // Cheap to ask repeatedly (one row at most): the end is near once the server lists none
            // running. Visibility is written asynchronously, so a just-started workflow may not be
            // listed yet; the end counts only once all `count` are listed as completed.
            var polls = 0
            var completed: [WorkflowDescription] = []
            var finished = clock.now
            while true {
                let running = try await drops.retrying { _ async throws(TemporalClientError) in
                    try await client.listWorkflows(query: "TaskQueue = '\(taskQueue)' AND ExecutionStatus = 'Running'", limit: 1)
                }
                if running.isEmpty {
                    finished = clock.now
                    completed = try await drops.retrying { _ async throws(TemporalClientError) in
                        try await client.listWorkflows(query: "TaskQueue = '\(taskQueue)' AND ExecutionStatus = 'Completed'", limit: count)
                    }
                    if completed.count == count { break }
                }
                polls += 1
                // A worker that stopped (or a workflow that failed) would otherwise leave this waiting for ever.
                guard started.duration(to: clock.now) < .seconds(600) else {
                    throw ValidationError("only \(completed.count) of \(count) workflows on \(taskQueue) completed within 600 s")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = started.duration(to: finished)
            worker.beginGracefulShutdown()
            try await workerTask.value
            let serverLatencies: [Duration] = completed.compactMap { run in
                guard let start = run.startTime, let close = run.closeTime else { return nil }
                return .microseconds(Int64((close.timeIntervalSince(start) * 1e6).rounded()))
            }.sorted()
            print("  starts (StartWorkflowExecution, \(concurrency) in flight): \(count) in \(QueueBenchmark.seconds(startsDone - started)) = "
                + "\(QueueBenchmark.rate(count, startsDone - started))/s; client-side latency \(QueueBenchmark.summary(startLatencies))")
            print("  throughput, worker running during the starts, \(slots) activity slot\(slots == 1 ? "" : "s"): \(count) workflows completed in "
                + "\(QueueBenchmark.seconds(elapsed)) = \(QueueBenchmark.rate(count, elapsed)) workflows/s (first start → all listed completed; \(polls) visibility polls)")
            print("  per-workflow latency (server start → close time, \(serverLatencies.count) workflows): \(QueueBenchmark.summary(serverLatencies))")
            // The worker rides out such drops itself (its log lines are shown above).
            print("  RPCs of this client that failed with the connection dropped (\"unreachable\") and were retried: \(await drops.count)")
        }

        guard let metricsBefore, let metricsAfter = try await scrapeMetrics() else { return }
        report(metricsAfter.subtracting(metricsBefore), workflows: workflows)
    }

    /// The server's counters now, or nil without --metrics-url.
    func scrapeMetrics() async throws -> PrometheusSample? {
        guard let metricsURL else { return nil }
        guard let url = URL(string: metricsURL) else { throw ValidationError("--metrics-url \(metricsURL) is not a URL") }
        let (data, _) = try await URLSession.shared.data(from: url)
        return PrometheusSample(parsing: String(decoding: data, as: UTF8.self))
    }

    /// Server time per RPC type (frontend) and per persistence operation during the run, largest first.
    func report(_ delta: PrometheusSample, workflows: Int) {
        let rpcs = delta.histograms(named: "service_latency", where: { $0["service_name"] == "frontend" }, by: "operation")
        print("  server time per RPC type (frontend service_latency during the run; long polls include their wait):")
        for row in rpcs.prefix(10) { print(Self.line(row, workflows: workflows)) }
        let persistence = delta.histograms(named: "persistence_latency", where: { _ in true }, by: "operation")
        print("  persistence (SQLite for the dev server) per operation, all services:")
        for row in persistence.prefix(8) { print(Self.line(row, workflows: workflows)) }
    }

    static func line(_ row: (key: String, count: Double, sum: Double, meanMilliseconds: Double), workflows: Int) -> String {
        "    " + row.key.padding(toLength: 34, withPad: " ", startingAt: 0)
            + String(format: " %7.0f calls (%5.2f per workflow), mean %7.2f ms, total %7.2f s",
                     row.count, row.count / Double(workflows), row.meanMilliseconds, row.sum)
    }

    // MARK: PostgreSQL queue

    func measureQueue(_ uri: String) async throws {
        let bench = try await QueueBench.open(uri: uri)
        print("  PostgreSQL queue: PostgreSQL \(bench.serverVersion), schema \(bench.schema.name)")
        let run = try await bench.throughput(jobs: workflows, slots: slots, workers: 1)
        print("  enqueue (bulk): \(workflows) runs in \(QueueBenchmark.seconds(run.enqueue)) = \(QueueBenchmark.rate(workflows, run.enqueue))/s")
        print("  throughput, queue drained by one worker with \(slots) slot\(slots == 1 ? "" : "s"): \(workflows) runs in "
            + "\(QueueBenchmark.seconds(run.elapsed)) = \(QueueBenchmark.rate(workflows, run.elapsed)) workflows/s"
            + String(format: " (mean claim batch %.2f)", run.meanBatch))
        let latencies = try await bench.pickupLatencies(samples: samples, spacing: .milliseconds(10))
        print("  pickup latency (enqueue → activity start, idle worker on LISTEN, \(samples) samples): \(QueueBenchmark.summary(latencies))")
        try await bench.close()
    }
}

/// Counter and histogram sums of one Prometheus text exposition, keyed by metric name and labels.
struct PrometheusSample {
    /// `name{labels}` → value, for the `_sum` and `_count` series only (what the report needs).
    var series: [String: (name: String, labels: [String: String], value: Double)] = [:]

    init(parsing text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let key = line[..<space]
            let brace = key.firstIndex(of: "{")
            let name = String(key[..<(brace ?? key.endIndex)])
            guard name.hasSuffix("_sum") || name.hasSuffix("_count") else { continue }
            var labels: [String: String] = [:]
            if let brace, let close = key.lastIndex(of: "}") {
                // Label values here are operation, service and namespace names: no commas or quotes inside.
                for pair in key[key.index(after: brace)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
                }
            }
            series[String(key)] = (name, labels, value)
        }
    }

    private init(series: [String: (name: String, labels: [String: String], value: Double)]) {
        self.series = series
    }

    /// What was added between `earlier` and this sample.
    func subtracting(_ earlier: PrometheusSample) -> PrometheusSample {
        var delta: [String: (name: String, labels: [String: String], value: Double)] = [:]
        for (key, entry) in series {
            delta[key] = (entry.name, entry.labels, entry.value - (earlier.series[key]?.value ?? 0))
        }
        return PrometheusSample(series: delta)
    }

    /// One row per value of `label` of histogram `name` (summed over its other labels), largest total first.
    func histograms(named name: String, where include: ([String: String]) -> Bool, by label: String)
        -> [(key: String, count: Double, sum: Double, meanMilliseconds: Double)]
    {
        var totals: [String: (count: Double, sum: Double)] = [:]
        for entry in series.values where include(entry.labels) {
            guard let key = entry.labels[label] else { continue }
            if entry.name == name + "_count" { totals[key, default: (0, 0)].count += entry.value }
            if entry.name == name + "_sum" { totals[key, default: (0, 0)].sum += entry.value }
        }
        return totals.filter { $0.value.count > 0 }
            .map { (key: $0.key, count: $0.value.count, sum: $0.value.sum, meanMilliseconds: $0.value.sum / $0.value.count * 1000) }
            .sorted { $0.sum > $1.sum }
    }
}

/// Retries an RPC whose connection dropped (`.unreachable`: the client reconnects for the next
/// call), counting how often that happened, so a run survives a drop and reports it.
actor DropCounter {
    private(set) var count = 0

    private func add() { count += 1 }

    /// Runs `body(false)`, then `body(true)` after each `.unreachable` (up to 20 times, 100 ms apart).
    nonisolated func retrying<Result: Sendable>(_ body: (_ retry: Bool) async throws(TemporalClientError) -> Result) async throws -> Result {
        var attempt = 0
        while true {
            do {
                return try await body(attempt > 0)
            } catch {
                guard case .unreachable = error, attempt < 20 else { throw error }
                attempt += 1
                await add()
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
