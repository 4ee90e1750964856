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
        let schema = try WorkflowQueueSchema("bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        let admin = try await PostgresConnection.connect(uri: uri)
        try await schema.migrate(on: admin)
        let version = try await admin.query("SHOW server_version").scalar(String.self)
        print("queue benchmark: PostgreSQL \(version), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, schema \(schema.name)")

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

        for slots in slotCounts {
            try await admin.execute("TRUNCATE \(Postgres.quoteIdentifier(schema: schema.name, "workflow_runs"))")
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
            try await admin.execute("ANALYZE \(Postgres.quoteIdentifier(schema: schema.name, "workflow_runs"))")
            print("  enqueue (bulk, ≤5000 per statement): \(jobs) jobs in \(Self.seconds(enqueueTime)) = \(Self.rate(jobs, enqueueTime)) jobs/s")

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
            let completed = try await admin.query(
                "SELECT count(*) FROM \(Postgres.quoteIdentifier(schema: schema.name, "workflow_runs")) WHERE status = 'completed'"
            ).scalar(Int.self)
            guard completed == jobs else { throw ValidationError("only \(completed) of \(jobs) runs were stored as completed") }
            // Runs claimed by one call share their transaction's now(), hence started_at.
            let batch = try await admin.query(
                "SELECT avg(n)::double precision FROM (SELECT count(*) AS n FROM \(Postgres.quoteIdentifier(schema: schema.name, "workflow_runs")) GROUP BY started_at) AS b"
            ).scalar(Double.self)
            print("  throughput, \(workers == 1 ? "" : "\(workers) workers × ")\(slots) slot\(slots == 1 ? "" : "s"): \(jobs) jobs in \(Self.seconds(elapsed)) = \(Self.rate(jobs, elapsed)) jobs/s"
                + String(format: " (mean claim batch %.2f)", batch))
        }

        try await admin.execute("TRUNCATE \(Postgres.quoteIdentifier(schema: schema.name, "workflow_runs"))")
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
            try await Task.sleep(for: .milliseconds(spacingMilliseconds))
        }
        worker.beginGracefulShutdown()
        try await task.value
        latencies.sort()
        print("  pickup latency (enqueue → activity start; idle worker on LISTEN; \(samples) samples \(spacingMilliseconds) ms apart): "
            + "p50 \(Self.millis(Self.percentile(latencies, 0.50))), p90 \(Self.millis(Self.percentile(latencies, 0.90))), "
            + "p99 \(Self.millis(Self.percentile(latencies, 0.99))), max \(Self.millis(latencies.last ?? .zero))")

        try await admin.execute("SET client_min_messages = warning")
        try await admin.execute("DROP SCHEMA \(Postgres.quoteIdentifier(schema.name)) CASCADE")
        await admin.close()
        await pool.close()
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
