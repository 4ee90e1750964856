import JSON

/// What the values of one column seen so far have in common; the join of two kinds is the
/// narrowest kind holding both.
///
/// Rules: null (missing key or JSON null) joins anything; equal kinds stay; int + double → double;
/// arrays join element-wise (int[] + double[] → double[], [] + x[] → x[]); every other mix — bool with a
/// number, string with a number, scalar with array, any object — becomes json, so every value
/// reads back as the source had it. A column with only nulls is text, one with only empty arrays text[].
public enum InferredKind: Sendable, Hashable {
    case null, int, double, bool, string, json
    /// An array of scalars; `nil` while only empty arrays (or null elements) were seen.
    case array(ScalarKind?)

    /// Array element kinds.
    public enum ScalarKind: Sendable, Hashable { case int, double, bool, string }

    /// The kind of one value.
    public init(of value: JSONValue) {
        guard case let .array(elements) = value else {
            self.init(topLevel: RawKind(of: value))
            return
        }
        var kind = InferredKind.array(nil)
        for item in elements {
            kind = kind.joined(withElement: RawKind(of: item))
            if kind == .json { break }
        }
        self = kind
    }

    static func join(_ a: ScalarKind?, _ b: ScalarKind?) -> ScalarKind?? {
        guard let a else { return .some(b) }
        guard let b else { return .some(a) }
        if a == b { return .some(a) }
        if (a == .int && b == .double) || (a == .double && b == .int) { return .some(.double) }
        return nil
    }

    /// The narrowest kind holding both.
    public func joined(with other: InferredKind) -> InferredKind {
        switch (self, other) {
        case (.null, _): return other
        case (_, .null): return self
        case (.json, _), (_, .json): return .json
        case (.int, .double), (.double, .int): return .double
        case let (.array(a), .array(b)):
            guard let element = Self.join(a, b) else { return .json }
            return .array(element)
        default: return self == other ? self : .json
        }
    }

    /// The column type that stores this kind.
    public var columnType: ColumnType {
        switch self {
        case .null, .string: .text
        case .int: .bigint
        case .double: .double
        case .bool: .boolean
        case .json: .json
        case let .array(element):
            switch element {
            case nil, .string?: .array(.text)
            case .int?: .array(.bigint)
            case .double?: .array(.double)
            case .bool?: .array(.boolean)
            }
        }
    }
}

/// Infers a `DatasetSchema` from rows, one at a time; columns in first-appearance order.
public struct SchemaInference: Sendable {
    public private(set) var names: [String] = []
    public private(set) var kinds: [InferredKind] = []
    private var index: [String: Int] = [:]
    /// Column names as UTF-8, for the byte-level fast path.
    private(set) var nameBytes: [[UInt8]] = []
    var rawColumnScratch: [Int] = []
    /// Rows seen.
    public private(set) var rowCount = 0

    public init() {}

    /// Adds one row's values.
    public mutating func add(_ row: JSONObject) throws(DatasetError) {
        rowCount += 1
        var position = 0
        for (key, value) in row {
            let column: Int
            // Rows nearly always repeat the previous keys in order; skip the dictionary then.
            if position < names.count, names[position] == key {
                column = position
            } else if let known = index[key] {
                column = known
            } else {
                try DatasetSchema.validate(columnName: key)
                column = names.count
                appendColumn(key)
            }
            position += 1
            if case .null = value { continue }
            let kind = InferredKind(of: value)
            if kinds[column] != kind { kinds[column] = kinds[column].joined(with: kind) }
        }
    }

    /// The schema of all rows added.
    public var schema: DatasetSchema {
        DatasetSchema(columns: zip(names, kinds).map { DatasetColumn(name: $0, type: $1.columnType) })
    }

    func columnIndex(of name: String) -> Int? { index[name] }

    mutating func appendColumn(_ name: String) {
        index[name] = names.count
        names.append(name)
        nameBytes.append(Array(name.utf8))
        kinds.append(.null)
    }

    mutating func countRow() { rowCount += 1 }

    mutating func setKind(_ kind: InferredKind, at column: Int) { kinds[column] = kind }
}
