import JSON
import Postgres
import Python

/// Writes dataset rows as lines of PostgreSQL's COPY text format: `__id`, `__split`, then one field per
/// schema column (missing keys and nulls as `\N`), values escaped for COPY, arrays as array literals.
public struct CopyRowEncoder: Sendable {
    public let schema: DatasetSchema
    let names: [String]
    let types: [ColumnType]
    /// Column names as UTF-8, for the byte-level fast path.
    let nameBytes: [[UInt8]]
    private var lookup: [String: Int] = [:]

    public init(schema: DatasetSchema) {
        self.schema = schema
        self.names = schema.columns.map(\.name)
        self.types = schema.columns.map(\.type)
        self.nameBytes = names.map { Array($0.utf8) }
        for (i, name) in names.enumerated() { lookup[name] = i }
    }

    /// Appends one row (`id`, `split`, values in schema order) to `out`, newline included.
    /// `rowNumber` (0-based within the split) only names the row in errors.
    public func append(id: Int, split: String, row: JSONObject, rowNumber: Int, to out: inout [UInt8]) throws(DatasetError) {
        appendInt(id, to: &out)
        out.append(0x09)
        Self.appendEscaped(split, to: &out)
        // Values in schema order: positional when the row's keys follow the schema (the usual case).
        let pairs = row.pairs
        let inOrder = pairs.count == names.count && zip(pairs, names).allSatisfy { $0.key == $1 }
        if !inOrder {
            for (key, _) in pairs where lookup[key] == nil {
                throw DatasetError(.invalidValue(split: split, row: rowNumber, column: key, reason: "column not in the inferred schema (did the file change between passes?)"))
            }
        }
        for i in 0..<names.count {
            out.append(0x09)
            guard let value = row[names[i]] else { out.append(contentsOf: [0x5C, 0x4E]); continue }
            try appendValue(value, type: types[i], column: i, split: split, rowNumber: rowNumber, to: &out)
        }
        out.append(0x0A)
    }

    private func appendValue(_ value: JSONValue, type: ColumnType, column: Int, split: String, rowNumber: Int, to out: inout [UInt8]) throws(DatasetError) {
        func mismatch() -> DatasetError {
            DatasetError(.invalidValue(split: split, row: rowNumber, column: names[column],
                                       reason: "\(value.typeName) in a \(type.sql) column (did the file change between passes?)"))
        }
        if case .null = value { out.append(contentsOf: [0x5C, 0x4E]); return }
        switch type {
        case .bigint:
            guard case let .int(i) = value else { throw mismatch() }
            appendInt(i, to: &out)
        case .double:
            guard let d = value.doubleValue, !value.isBool else { throw mismatch() }
            Self.appendDouble(d, to: &out)
        case .boolean:
            guard case let .bool(b) = value else { throw mismatch() }
            out.append(b ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .text:
            guard case let .string(s) = value else { throw mismatch() }
            if s.utf8.contains(0) {
                throw DatasetError(.invalidValue(split: split, row: rowNumber, column: names[column], reason: "text holds a NUL character, which PostgreSQL cannot store"))
            }
            Self.appendEscaped(s, to: &out)
        case .json:
            let text = value.serialized()
            if value.hasNonFiniteNumber {
                throw DatasetError(.invalidValue(split: split, row: rowNumber, column: names[column], reason: "NaN or Infinity inside a nested value cannot be stored as JSON"))
            }
            Self.appendEscaped(text, to: &out)
        case let .array(element):
            guard case let .array(items) = value else { throw mismatch() }
            out.append(UInt8(ascii: "{"))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                try appendElement(item, element, mismatch: mismatch, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private func appendElement(_ item: JSONValue, _ element: ScalarType, mismatch: () -> DatasetError, to out: inout [UInt8]) throws(DatasetError) {
        switch (item, element) {
        case (.null, _): out.append(contentsOf: Array("NULL".utf8))
        case let (.int(i), .bigint): appendInt(i, to: &out)
        case let (.int(i), .double): Self.appendDouble(Double(i), to: &out)
        case let (.double(d), .double): Self.appendDouble(d, to: &out)
        case let (.bool(b), .boolean): out.append(b ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case let (.string(s), .text):
            if s.utf8.contains(0) { throw mismatch() }
            // Array-literal quoting (\" and \\), then COPY escaping of the result.
            out.append(UInt8(ascii: "\""))
            for byte in s.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "\"")])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C, 0x5C, 0x5C])
                default: Self.appendEscapedByte(byte, to: &out)
                }
            }
            out.append(UInt8(ascii: "\""))
        default: throw mismatch()
        }
    }

    func columnIndex(of name: String) -> Int? { lookup[name] }

    func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value >= 0, value < 10 { out.append(UInt8(ascii: "0") + UInt8(value)); return }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch, enough for 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { scratch -> Int in
            var n = 0
            repeat {
                scratch[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            return n
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { out.append(contentsOf: $0[(24 - count)...]) }
    }

    static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        // "NaN", "Infinity", "-Infinity" and shortest round-trip digits are all PostgreSQL float8 input.
        out.append(contentsOf: PythonFloat.json(d).utf8)
    }

    /// Appends `text` with COPY's escapes; callers reject NUL first (a JSON text never holds one).
    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        _ = PostgresCopyText.appendEscaped(text, to: &out)
    }

    @inline(__always)
    static func appendEscapedByte(_ byte: UInt8, to out: inout [UInt8]) {
        PostgresCopyText.appendEscaped(byte: byte, to: &out)
    }
}

extension JSONValue {
    var isBool: Bool { if case .bool = self { true } else { false } }

    /// True when a NaN or infinite double sits anywhere inside (JSON cannot hold them).
    var hasNonFiniteNumber: Bool {
        switch self {
        case let .double(d): !d.isFinite
        case let .array(items): items.contains { $0.hasNonFiniteNumber }
        case let .object(object): object.pairs.contains { $0.value.hasNonFiniteNumber }
        default: false
        }
    }
}
