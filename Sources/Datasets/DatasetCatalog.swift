import JSON
import Postgres

/// A dataset table as `testbench datasets list` shows it.
public struct DatasetTableSummary: Sendable, Equatable {
    public var table: String
    public var splits: [SplitRange]
    /// Task names registered to the table.
    public var tasks: [String]

    public var rowCount: Int { splits.reduce(0) { $0 + $1.count } }

    /// `{"table", "rows", "splits": [...], "tasks": [...]}`.
    public var json: JSONValue {
        ["table": .string(table), "rows": .int(rowCount), "splits": .array(splits.map(\.json)), "tasks": .array(tasks.map(JSONValue.string))]
    }
}

/// A dataset table as `testbench datasets show TABLE` shows it.
public struct DatasetTableDetail: Sendable, Equatable {
    public var table: String
    public var columns: [DatasetColumn]
    public var splits: [SplitRange]
    public var tasks: [String]
    /// The requested rows, in `__id` order.
    public var rows: [DatasetRow]

    /// `{"table", "columns": [{"name","type"}], "splits", "tasks", "rows": [{"__id","__split", ...document}]}`.
    public var json: JSONValue {
        let rowValues: [JSONValue] = rows.map { row in
            var object = JSONObject([("__id", .int(row.id)), ("__split", .string(row.split))])
            for (key, value) in row.document { object[key] = value }
            return .object(object)
        }
        return [
            "table": .string(table),
            "columns": .array(columns.map { ["name": .string($0.name), "type": .string($0.type.sql)] }),
            "splits": .array(splits.map(\.json)),
            "tasks": .array(tasks.map(JSONValue.string)),
            "rows": .array(rowValues),
        ]
    }
}

/// Lists and shows the dataset tables of the current schema (tables whose first columns are `__id`, `__split`).
public enum DatasetCatalog {
    /// Every dataset table with its split ranges and registered tasks, by table name.
    public static func list(on connection: isolated PostgresConnection) throws(DatasetError) -> [DatasetTableSummary] {
        let names: [String]
        do {
            names = try connection.query("""
                SELECT c.relname FROM pg_class c
                JOIN pg_attribute i ON i.attrelid = c.oid AND i.attnum = 1 AND i.attname = '__id'
                JOIN pg_attribute s ON s.attrelid = c.oid AND s.attnum = 2 AND s.attname = '__split'
                WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
                ORDER BY c.relname
                """).map { row throws(PostgresError) in try row.decode(String.self, at: 0) }
        } catch {
            throw .database("listing dataset tables", error)
        }
        let registrations = try TaskRegistry.all(on: connection)
        var summaries: [DatasetTableSummary] = []
        for name in names {
            summaries.append(DatasetTableSummary(
                table: name, splits: try DatasetTable.splitRanges(name, on: connection),
                tasks: registrations.filter { $0.datasetTableName == name }.map(\.taskName)))
        }
        return summaries
    }

    /// One table's columns, splits, tasks and its first `limit` rows (of `split` when given).
    public static func show(_ table: String, split: String? = nil, limit: Int = 10,
                            on connection: isolated PostgresConnection) throws(DatasetError) -> DatasetTableDetail
    {
        let found: [DatasetColumn]?
        do {
            found = try DatasetTable.columns(table, on: connection)
        } catch let error where error.isSchemaMismatch {
            // A table without __id/__split (a system catalog, someone else's table) is no dataset table; nothing to drop.
            throw DatasetError(.tableNotFound(table: table))
        }
        guard let columns = found else { throw DatasetError(.tableNotFound(table: table)) }
        let splits = try DatasetTable.splitRanges(table, on: connection)
        let rows: [DatasetRow]
        if let split {
            guard splits.contains(where: { $0.split == split }) else {
                throw DatasetError(.missingSplit(split: split, available: splits.map(\.split)))
            }
            rows = try DatasetTable.rows(table, split: split, limit: limit, on: connection)
        } else {
            rows = try DatasetTable.rows(table, limit: limit, on: connection)
        }
        let tasks = try TaskRegistry.tasks(usingTable: table, on: connection).map(\.taskName)
        return DatasetTableDetail(table: table, columns: columns, splits: splits, tasks: tasks, rows: rows)
    }
}

extension DatasetError {
    var isSchemaMismatch: Bool {
        if case .schemaMismatch = kind { return true }
        return false
    }
}
