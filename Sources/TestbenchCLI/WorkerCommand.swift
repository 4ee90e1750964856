import ArgumentParser
import Dispatch
import Foundation
import Logging
import Synchronization
import TemporalClient
import TemporalWorker
import Testbench
import WorkflowDefinitions
import WorkflowQueue

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run workflows from the configured task queues (PostgreSQL, or Temporal with temporal.host) until SIGINT/SIGTERM.",
        discussion: """
            The first SIGINT/SIGTERM stops claiming and gives running workflows the grace period to \
            finish; what is left then goes back to the queue for another worker. A second signal \
            stops at once (leftovers are released the same way).
            """
    )

    @OptionGroup var options: ConfigOptions
    @Option(name: .customLong("grace-period"), parsing: .unconditional, help: "Seconds running workflows get to finish after a shutdown signal (default 10).")
    var gracePeriod: Double = 10
    @Option(name: .customLong("lookup-every"), parsing: .unconditional,
            help: "Start the LookupTasks workflow every this many seconds (the original's schedule runs it every 60), so tasks whose responses are in get evaluated.")
    var lookupEvery: Double?

    func run() async throws {
        try await reportingFailures {
            let config = try options.load()
            guard gracePeriod >= 0, gracePeriod.isFinite else { throw CommandFailure.badInput("--grace-period must be a non-negative number of seconds") }
            if let lookupEvery, !(lookupEvery >= 1 && lookupEvery.isFinite) {
                throw CommandFailure.badInput("--lookup-every must be at least 1 second")
            }
            let uri = try WorkflowSession.postgresURI(config)
            KeyValueLogHandler.bootstrap(level: config.logLevel)
            let services = try await TestbenchServices.connect(config: config, logger: Logger(label: "testbench"))
            let registry = try usage { () throws(WorkflowDefinitionError) in
                try TestbenchWorkflows.registry(TestbenchWorkflows.activities(services: services), resultAnalyzer: config.temporal?.resultAnalyzer)
            }
            let backend: any WorkerBackend
            let schedule: LookupSchedule?
            let interval = lookupEvery.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
            let scheduleLogger = Logger(label: "lookup-schedule")
            if let temporal = config.temporal {
                let address = TemporalAddress(host: temporal.host, port: temporal.port)
                backend = try usage { () throws(TemporalWorkerError) in
                    try TemporalWorker(
                        configuration: TemporalWorkerConfiguration(
                            address: address, namespace: temporal.namespace, taskQueue: temporal.taskQueue,
                            maxConcurrentActivities: config.worker.maxWorkers, gracePeriod: .seconds(gracePeriod)),
                        registry: registry, logger: Logger(label: "worker"))
                }
                schedule = interval.map { interval in
                    LookupSchedule(interval: interval, logger: scheduleLogger) {
                        try await TemporalSession.startLookup(address: address, namespace: temporal.namespace, taskQueue: temporal.taskQueue)
                    }
                }
            } else {
                backend = try usage { () throws(WorkflowQueueError) in
                    try WorkflowWorker(
                        uri: uri, registry: registry,
                        configuration: WorkflowWorkerConfiguration(
                            taskQueues: config.worker.taskQueues, maxConcurrentJobs: config.worker.maxWorkers,
                            pollInterval: config.worker.pollInterval, gracePeriod: .seconds(gracePeriod)),
                        logger: Logger(label: "worker"))
                }
                schedule = interval.map { LookupSchedule(interval: $0, client: WorkflowClient(pool: services.postgres, registry: registry), logger: scheduleLogger) }
            }
            let running = Task { try await backend.run() }
            let scheduling = Task { await schedule?.run() }
            defer { scheduling.cancel() }
            let signals = ShutdownSignals { count in
                scheduling.cancel()
                if count == 1 { backend.beginGracefulShutdown() } else { running.cancel() }
            }
            defer { signals.cancel() }
            do {
                try await running.value
            } catch {
                throw CommandFailure(.failed, "\(error)")
            }
        }
    }
}

/// The two ways a worker gets its work: the PostgreSQL queue and a Temporal server.
protocol WorkerBackend: Sendable {
    func run() async throws
    func beginGracefulShutdown()
}

extension WorkflowWorker: WorkerBackend {}
extension TemporalWorker: WorkerBackend {}

/// Delivers SIGINT/SIGTERM to a handler (with the count so far) instead of killing the process.
private struct ShutdownSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable (Int) -> Void) {
        let count = Mutex(0)
        let queue = DispatchQueue(label: "testbench.signals")
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let seen = count.withLock { value in
                    value += 1
                    return value
                }
                handler(seen)
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
