import Foundation
import TemporalClient
import Testing

/// The Temporal server scripts/test.sh starts (scripts/temporal-server.sh), or another one named by
/// TESTBENCH_TEMPORAL_ADDRESS; it must have the namespace pocket-ml-testbench.
public enum TestTemporal {
    public static let address = ProcessInfo.processInfo.environment["TESTBENCH_TEMPORAL_ADDRESS"].flatMap { $0.isEmpty ? nil : $0 }
    public static var isConfigured: Bool { address != nil }
    public static let namespace = "pocket-ml-testbench"

    /// Runs `body` with a client of the test namespace.
    public static func withClient<Result: Sendable>(_ body: (TemporalClient) async throws -> Result) async throws -> Result {
        let text = try #require(address, "TESTBENCH_TEMPORAL_ADDRESS not set")
        return try await TemporalClient.withConnection(to: try TemporalAddress(parsing: text), namespace: namespace, body)
    }

    /// A name no other test (or earlier run against the same server) uses, e.g. a workflow id or a
    /// task queue only this test's worker polls.
    public static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Waits until the workflow's latest run has closed.
    public static func closed(_ id: String, timeout: Duration = .seconds(60)) async throws -> WorkflowDescription {
        try await poll(timeout: timeout, every: .milliseconds(100), { try await withClient { try await $0.describeWorkflow(id: id) } },
                       until: { $0.status != .running }, failure: { "\(id) still \($0.status)" })
    }
}
