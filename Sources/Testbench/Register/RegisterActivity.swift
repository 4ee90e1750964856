import JSON
import WorkflowDefinitions

/// The Register workflow: datasets into PostgreSQL, tasks into `task_registry`.
public struct RegisterActivity: WorkflowActivity {
    public let registrar: TaskRegistrar

    public init(registrar: TaskRegistrar) { self.registrar = registrar }

    public func validate(_ input: JSONValue) throws(ApplicationError) {
        _ = try RegisterInput(input)
    }

    public func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let parsed = try RegisterInput(input)
        let outcomes = try await registrar.register(parsed, logger: context.logger) { progress in
            try await context.heartbeat(progress: progress)
        }
        return ["tasks": .array(outcomes.map(\.json))]
    }
}
