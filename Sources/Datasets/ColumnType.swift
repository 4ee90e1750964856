/// The element type of an array column.
public enum ScalarType: String, Sendable, Hashable, CaseIterable {
    case bigint, double, boolean, text

    /// The SQL spelling, as `format_type` prints it.
    public var sql: String {
        switch self {
        case .bigint: "bigint"
        case .double: "double precision"
        case .boolean: "boolean"
        case .text: "text"
        }
    }
}

/// The PostgreSQL type of a dataset column.
///
/// Nested values (objects, arrays of arrays or objects, arrays mixing kinds, columns whose rows
/// disagree) are stored as `json`, not `jsonb`: `json` keeps the source text, so nested objects come
/// back with their key order (which Python-side rendering of a document depends on).
public enum ColumnType: Sendable, Hashable, CustomStringConvertible {
    case bigint, double, boolean, text, json
    case array(ScalarType)

    /// The scalar a column of this type holds; nil for json and arrays.
    public var scalar: ScalarType? {
        switch self {
        case .bigint: .bigint
        case .double: .double
        case .boolean: .boolean
        case .text: .text
        case .json, .array: nil
        }
    }

    /// The SQL spelling, as `format_type` prints it.
    public var sql: String {
        if case let .array(element) = self { return element.sql + "[]" }
        return scalar?.sql ?? "json"
    }

    /// Parses `format_type` output; nil for types a dataset table never has.
    public init?(sql: String) {
        if sql == "json" {
            self = .json
            return
        }
        let isArray = sql.hasSuffix("[]")
        let element = isArray ? String(sql.dropLast(2)) : sql
        guard let scalar = ScalarType.allCases.first(where: { $0.sql == element }) else { return nil }
        if isArray {
            self = .array(scalar)
        } else if let column = Self.scalarColumns.first(where: { $0.scalar == scalar }) {
            self = column
        } else {
            return nil
        }
    }

    private static let scalarColumns: [ColumnType] = [.bigint, .double, .boolean, .text]

    public var description: String { sql }
}

/// One feature column of a dataset table.
public struct DatasetColumn: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: ColumnType

    public init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
    }

    public var description: String { "\(name) \(type.sql)" }
}

/// The feature columns of a dataset, in first-appearance order (the `__id`/`__split` columns are implied).
public struct DatasetSchema: Sendable, Hashable, CustomStringConvertible {
    public var columns: [DatasetColumn]

    public init(columns: [DatasetColumn]) { self.columns = columns }

    public var description: String { columns.map(\.description).joined(separator: ", ") }

    /// Names a dataset column may not take.
    public static let reservedNames: Set<String> = ["__id", "__split"]

    /// PostgreSQL truncates longer identifiers.
    public static let maxIdentifierBytes = 63

    /// Checks that `name` can be a column.
    public static func validate(columnName name: String) throws(DatasetError) {
        if reservedNames.contains(name) {
            throw DatasetError(.invalidColumn(name: name, reason: "the name is reserved for the table's own columns"))
        }
        if name.isEmpty { throw DatasetError(.invalidColumn(name: name, reason: "empty name")) }
        if name.utf8.count > maxIdentifierBytes {
            throw DatasetError(.invalidColumn(name: name, reason: "longer than \(maxIdentifierBytes) bytes, which PostgreSQL would truncate"))
        }
        if name.utf8.contains(0) { throw DatasetError(.invalidColumn(name: name, reason: "contains a NUL character")) }
    }
}
