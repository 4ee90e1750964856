import JSON

/// A forward-only stream of dataset rows; readers never hold the whole dataset (except `.json` arrays, see `JSONArrayReader`).
public protocol RowReader {
    /// The next row, or nil at the end of the input.
    mutating func next() throws(DatasetError) -> JSONObject?
}

/// A reader over rows already in memory (tests, small sources).
public struct ArrayRowReader: RowReader {
    private var rows: [JSONObject]
    private var index = 0

    public init(_ rows: [JSONObject]) { self.rows = rows }

    public mutating func next() throws(DatasetError) -> JSONObject? {
        guard index < rows.count else { return nil }
        defer { index += 1 }
        return rows[index]
    }
}
