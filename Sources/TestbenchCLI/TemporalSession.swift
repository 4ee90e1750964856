import ArgumentParser
import Testbench
import TemporalClient
import TemporalWorker
import WorkflowDefinitions
import WorkflowQueue

/// `--namespace` for the workflow commands when the configuration names a Temporal server.
struct TemporalOptions: ParsableArguments {
    @Option(name: .long, help: "Temporal namespace (default: the configuration's temporal.namespace); only with a Temporal server configured.")
    var namespace: String?

    /// The configured server with this namespace, or nil for the PostgreSQL queue.
    func settings(_ config: TestbenchConfig) throws -> TemporalSettings? {
        guard var temporal = config.temporal else {
            if namespace != nil { throw CommandFailure.badInput("--namespace needs a Temporal server in the configuration (temporal.host)") }
            return nil
        }
        if let namespace { temporal.namespace = namespace }
        return temporal
    }
}

/// A workflow command's connection to the configured Temporal server.
enum TemporalSession {
    static func perform<T: Sendable>(_ temporal: TemporalSettings, _ body: (TemporalWorkflowClient) async throws -> T) async throws -> T {
        let registry = try usage { () throws(WorkflowDefinitionError) in try TestbenchWorkflows.registry(TestbenchWorkflows.validators) }
        return try await TemporalClient.withConnection(to: TemporalAddress(host: temporal.host, port: temporal.port), namespace: temporal.namespace) { client in
            try await body(TemporalWorkflowClient(client: client, registry: registry))
        }
    }

    /// Starts the scheduled LookupTasks on Temporal; false while the last one is still running.
    static func startLookup(address: TemporalAddress, namespace: String, taskQueue: String) async throws -> Bool {
        try await TemporalClient.withConnection(to: address, namespace: namespace) { client in
            do {
                _ = try await client.startWorkflow(type: "LookupTasks", id: TestbenchWorkflows.scheduledLookupID, taskQueue: taskQueue, input: .object([:]))
                return true
            } catch TemporalClientError.workflowAlreadyStarted {
                return false
            }
        }
    }
}
