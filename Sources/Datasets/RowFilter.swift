import JSON

/// A per-task predicate applied while a dataset is loaded (both passes): rows it rejects are not
/// stored and get no `__id`. The caller declares which task gets which filter; `name` goes into logs
/// and, through `DatasetTableName`, into the table name so a filtered copy never shares a table with the full one.
public struct RowFilter: Sendable {
    public var name: String
    public var keep: @Sendable (_ split: String, _ row: JSONObject) -> Bool

    public init(name: String, keep: @escaping @Sendable (_ split: String, _ row: JSONObject) -> Bool) {
        self.name = name
        self.keep = keep
    }

    /// Keeps only the rows whose `key` equals `value`, in every split (e.g. an MMLU-Pro category).
    public static func keepRows(where key: String, equals value: JSONValue) -> RowFilter {
        RowFilter(name: "\(key)=\(value.stringValue ?? value.serialized())") { _, row in row[key] == value }
    }

    /// Keeps only the rows of `split` whose `key` equals `value`; other splits are kept whole
    /// (e.g. leaderboard_math: split "test", key "level", value "Level 5").
    public static func keepRows(inSplit split: String, where key: String, equals value: JSONValue, name: String? = nil) -> RowFilter {
        RowFilter(name: name ?? "\(split).\(key)=\(value.serialized())") { rowSplit, row in
            rowSplit != split || row[key] == value
        }
    }
}
