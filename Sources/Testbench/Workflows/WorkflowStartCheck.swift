import JSON
import WorkflowDefinitions

/// What `workflow start` checks before queueing a product workflow, beyond the input's shape:
/// the task configs and, for a Sampler, the task registry — the worker's own rules, run early.
public enum WorkflowStartCheck {
    /// Throws an `ApplicationError` (the worker's refusal) when the run would fail on this input for sure;
    /// database trouble is thrown as it comes. Types without such checks pass.
    public static func check(type: String, input: JSONValue, services: TestbenchServices) async throws {
        switch type {
        case "Register":
            _ = try TaskRegistrar(services: services, huggingFace: nil).expand(try RegisterInput(input))
        case "Sampler":
            try await Sampler(services: services).preflight(try SamplerRequest.parse(input))
        default:
            // Evaluator: the task document may live in MongoDB, which a client need not reach; its input shape is checked already.
            return
        }
    }
}
