import JSON
import WorkflowDefinitions

/// The `Sampler` workflow type: the original's input JSON in, `{"task_id": "<hex>", …}` out.
/// Bad input fails at once (non-retryable); an unreachable database is retried. The task id comes
/// from the run id, so a retried attempt replaces what a crashed one wrote.
public struct SamplerActivity: WorkflowActivity {
    public let services: TestbenchServices

    public init(services: TestbenchServices) {
        self.services = services
    }

    public func validate(_ input: JSONValue) throws(ApplicationError) {
        try Self.validateInput(input)
    }

    /// The checks that need no database or task index (for clients that only queue work).
    public static func validateInput(_ input: JSONValue) throws(ApplicationError) {
        let request = try SamplerRequest.parse(input)
        if request.isSignatures {
            _ = try SignatureTask(named: request.tasks)
            return
        }
        _ = try request.promptForm()
        _ = try request.genKwargsOverride()
    }

    public func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        do {
            let request = try SamplerRequest.parse(input)
            let outcome = try await Sampler(services: services).sample(request, runID: context.runID, logger: context.logger) { progress in
                try await context.heartbeat(progress: progress)
            }
            return outcome.json
        } catch let error as ApplicationError {
            context.logger.error("Sampler failed", metadata: ["type": "\(error.type)", "error": "\(error.message)"])
            throw error
        }
    }
}
