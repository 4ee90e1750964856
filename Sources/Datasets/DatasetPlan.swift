import JSON

/// One split as the first pass found it.
public struct PlannedSplit: Sendable, Equatable {
    public var files: SplitFiles
    /// Rows kept (after the filter); they get `__id`s.
    public var rowCount: Int
    /// Rows read before the filter.
    public var sourceRowCount: Int

    public var name: String { files.split }
}

/// The result of the first pass over a dataset: its schema and per-split row counts.
public struct DatasetPlan: Sendable {
    public var dataset: LocalDataset
    public var schema: DatasetSchema
    public var splits: [PlannedSplit]
    public var filter: RowFilter?

    /// Rows that will be stored.
    public var rowCount: Int { splits.reduce(0) { $0 + $1.rowCount } }

    /// The `__id` ranges the load assigns: splits in order, ids from 0, contiguous; empty splits have none.
    public var splitRanges: [SplitRange] {
        var next = 0
        var ranges: [SplitRange] = []
        for split in splits where split.rowCount > 0 {
            ranges.append(SplitRange(split: split.name, minID: next, maxID: next + split.rowCount - 1, count: split.rowCount))
            next += split.rowCount
        }
        return ranges
    }

    /// Reads every split once (streaming), applying `filter`, to infer the column types.
    public static func make(_ dataset: LocalDataset, filter: RowFilter? = nil) throws(DatasetError) -> DatasetPlan {
        var inference = SchemaInference()
        var splits: [PlannedSplit] = []
        for files in dataset.splits {
            var kept = 0, read = 0
            if filter == nil, files.isJSONLinesOnly {
                // Fast path: types straight from the bytes of each line.
                var scanner = RawJSONLine()
                for path in files.paths {
                    var reader = try JSONLinesReader(path: path)
                    while let line = try reader.nextContentLine() {
                        read += 1
                        if scanner.scan(line), try inference.add(raw: scanner, bytes: line) { continue }
                        try inference.add(reader.object(fromLine: line))
                    }
                }
                kept = read
            } else {
                var reader = try files.openReader()
                while let row = try reader.next() {
                    read += 1
                    if let filter, !filter.keep(files.split, row) { continue }
                    try inference.add(row)
                    kept += 1
                }
            }
            splits.append(PlannedSplit(files: files, rowCount: kept, sourceRowCount: read))
        }
        return DatasetPlan(dataset: dataset, schema: inference.schema, splits: splits, filter: filter)
    }
}

/// The `__id` range of one split of a dataset table.
public struct SplitRange: Sendable, Hashable, Codable {
    public var split: String
    public var minID: Int
    public var maxID: Int
    public var count: Int

    public init(split: String, minID: Int, maxID: Int, count: Int) {
        self.split = split
        self.minID = minID
        self.maxID = maxID
        self.count = count
    }

    /// lm-eval's document index within the split for a row id.
    public func documentIndex(ofID id: Int) -> Int { id - minID }

    /// `{"split", "min_id", "max_id", "count"}`, as stored in `task_registry.splits`.
    public var json: JSONValue {
        ["split": .string(split), "min_id": .int(minID), "max_id": .int(maxID), "count": .int(count)]
    }

    /// Reads the `json` form back.
    public init?(json: JSONValue) {
        guard let split = json["split"]?.stringValue, let minID = json["min_id"]?.intValue,
              let maxID = json["max_id"]?.intValue, let count = json["count"]?.intValue
        else { return nil }
        self.init(split: split, minID: minID, maxID: maxID, count: count)
    }
}
