import JSON
import WorkflowDefinitions

/// The `Evaluator` workflow type: `{"framework": "lmeh", "task_id": "<hex>"}` in, the
/// evaluation's counts out. Bad input fails at once (non-retryable); an unreachable store is
/// retried; a cancelled run stops at its next heartbeat, before the result is written.
public struct EvaluatorActivity: WorkflowActivity {
    public let services: TestbenchServices

    public init(services: TestbenchServices) {
        self.services = services
    }

    public func validate(_ input: JSONValue) throws(ApplicationError) {
        _ = try Self.validateInput(input)
    }

    /// The parsed input, or the non-retryable error a client reports before queueing.
    public static func validateInput(_ input: JSONValue) throws(ApplicationError) -> EvaluatorInput {
        try EvaluatorInput(input)
    }

    public func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        do {
            let parsed = try EvaluatorInput(input)
            // The heartbeat's ActivityCancellation propagates, so the worker records the run as cancelled.
            return try await Evaluator(services: services).evaluate(parsed, logger: context.logger, progress: { progress in
                try await context.heartbeat(progress: progress)
            }).json
        } catch let error as ApplicationError {
            context.logger.error("Evaluator failed", metadata: ["type": "\(error.type)", "error": "\(error.message)"])
            throw error
        }
    }
}
