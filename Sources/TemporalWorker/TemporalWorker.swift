import Foundation
import JSON
import Logging
import TemporalAPI
import TemporalClient
import WorkflowDefinitions

/// Where and how a Temporal worker polls.
public struct TemporalWorkerConfiguration: Sendable {
    public var address: TemporalAddress
    public var namespace: String
    public var taskQueue: String
    /// Activities run at once (the original's `max_workers`); each has its own long poll.
    public var maxConcurrentActivities: Int
    /// Workflow-task long polls held open at once.
    public var workflowTaskPollers: Int
    /// On graceful shutdown, how long running activities may take to finish before they are stopped
    /// and reported failed (retryable), so the server hands them on at once.
    public var gracePeriod: Duration
    /// Recorded by the server on every task this worker takes (the SDKs use `pid@host`).
    public var identity: String

    /// A configuration; two workflow-task pollers, a 10 s grace period, identity `pid@host`.
    public init(
        address: TemporalAddress, namespace: String, taskQueue: String, maxConcurrentActivities: Int = 4, workflowTaskPollers: Int = 2,
        gracePeriod: Duration = .seconds(10), identity: String = TemporalClient.defaultIdentity()
    ) {
        self.address = address
        self.namespace = namespace
        self.taskQueue = taskQueue
        self.maxConcurrentActivities = maxConcurrentActivities
        self.workflowTaskPollers = workflowTaskPollers
        self.gracePeriod = gracePeriod
        self.identity = identity
    }

    func validate() throws(TemporalWorkerError) {
        guard !namespace.isEmpty else { throw .invalidConfiguration("the Temporal namespace must not be empty") }
        guard !taskQueue.isEmpty else { throw .invalidConfiguration("the Temporal task queue must not be empty") }
        guard maxConcurrentActivities >= 1 else { throw .invalidConfiguration("max_workers must be at least 1, got \(maxConcurrentActivities)") }
        guard workflowTaskPollers >= 1 else { throw .invalidConfiguration("workflow task pollers must be at least 1") }
        guard gracePeriod >= .zero else { throw .invalidConfiguration("the grace period must not be negative") }
    }
}

/// Why a Temporal worker could not run.
public enum TemporalWorkerError: Error, Sendable, CustomStringConvertible {
    case invalidConfiguration(String)
    /// The server refused something retrying cannot fix (the namespace does not exist).
    case server(TemporalClientError)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): "Temporal worker: \(message)"
        case let .server(error): "Temporal worker: \(error)"
        }
    }
}

/// Runs a `WorkflowRegistry`'s definitions for one namespace and task queue of a Temporal server:
/// long-polls workflow tasks and answers them from the history (`WorkflowTaskDecider`), long-polls
/// activity tasks and runs the registered activities with heartbeats (cancellation and a lost
/// attempt are learnt from their answers), and reports failures as application failures so the
/// server's retry policy decides, as it does for the Python worker. A server that is unreachable —
/// at start or later — is retried with backoff, each time logged with its address.
/// Shaped like a swift-service-lifecycle `Service`: `run()` until `beginGracefulShutdown()` or cancellation.
public actor TemporalWorker {
    public nonisolated let configuration: TemporalWorkerConfiguration
    let registry: WorkflowRegistry
    let decider: WorkflowTaskDecider
    let logger: Logger
    var stopping = false
    var hasRun = false
    /// Long polls in flight, cancelled when shutdown begins.
    var polls: [UUID: @Sendable () -> Void] = [:]
    /// Running activity attempts, stopped when the grace period ends.
    var activities: [UUID: ActivityAttempt] = [:]
    /// How unreachable-server retries back off (Temporal's own shape: 1 s doubling, 30 s cap).
    static let reconnect = RetryPolicy(initialInterval: .seconds(1), backoffCoefficient: 2, maximumInterval: .seconds(30))

    /// A worker; nothing connects until `run()`.
    public init(configuration: TemporalWorkerConfiguration, registry: WorkflowRegistry, logger: Logger = Logger(label: "temporal-worker")) throws(TemporalWorkerError) {
        try configuration.validate()
        self.configuration = configuration
        self.registry = registry
        decider = WorkflowTaskDecider(registry: registry)
        var logger = logger
        logger[metadataKey: "identity"] = .string(configuration.identity)
        self.logger = logger
    }

    /// Polls until a graceful shutdown has finished or the calling task is cancelled (which stops
    /// with no grace period). Throws only for what retrying cannot fix.
    public func run() async throws(TemporalWorkerError) {
        guard !hasRun else { throw .invalidConfiguration("a TemporalWorker runs once; create a new one") }
        hasRun = true
        do {
            try await withConnection { @Sendable client in
                try await withTaskCancellationHandler {
                    try await self.serve(client)
                } onCancel: {
                    Task { await self.shutdown(grace: .zero) }
                }
            }
        } catch let error as TemporalWorkerError {
            throw error
        } catch let error as TemporalClientError {
            throw .server(error)
        } catch {
            throw .invalidConfiguration("\(error)")
        }
    }

    /// Stops polling, lets running activities finish within the grace period, then stops them.
    public nonisolated func beginGracefulShutdown() {
        Task { await self.shutdown(grace: configuration.gracePeriod) }
    }

    func shutdown(grace: Duration) async {
        guard !stopping else {
            if grace == .zero { for attempt in activities.values { await attempt.stop(.taskCancelled) } }
            return
        }
        stopping = true
        logger.info("graceful shutdown: no more polls", metadata: [
            "running": .stringConvertible(activities.count), "grace_seconds": .stringConvertible(grace.inSeconds),
        ])
        for cancel in polls.values { cancel() }
        if !activities.isEmpty { try? await Task.sleep(for: grace) }
        for attempt in activities.values { await attempt.stop(.taskCancelled) }
    }

    private func serve(_ client: TemporalClient) async throws(TemporalWorkerError) {
        guard try await awaitServer(client) else { return }
        logger.info("worker started", metadata: [
            "backend": "temporal", "address": .string(configuration.address.description), "namespace": .string(configuration.namespace),
            "task_queue": .string(configuration.taskQueue), "max_workers": .stringConvertible(configuration.maxConcurrentActivities),
        ])
        // Each poll loop has a connection of its own: swift-nio-http2 closes a connection whose peer
        // sends over 200 PINGs in 30 s, and a Go gRPC server (Temporal) pings after most requests it
        // receives, so one shared connection would drop (and lose the tasks in flight on it) as soon
        // as the worker is busy. The first loop uses the connection the server check opened.
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<(configuration.workflowTaskPollers + configuration.maxConcurrentActivities) {
                let isWorkflowPoller = index < configuration.workflowTaskPollers
                group.addTask {
                    let loop: @Sendable (TemporalClient) async -> Void = { client in
                        if isWorkflowPoller { await self.workflowTaskLoop(client) } else { await self.activityTaskLoop(client) }
                    }
                    if index == 0 { return await loop(client) }
                    do {
                        try await self.withConnection { @Sendable client in await loop(client) }
                    } catch {
                        self.logger.error("poll loop ended: \(error)", metadata: ["address": .string(self.configuration.address.description)])
                    }
                }
            }
        }
        logger.info("worker stopped")
    }

    /// A connection to the server for `body`, whose calls wait (within their deadlines) for a
    /// dropped connection to come back rather than failing at once.
    nonisolated func withConnection(_ body: @escaping @Sendable (TemporalClient) async throws -> Void) async throws {
        try await TemporalClient.withConnection(
            to: configuration.address, namespace: configuration.namespace, identity: configuration.identity, waitsForConnection: true, body)
    }

    /// Waits until the namespace answers: an unreachable server is logged and retried; a missing
    /// namespace is an error. False when shutdown began first.
    private func awaitServer(_ client: TemporalClient) async throws(TemporalWorkerError) -> Bool {
        var failures = 0
        while !stopping {
            do {
                _ = try await client.describeNamespace()
                return true
            } catch let error {
                switch error {
                case .namespaceNotFound: throw .server(error)
                default:
                    failures += 1
                    await backOff(after: failures, error: error, doing: "connecting")
                }
            }
        }
        return false
    }

    /// Waits before the next try after `failures` consecutive failures. The first is retried at once:
    /// swift-nio-http2 closes a connection whose peer sends over 200 PINGs in 30 s, and a Go gRPC
    /// server (Temporal) pings after most data it receives, so a busy connection drops now and then
    /// and the client's reconnect is all that is needed. Later ones back off (1 s doubling to 30 s).
    func backOff(after failures: Int, error: TemporalClientError, doing what: String) async {
        let delay = failures <= 1 ? .zero : Self.reconnect.delay(afterAttempt: failures - 1)
        let metadata: Logger.Metadata = ["address": .string(configuration.address.description), "error": .string(error.description)]
        if failures <= 1 {
            logger.warning("Temporal server error while \(what); retrying now", metadata: metadata)
        } else {
            logger.error("Temporal server error while \(what); retrying in \(delay.inSeconds) s", metadata: metadata)
        }
        try? await Task.sleep(for: delay)
    }

    /// Runs one answer to the server, trying again (as `backOff` says) when the connection failed
    /// under it, up to `attempts` times; other refusals are thrown at once.
    func answering(_ what: String, attempts: Int = 3, _ body: () async throws(TemporalClientError) -> Void) async throws(TemporalClientError) {
        var failures = 0
        while true {
            do {
                return try await body()
            } catch {
                guard case .unreachable = error, failures + 1 < attempts, !stopping || failures == 0 else { throw error }
                failures += 1
                await backOff(after: failures, error: error, doing: what)
            }
        }
    }

    /// Runs `body` (one long poll) as a task that shutdown can cancel; nil when it ended empty or was cancelled.
    func poll<Response: Sendable>(_ body: @escaping @Sendable () async throws(TemporalClientError) -> Response?) async throws(TemporalClientError) -> Response? {
        let id = UUID()
        let task = Task { try await body() }
        polls[id] = { task.cancel() }
        let result = await task.result
        polls[id] = nil
        switch result {
        // A task the server handed out counts as started there: run it even when shutdown has begun.
        case let .success(response): return response
        case .failure where stopping: return nil
        // The server answers an idle poll empty within a minute; past the deadline it is down or
        // unreachable (calls wait for the connection): say so, and poll again.
        case .failure(TemporalClientError.timedOut):
            logger.warning("no answer from the Temporal server within \(TemporalClient.pollTimeout.inSeconds) s; polling again",
                           metadata: ["address": .string(configuration.address.description)])
            return nil
        case let .failure(error as TemporalClientError): throw error
        case let .failure(error): throw .rejected(address: configuration.address, method: "poll", code: "unknown", message: "\(error)")
        }
    }

    // MARK: Workflow tasks

    private func workflowTaskLoop(_ client: TemporalClient) async {
        var failures = 0
        while !stopping {
            do throws(TemporalClientError) {
                guard let task = try await poll({ () async throws(TemporalClientError) in
                    try await client.pollWorkflowTask(taskQueue: self.configuration.taskQueue)
                }) else { continue }
                failures = 0
                try await answer(task, client: client)
            } catch {
                if stopping { break }
                failures += 1
                await backOff(after: failures, error: error, doing: "handling workflow tasks")
            }
        }
    }

    private func answer(_ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse, client: TemporalClient) async throws(TemporalClientError) {
        var events = task.history.events
        var token = task.nextPageToken
        while !token.isEmpty {
            let page = try await client.historyPage(workflowID: task.workflowExecution.workflowID, runID: task.workflowExecution.runID, nextPageToken: token)
            events += page.events
            token = page.nextPageToken
        }
        let metadata: Logger.Metadata = [
            "workflow_id": .string(task.workflowExecution.workflowID), "run": .string(task.workflowExecution.runID),
            "type": .string(task.workflowType.name),
        ]
        switch decider.decide(workflowType: task.workflowType.name, events: events) {
        case let .commands(commands):
            logger.debug("workflow task", metadata: metadata.merging(["commands": .string(commands.map { "\($0.commandType)" }.joined(separator: ","))]) { $1 })
            try await answering("completing a workflow task") { () throws(TemporalClientError) in
                try await client.completeWorkflowTask(token: task.taskToken, commands: commands)
            }
        case let .fail(cause, message):
            logger.error("workflow task failed: \(message)", metadata: metadata)
            let failure = TemporalConversions.failure(ApplicationError(message: message, type: "WorkflowTaskFailed"))
            try await answering("failing a workflow task") { () throws(TemporalClientError) in
                try await client.failWorkflowTask(token: task.taskToken, cause: cause, failure: failure)
            }
        }
    }
}
