import ExtendedJSON
import JSON
import WorkflowQueue

/// The `LookupTasks` workflow type, the original's scheduled lookup (every minute in its deployment):
/// the tasks done and not evaluated, then the skipped and old ones it marks done (`StaleTasks`),
/// each get an `Evaluator` run whose workflow id is the task id. A start that is refused (a run with
/// that id is queued or running) is logged and passed over, as the original does. The result is the
/// number of tasks found, the original's return value.
public struct LookupTasksActivity: WorkflowActivity {
    public let services: TestbenchServices
    /// Starts the Evaluator of one task (`{"task_id": hex}`, workflow id `hex`); throws when refused.
    public let startEvaluator: @Sendable (_ taskID: String) async throws -> Void

    public init(services: TestbenchServices, startEvaluator: @escaping @Sendable (_ taskID: String) async throws -> Void) {
        self.services = services
        self.startEvaluator = startEvaluator
    }

    public func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        let store = services.documents
        let found: [ObjectID]
        do {
            let ready = try await store.doneUnevaluatedTaskIDs()
            context.logger.debug("Lookup found done tasks", metadata: ["count": "\(ready.count)"])
            found = ready + (try await StaleTasks.markOldAndSkippedDone(in: store, logger: context.logger))
        } catch {
            throw ApplicationError("looking up tasks to evaluate failed: \(error.message)", type: "LookupError", cause: error)
        }
        context.logger.info("Lookup found tasks to evaluate", metadata: ["count": "\(found.count)"])
        var started = Set<ObjectID>()
        for id in found where !started.contains(id) {
            try await context.heartbeat()
            do {
                try await startEvaluator(id.hex)
                started.insert(id)
            } catch {
                context.logger.warning("Unable to start the Evaluator", metadata: ["task_id": "\(id.hex)", "error": "\(error)"])
            }
        }
        return .int(found.count)
    }
}
