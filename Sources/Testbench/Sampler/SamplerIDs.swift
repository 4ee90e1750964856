import ExtendedJSON

/// Document ids derived from the workflow run, so every attempt of a run writes the same ids and a
/// retry replaces whatever a crashed attempt left. (Their embedded "timestamps" carry no time.)
public enum SamplerIDs {
    /// The task id of a run: 12 bytes of FNV-1a hashes of the run id.
    public static func taskID(runID: String) -> ObjectID {
        let high = fnv1a("testbench.sampler.task/" + runID)
        let low = fnv1a("testbench.sampler.task#" + runID)
        return ObjectID(high: high, low: UInt32(truncatingIfNeeded: low))
    }

    /// The id of instance `index` of `task`: a hash of the task id, then the index (so ids sort in index order).
    public static func instanceID(task: ObjectID, index: Int) -> ObjectID { child(task, "instance", index) }

    /// The id of prompt `index` of `task`.
    public static func promptID(task: ObjectID, index: Int) -> ObjectID { child(task, "prompt", index) }

    private static func child(_ task: ObjectID, _ kind: String, _ index: Int) -> ObjectID {
        let prefix = fnv1a(task.hex + "/" + kind)
        return ObjectID(high: prefix, low: UInt32(truncatingIfNeeded: index))
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
