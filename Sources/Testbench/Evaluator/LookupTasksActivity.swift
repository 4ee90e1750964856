import ExtendedJSON
import JSON
import WorkflowDefinitions

/// The activity of the `LookupTasks` workflow type (the original's `lookup_tasks`, scheduled every
/// minute in its deployment): the tasks done and not evaluated, then the skipped and old ones it
/// marks done (`StaleTasks`), as task id hex strings. The workflow's follow-up
/// (`TestbenchWorkflows.lookupTasksFollowUp`) starts an `Evaluator` for each and returns how many
/// were found, the original's result.
public struct LookupTasksActivity: WorkflowActivity {
    public let services: TestbenchServices

    public init(services: TestbenchServices) {
        self.services = services
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
        return .array(found.map { .string($0.hex) })
    }
}
