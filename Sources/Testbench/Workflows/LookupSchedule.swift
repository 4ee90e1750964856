import JSON
import Logging
import WorkflowQueue

/// The embedded mode's stand-in for the original's Temporal schedule: starts `LookupTasks` every
/// `interval` under one workflow id, so a start while the last run is queued or running is refused
/// and several workers scheduling it run one lookup at a time.
public struct LookupSchedule: Sendable {
    public let interval: Duration
    public let client: WorkflowClient
    public let logger: Logger

    public init(interval: Duration, client: WorkflowClient, logger: Logger) {
        self.interval = interval
        self.client = client
        self.logger = logger
    }

    /// Starts one lookup; false when one is already queued or running.
    @discardableResult
    public func startOnce() async throws(WorkflowQueueError) -> Bool {
        do {
            _ = try await client.start(type: "LookupTasks", input: .object([:]), workflowID: TestbenchWorkflows.scheduledLookupID)
            return true
        } catch .workflowAlreadyRunning {
            return false
        }
    }

    /// Starts a lookup now and then every `interval` until the task is cancelled; a database
    /// failure is logged and the next tick tries again.
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
