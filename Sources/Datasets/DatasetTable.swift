import JSON
import Postgres

/// One stored row of a dataset table.
public struct DatasetRow: Sendable, Hashable {
    public var id: Int
    public var split: String
    /// The document: every column in table order; keys missing from the source row are null.
    public var document: JSONObject

    public init(id: Int, split: String, document: JSONObject) {
        self.id = id
        self.split = split
        self.document = document
    }
}

/// Reads dataset tables: columns, split ranges and rows decoded back to documents.
public enum DatasetTable {
    /// The feature columns of `table` (in table order), or nil when there is no such table.
    /// A table without the `__id integer`, `__split text` leading columns is not a dataset table.
    public static func columns(_ table: String, on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetColumn]? {
        let rows: PostgresRows
        do {
            rows = try connection.query("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a
                WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """, [.string(Postgres.quoteIdentifier(table))])
        } catch {
            throw .database("reading the columns of \"\(table)\"", error)
        }
        if rows.isEmpty { return nil }
        var all: [(String, String)] = []
        do {
            for row in rows { all.append((try row.decode(String.self, at: 0), try row.decode(String.self, at: 1))) }
        } catch {
            throw .database("reading the columns of \"\(table)\"", error)
        }
        guard all.count >= 2, all[0] == ("__id", "integer"), all[1] == ("__split", "text") else {
            throw DatasetError(.schemaMismatch(table: table, expected: "__id integer, __split text, …",
                                               found: all.map { "\($0.0) \($0.1)" }.joined(separator: ", ")))
        }
        var columns: [DatasetColumn] = []
        for (name, type) in all.dropFirst(2) {
            guard let columnType = ColumnType(sql: type) else {
                throw DatasetError(.schemaMismatch(table: table, expected: "dataset column types", found: "\(name) \(type)"))
            }
            columns.append(DatasetColumn(name: name, type: columnType))
        }
        return columns
    }

    /// Each split's `__id` range and row count, ordered by first id (one query).
    public static func splitRanges(_ table: String, on connection: isolated PostgresConnection) throws(DatasetError) -> [SplitRange] {
        let operation = "reading the split ranges of \"\(table)\""
        do {
            let rows = try connection.query("""
                SELECT "__split", min("__id"), max("__id"), count(*) FROM \(Postgres.quoteIdentifier(table))
                GROUP BY "__split" ORDER BY 2
                """)
            var ranges: [SplitRange] = []
            for row in rows {
                ranges.append(SplitRange(split: try row.decode(String.self, at: 0), minID: try row.decode(Int.self, at: 1),
                                         maxID: try row.decode(Int.self, at: 2), count: try row.decode(Int.self, at: 3)))
            }
            return ranges
        } catch {
            throw .database(operation, error)
        }
    }

    /// The rows with these ids, in `__id` order (ids not in the table are skipped).
    public static func rows(_ table: String, ids: [Int], on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetRow] {
        try select(table, where: "\"__id\" = ANY($1)", [.int64Array(ids.map { Int64($0) })], suffix: "", on: connection)
    }

    /// The rows whose ids lie in `ids`, in `__id` order: a range scan of the primary key.
    public static func rows(_ table: String, ids: ClosedRange<Int>, on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetRow] {
        try select(table, where: "\"__id\" BETWEEN $1 AND $2", [.int64(Int64(ids.lowerBound)), .int64(Int64(ids.upperBound))],
                   suffix: "", on: connection)
    }

    /// The rows of one split in `__id` (= source) order, optionally a window of it.
    public static func rows(_ table: String, split: String, offset: Int = 0, limit: Int? = nil,
                            on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetRow]
    {
        var suffix = " OFFSET \(max(0, offset))"
        if let limit { suffix += " LIMIT \(max(0, limit))" }
        return try select(table, where: "\"__split\" = $1", [.string(split)], suffix: suffix, on: connection)
    }

    /// The first rows of the table over all splits, in `__id` order.
    public static func rows(_ table: String, limit: Int, on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetRow] {
        try select(table, where: "true", [], suffix: " LIMIT \(max(0, limit))", on: connection)
    }

    private static func select(_ table: String, where condition: String, _ params: [PostgresValue], suffix: String,
                               on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetRow]
    {
        guard let columns = try Self.columns(table, on: connection) else { throw DatasetError(.tableNotFound(table: table)) }
        let list = (["__id", "__split"] + columns.map(\.name)).map(Postgres.quoteIdentifier).joined(separator: ", ")
        let operation = "reading rows of \"\(table)\""
        do {
            let rows = try connection.query(
                "SELECT \(list) FROM \(Postgres.quoteIdentifier(table)) WHERE \(condition) ORDER BY \"__id\"\(suffix)", params)
            var result: [DatasetRow] = []
            result.reserveCapacity(rows.count)
            for row in rows {
                var document = JSONObject()
                for (i, column) in columns.enumerated() {
                    document[column.name] = try row.jsonValue(at: i + 2)
                }
                result.append(DatasetRow(id: try row.decode(Int.self, at: 0), split: try row.decode(String.self, at: 1), document: document))
            }
            return result
        } catch {
            throw .database(operation, error)
        }
    }
}
