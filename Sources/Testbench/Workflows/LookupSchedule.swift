import JSON
import Logging
import WorkflowDefinitions
import WorkflowQueue

/// The embedded mode's stand-in for the original's Temporal schedule: starts `LookupTasks` every
/// `interval` under one workflow id, so a start while the last run is queued or running is refused
/// and several workers scheduling it run one lookup at a time. On Temporal the same schedule starts
/// it through the server (`start`).
public struct LookupSchedule: Sendable {
    public let interval: Duration
    public let logger: Logger
    /// Starts one lookup; false when one is already queued or running.
    private let start: @Sendable () async throws -> Bool

    /// A schedule on the PostgreSQL queue `client` serves.
    public init(interval: Duration, client: WorkflowClient, logger: Logger) {
        self.init(interval: interval, logger: logger) {
            do {
                _ = try await client.start(type: "LookupTasks", input: .object([:]), workflowID: TestbenchWorkflows.scheduledLookupID)
                return true
            } catch WorkflowQueueError.workflowAlreadyRunning {
                return false
            }
        }
    }

    /// A schedule whose starts `start` makes (true: started; false: one is queued or running).
    public init(interval: Duration, logger: Logger, start: @escaping @Sendable () async throws -> Bool) {
        self.interval = interval
        self.logger = logger
        self.start = start
    }

    /// Starts one lookup; false when one is already queued or running.
    @discardableResult
    public func startOnce() async throws -> Bool {
        try await start()
    }

    /// Starts a lookup now and then every `interval` until the task is cancelled; a database
    /// (or server) failure is logged and the next tick tries again.
    public func run() async {
        while !Task.isCancelled {
            do {
                let started = try await startOnce()
                logger.debug("Scheduled LookupTasks", metadata: ["started": "\(started)"])
            } catch {
                logger.warning("Unable to start LookupTasks; trying again at the next interval", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
