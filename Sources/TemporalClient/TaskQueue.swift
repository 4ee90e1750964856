import TemporalAPI

extension Temporal_Api_Taskqueue_V1_TaskQueue {
    /// A normal (not sticky) task queue by name, the only kind this project polls or starts on.
    public static func normal(_ name: String) -> Self {
        var queue = Self()
        queue.name = name
        queue.kind = .normal
        return queue
    }
}
