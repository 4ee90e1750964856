/// Where a workflow run stands; the raw values are what the `status` column stores.
public enum WorkflowStatus: String, Sendable, Hashable, CaseIterable {
    case queued
    case running
    case completed
    case failed
    case canceled
    case timedOut = "timed_out"

    /// True once the run can no longer change: completed, failed, canceled or timed out.
    public var isFinished: Bool {
        switch self {
        case .queued, .running: false
        case .completed, .failed, .canceled, .timedOut: true
        }
    }

    /// Parses a status as users type it (`timed_out`, `timed-out` and `timedout` all work).
    public init?(userInput text: String) {
        let normalized = text.lowercased().replacingOccurrences(of: "-", with: "_")
        if let status = WorkflowStatus(rawValue: normalized) {
            self = status
        } else if normalized == "timedout" || normalized == "timeout" {
            self = .timedOut
        } else if normalized == "cancelled" {
            self = .canceled
        } else {
            return nil
        }
    }
}

/// What `cancel` did.
public enum WorkflowCancelOutcome: Sendable, Hashable {
    /// The run was queued and is now canceled.
    case canceled
    /// The run is running; its activity stops at its next heartbeat and the run ends canceled.
    case cancelRequested
    /// The latest run had already finished with this status; nothing changed.
    case alreadyFinished(WorkflowStatus)
}
