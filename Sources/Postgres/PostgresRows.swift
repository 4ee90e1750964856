import CLibPQ
import JSON

/// Owns one PGresult and frees it exactly once. A PGresult is read-only after creation,
/// which libpq documents as safe to read from any thread.
final class PostgresResultStorage: @unchecked Sendable {
    let result: OpaquePointer
    let columns: [PostgresColumn]
    let rowCount: Int
    private let indexByName: [String: Int]

    init(taking result: OpaquePointer) {
        self.result = result
        rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var columns: [PostgresColumn] = []
        var indexByName: [String: Int] = [:]
        for index in 0..<columnCount {
            let name = PQfname(result, Int32(index)).map { String(cString: $0) } ?? ""
            columns.append(PostgresColumn(name: name, type: PostgresType(rawValue: PQftype(result, Int32(index))), index: index))
            if indexByName[name] == nil { indexByName[name] = index }
        }
        self.columns = columns
        self.indexByName = indexByName
    }

    deinit { PQclear(result) }

    func columnIndex(named name: String) -> Int? { indexByName[name] }

    func cell(row: Int, column: Int) -> PostgresCell {
        let columnInfo = columns[column]
        let r = Int32(row), c = Int32(column)
        guard PQgetisnull(result, r, c) == 0, let value = PQgetvalue(result, r, c) else {
            return PostgresCell(text: nil, type: columnInfo.type, columnName: columnInfo.name)
        }
        let length = Int(PQgetlength(result, r, c))
        let text = value.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        return PostgresCell(text: text, type: columnInfo.type, columnName: columnInfo.name)
    }
}

/// A result column: its name, type and position.
public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let type: PostgresType
    public let index: Int
}

/// The rows a statement returned (fully received), with the command tag and row count.
public struct PostgresRows: Sendable, RandomAccessCollection {
    private let storage: PostgresResultStorage
    /// The command tag, e.g. `INSERT 0 3`, `SELECT 2`.
    public let commandTag: String
    /// Rows inserted/updated/deleted/selected/copied, from the command tag (0 when it has none).
    public let affectedRows: Int

    init(storage: PostgresResultStorage) {
        self.storage = storage
        commandTag = PQcmdStatus(storage.result).map { String(cString: $0) } ?? ""
        affectedRows = PQcmdTuples(storage.result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    /// The result's columns, in order.
    public var columns: [PostgresColumn] { storage.columns }
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < storage.rowCount, "row index \(position) out of range 0..<\(storage.rowCount)")
        return PostgresRow(storage: storage, index: position)
    }

    /// The first column of the first row decoded as `T`; an error when there is no row.
    public func scalar<T: PostgresDecodable>(_ type: T.Type = T.self) throws(PostgresError) -> T {
        guard let row = first else {
            throw PostgresError(code: .decoding, message: "the query returned no rows, expected one")
        }
        return try row.decode(T.self, at: 0)
    }
}

/// One result row; values are decoded on access by column index or name.
public struct PostgresRow: Sendable {
    private let storage: PostgresResultStorage
    /// Position of this row in its result.
    public let index: Int

    init(storage: PostgresResultStorage, index: Int) {
        self.storage = storage
        self.index = index
    }

    /// The result's columns, in order.
    public var columns: [PostgresColumn] { storage.columns }

    /// The raw cell at a column position.
    public func cell(at column: Int) throws(PostgresError) -> PostgresCell {
        guard column >= 0 && column < storage.columns.count else {
            throw PostgresError(
                code: .decoding,
                message: "no column at index \(column); the result has \(storage.columns.count) column(s): \(columnList)")
        }
        return storage.cell(row: index, column: column)
    }

    /// The raw cell of the first column with this name.
    public func cell(named name: String) throws(PostgresError) -> PostgresCell {
        guard let column = storage.columnIndex(named: name) else {
            throw PostgresError(
                code: .decoding, message: "no column named '\(name)'; the result has: \(columnList)", column: name)
        }
        return storage.cell(row: index, column: column)
    }

    /// Decodes the value at a column position; use an Optional type for nullable columns.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at column: Int) throws(PostgresError) -> T {
        try cell(at: column).decode(T.self)
    }

    /// Decodes the value of a named column; use an Optional type for nullable columns.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, named column: String) throws(PostgresError) -> T {
        try cell(named: column).decode(T.self)
    }

    /// True when the value at a column position is SQL NULL.
    public func isNull(at column: Int) throws(PostgresError) -> Bool { try cell(at: column).isNull }

    /// The value at a column position converted to JSON by its type (see `PostgresCell.jsonValue()`).
    public func jsonValue(at column: Int) throws(PostgresError) -> JSONValue { try cell(at: column).jsonValue() }

    /// The value of a named column converted to JSON by its type.
    public func jsonValue(named column: String) throws(PostgresError) -> JSONValue { try cell(named: column).jsonValue() }

    /// The whole row as a JSON object keyed by column name, in column order.
    public func jsonObject() throws(PostgresError) -> JSONObject {
        var object = JSONObject()
        for column in storage.columns where !object.contains(column.name) {
            object[column.name] = try storage.cell(row: index, column: column.index).jsonValue()
        }
        return object
    }

    private var columnList: String {
        storage.columns.isEmpty ? "(none)" : storage.columns.map(\.name).joined(separator: ", ")
    }
}
