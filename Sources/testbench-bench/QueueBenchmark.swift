import ArgumentParser
import Foundation
import JSON
import Logging
import Postgres
import WorkflowDefinitions
import WorkflowQueue

/// Throughput with 1 and 4 worker slots, and enqueue → start latency with an idle worker.
struct QueueBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Workflow queue throughput (Noop jobs, 1 and 4 slots) and pickup latency (idle worker on LISTEN).")

    @Option(name: .long, help: "Noop workflows per throughput run.")
    var jobs: Int = 10_000
    @Option(name: .customLong("slots"), help: "Worker slot counts to measure (repeatable).")
    var slotCounts: [Int] = [1, 4]
    @Option(name: .long, help: "Workers sharing the throughput runs, each with the given slots (separate connections).")
    var workers: Int = 1
    @Option(name: .long, help: "Latency samples (enqueued one at a time).")
    var samples: Int = 300
    @Option(name: .customLong("spacing-ms"), help: "Pause between latency samples, so the worker is idle on LISTEN each time.")
    var spacingMilliseconds: Int = 10
    @Option(name: .customLong("postgres-uri"), help: "Database (default: $TESTBENCH_TEST_POSTGRES_URI).")
    var postgresURI: String?

    func run() async throws {
        guard let uri = postgresURI ?? ProcessInfo.processInfo.environment["TESTBENCH_TEST_POSTGRES_URI"] else {
            throw ValidationError("give --postgres-uri or set TESTBENCH_TEST_POSTGRES_URI (scripts/with-test-postgres.sh sets it)")
        }
        guard jobs > 0, samples > 0, workers > 0, !slotCounts.isEmpty, slotCounts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--jobs, --samples, --workers and --slots must be positive")
        }
        let bench = try await QueueBench.open(uri: uri)
        print("queue benchmark: PostgreSQL \(bench.serverVersion), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, schema \(bench.schema.name)")
        for slots in slotCounts {
            let run = try await bench.throughput(jobs: jobs, slots: slots, workers: workers)
            print("  enqueue (bulk, ≤5000 per statement): \(jobs) jobs in \(Self.seconds(run.enqueue)) = \(Self.rate(jobs, run.enqueue)) jobs/s")
            print("  throughput, \(workers == 1 ? "" : "\(workers) workers × ")\(slots) slot\(slots == 1 ? "" : "s"): \(jobs) jobs in \(Self.seconds(run.elapsed)) = \(Self.rate(jobs, run.elapsed)) jobs/s"
                + String(format: " (mean claim batch %.2f)", run.meanBatch))
        }
        let latencies = try await bench.pickupLatencies(samples: samples, spacing: .milliseconds(spacingMilliseconds))
        print("  pickup latency (enqueue → activity start; idle worker on LISTEN; \(samples) samples \(spacingMilliseconds) ms apart): "
            + Self.summary(latencies))
        try await bench.close()
    }

    /// `p50 …, p90 …, p99 …, max …` of sorted durations, in milliseconds.
    static func summary(_ sorted: [Duration]) -> String {
        "p50 \(millis(percentile(sorted, 0.50))), p90 \(millis(percentile(sorted, 0.90))), "
            + "p99 \(millis(percentile(sorted, 0.99))), max \(millis(sorted.last ?? .zero))"
    }

    static func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration {
        guard !sorted.isEmpty else { return .zero }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    static func millis(_ duration: Duration) -> String {
        String(format: "%.2f ms", (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) * 1000)
    }

    static func rate(_ count: Int, _ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.0f", Double(count) / max(seconds, 1e-9))
    }
}

/// One drain of queued Noop runs: how long the bulk enqueue took, how long the workers took to run
/// and store them all, and the mean number of runs one claim took.
struct QueueThroughput {
    let enqueue: Duration
    let elapsed: Duration
    let meanBatch: Double
}

/// The PostgreSQL queue under measurement: a throw-away schema, migrated, with the counting Noop
/// types registered. `queue` and `temporal` both measure through it, so the two commands' queue
/// figures come from the same code.
struct QueueBench {
    let uri: String
    let schema: WorkflowQueueSchema
    let admin: PostgresConnection
    let pool: PostgresConnectionPool
    let client: WorkflowClient
    let registry: WorkflowRegistry
    let counter: CompletionCounter
    let stamps: StartStamps
    let serverVersion: String
    let quiet: Logger

    /// Creates and migrates a fresh `bench_…` schema on `uri`.
    static func open(uri: String) async throws -> QueueBench {
        let schema = try WorkflowQueueSchema("bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        let admin = try await PostgresConnection.connect(uri: uri)
        try await schema.migrate(on: admin)
        let version = try await admin.query("SHOW server_version").scalar(String.self)
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let counter = CompletionCounter()
        let stamps = StartStamps()
        var registry = WorkflowRegistry()
        let options = WorkflowOptions(retryPolicy: RetryPolicy(maximumAttempts: 3))
        try registry.register("Noop", options: options, activity: CountingNoop(counter: counter))
        try registry.register("LatencyNoop", options: options, activity: StampingNoop(stamps: stamps))
        let pool = PostgresConnectionPool(uri: uri, maxConnections: 2)
        let client = WorkflowClient(pool: pool, registry: registry, schema: schema)
        return QueueBench(uri: uri, schema: schema, admin: admin, pool: pool, client: client, registry: registry,
                          counter: counter, stamps: stamps, serverVersion: version, quiet: quiet)
    }

    private var runsTable: String { Postgres.quoteIdentifier(schema: schema.name, "workflow_runs") }

    /// Enqueues `jobs` Noop runs in bulk, then times `workers` workers with `slots` slots each
    /// until every run is stored as completed.
    func throughput(jobs: Int, slots: Int, workers: Int) async throws -> QueueThroughput {
        try await admin.execute("TRUNCATE \(runsTable)")
        counter.reset()
        let clock = ContinuousClock()
        let enqueueStart = clock.now
        var remaining = jobs
        while remaining > 0 {
            let chunk = min(remaining, 5000)
            _ = try await client.startMany(type: "Noop", inputs: Array(repeating: ["n": 1], count: chunk))
            remaining -= chunk
        }
        let enqueueTime = enqueueStart.duration(to: clock.now)
        try await admin.execute("ANALYZE \(runsTable)")

        let runners = try (0..<workers).map { _ in
            try WorkflowWorker(
                uri: uri, registry: registry,
                configuration: WorkflowWorkerConfiguration(maxConcurrentJobs: slots, pollInterval: .seconds(1), schema: schema), logger: quiet)
        }
        let started = clock.now
        let tasks = runners.map { worker in Task { try await worker.run() } }
        await counter.waitFor(jobs)
        // A graceful shutdown stores the outcomes still buffered, so the clock stops once the last one
        // is in the table, without a second connection polling the table on the same two cores.
        for worker in runners { worker.beginGracefulShutdown() }
        for task in tasks { try await task.value }
        let elapsed = started.duration(to: clock.now)
        let completed = try await admin.query("SELECT count(*) FROM \(runsTable) WHERE status = 'completed'").scalar(Int.self)
        guard completed == jobs else { throw ValidationError("only \(completed) of \(jobs) runs were stored as completed") }
        // Runs claimed by one call share their transaction's now(), hence started_at.
        let batch = try await admin.query(
            "SELECT avg(n)::double precision FROM (SELECT count(*) AS n FROM \(runsTable) GROUP BY started_at) AS b"
        ).scalar(Double.self)
        return QueueThroughput(enqueue: enqueueTime, elapsed: elapsed, meanBatch: batch)
    }

    /// Enqueue → activity start for `samples` runs enqueued one at a time to an idle worker (after
    /// 20 warm-up runs), sorted.
    func pickupLatencies(samples: Int, spacing: Duration) async throws -> [Duration] {
        try await admin.execute("TRUNCATE \(runsTable)")
        let worker = try WorkflowWorker(
            uri: uri, registry: registry,
            configuration: WorkflowWorkerConfiguration(maxConcurrentJobs: 4, pollInterval: .seconds(5), schema: schema), logger: quiet)
        let task = Task { try await worker.run() }
        try await Task.sleep(for: .milliseconds(300))
        var latencies: [Duration] = []
        let warmup = 20
        for index in 0..<(samples + warmup) {
            let id = "latency-\(index)"
            let before = ContinuousClock.now
            _ = try await client.start(type: "LatencyNoop", input: [:], workflowID: id)
            let startedAt = await stamps.startInstant(of: id)
            if index >= warmup { latencies.append(before.duration(to: startedAt)) }
            try await Task.sleep(for: spacing)
        }
        worker.beginGracefulShutdown()
        try await task.value
        return latencies.sorted()
    }

    /// Drops the schema and closes the connections.
    func close() async throws {
        try await admin.execute("SET client_min_messages = warning")
        try await admin.execute("DROP SCHEMA \(Postgres.quoteIdentifier(schema.name)) CASCADE")
        await admin.close()
        await pool.close()
    }
}
