/// The table name of a dataset: `<dataset_path>--<dataset_name>` or `<dataset_path>`, plus
/// `--<variant>` for a filtered copy. PostgreSQL truncates names past 63 bytes, so longer names
/// keep their first bytes and end with a hash of the full name, which keeps them distinct.
public enum DatasetTableName {
    public static func make(path: String, name: String? = nil, variant: String? = nil) -> String {
        var full = path
        if let name, !name.isEmpty { full += "--" + name }
        if let variant, !variant.isEmpty { full += "--" + variant }
        return fitting(full)
    }

    /// `full` itself when it fits in 63 bytes, else a prefix, `~` and 16 hex digits of its FNV-1a hash.
    public static func fitting(_ full: String) -> String {
        let limit = DatasetSchema.maxIdentifierBytes
        guard full.utf8.count > limit else { return full }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in full.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        let suffix = "~" + String(repeating: "0", count: 16 - hex.count) + hex
        var prefix = ""
        for character in full {
            if prefix.utf8.count + String(character).utf8.count + suffix.utf8.count > limit { break }
            prefix.append(character)
        }
        return prefix + suffix
    }
}
