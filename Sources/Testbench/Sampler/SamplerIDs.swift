import Mongo

/// Document ids derived from the workflow run, so every attempt of a run writes the same ids and a
/// retry replaces whatever a crashed attempt left. (Their embedded "timestamps" carry no time.)
public enum SamplerIDs {
    /// The task id of a run: 12 bytes of FNV-1a hashes of the run id.
    public static func taskID(runID: String) -> ObjectID {
        let high = fnv1a("testbench.sampler.task/" + runID)
        let low = fnv1a("testbench.sampler.task#" + runID)
        return ObjectID(bytes: bigEndian(high, count: 8) + bigEndian(low, count: 4)) ?? ObjectID()
    }

    /// The id of instance `index` of `task`: a hash of the task id, then the index (so ids sort in index order).
    public static func instanceID(task: ObjectID, index: Int) -> ObjectID { child(task, "instance", index) }

    /// The id of prompt `index` of `task`.
    public static func promptID(task: ObjectID, index: Int) -> ObjectID { child(task, "prompt", index) }

    private static func child(_ task: ObjectID, _ kind: String, _ index: Int) -> ObjectID {
        let prefix = fnv1a(task.hex + "/" + kind)
        return ObjectID(bytes: bigEndian(prefix, count: 8) + bigEndian(UInt64(UInt32(truncatingIfNeeded: index)), count: 4)) ?? ObjectID()
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The low `count` bytes of `value`, most significant first.
    private static func bigEndian(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
