import ExtendedJSON
import Logging

/// The original lookup's clean-up of tasks that will never be triggered for evaluation: tasks
/// whose every prompt is done ("skipped") and tasks whose responses are all in but old ("old":
/// the last one `blocksAgo` blocks below the suppliers' latest height, the original's 40) are
/// marked `done`, so its `done && !evaluated` lookup picks them up. `LookupTasks` calls this.
public enum StaleTasks {
    /// The original's `blocks_ago`.
    public static let defaultBlocksAgo = 40

    /// Marks the skipped, then the old, tasks done, one at a time as the original does: a task that
    /// cannot be marked is logged and left out, the others still are. Returns the ids marked.
    public static func markOldAndSkippedDone(
        in store: any DocumentStore, blocksAgo: Int = defaultBlocksAgo, logger: Logger
    ) async throws(DocumentStoreError) -> [ObjectID] {
        let skipped = try await store.skippedTaskIDs()
        let old = try await store.oldTaskIDs(blocksAgo: blocksAgo)
        logger.debug("Lookup found old/skipped tasks", metadata: ["skipped": "\(skipped.count)", "old": "\(old.count)"])
        var marked: [ObjectID] = []
        for id in skipped + old {
            do {
                try await store.markTaskDone(id)
                marked.append(id)
            } catch {
                logger.error("Unable to mark task as done. If this persists, the task stays in the database and prevents further task triggers.",
                             metadata: ["task_id": "\(id.hex)", "error": "\(error.message)"])
            }
        }
        return marked
    }
}
