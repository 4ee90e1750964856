import Foundation
import JSON

/// One column value of a row as the server sent it (text format), with its type and column.
public struct PostgresCell: Sendable {
    /// The server's text form of the value, or nil for SQL NULL.
    public let text: String?
    /// The column's type OID (the element type, for an element of an array).
    public let type: PostgresType
    /// The column name, for error messages (with `[n]` for array elements).
    public let columnName: String

    /// Creates a cell; used for columns and for array elements.
    public init(text: String?, type: PostgresType, columnName: String) {
        self.text = text
        self.type = type
        self.columnName = columnName
    }

    /// True for SQL NULL.
    public var isNull: Bool { text == nil }

    /// Decodes this value as `T`; use an Optional `T` for columns that may be NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self) throws(PostgresError) -> T {
        try T.decode(from: self)
    }

    /// The text of a non-NULL value, or a decoding error naming the Swift type asked for.
    public func requireText(for swiftType: String) throws(PostgresError) -> String {
        guard let text else {
            throw PostgresError(
                code: .decoding, message: "value is NULL; decode it as \(swiftType)? to accept NULL", column: columnName)
        }
        return text
    }

    /// A decoding error saying the column's type does not fit the Swift type asked for.
    public func mismatch(_ swiftType: String, _ reason: String? = nil) -> PostgresError {
        let base = "cannot decode a \(type) value as \(swiftType)"
        return PostgresError(code: .decoding, message: reason.map { "\(base): \($0)" } ?? base, column: columnName)
    }
}

/// A Swift type that can be read from a column of a result row.
public protocol PostgresDecodable: Sendable {
    /// Decodes the value, throwing a `.decoding` error when the type does not fit.
    static func decode(from cell: PostgresCell) throws(PostgresError) -> Self
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Wrapped? {
        cell.isNull ? nil : try Wrapped.decode(from: cell)
    }
}

extension String: PostgresDecodable {
    /// The server's text form of any column type (text, varchar, uuid, enums, …).
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> String {
        try cell.requireText(for: "String")
    }
}

extension Int64: PostgresDecodable {
    /// smallint, integer, bigint, or an integral numeric (e.g. `sum(bigint)`).
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int64 {
        try cell.integer(as: "Int64")
    }
}

extension Int: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int {
        Int(try cell.integer(as: "Int"))
    }
}

extension Int32: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Int32 {
        let value = try cell.integer(as: "Int32")
        guard let narrow = Int32(exactly: value) else { throw cell.mismatch("Int32", "\(value) is out of range") }
        return narrow
    }
}

extension PostgresCell {
    fileprivate func integer(as swiftType: String) throws(PostgresError) -> Int64 {
        let text = try requireText(for: swiftType)
        guard type.isInteger || type == .numeric else { throw mismatch(swiftType) }
        guard let value = Int64(text) else { throw mismatch(swiftType, "'\(text)' is not a 64-bit integer") }
        return value
    }
}

extension Double: PostgresDecodable {
    /// real, double precision, numeric or any integer type.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Double {
        let text = try cell.requireText(for: "Double")
        guard cell.type.isFloatingOrNumeric || cell.type.isInteger else { throw cell.mismatch("Double") }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw cell.mismatch("Double", "'\(text)' is not a number") }
            return value
        }
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Bool {
        let text = try cell.requireText(for: "Bool")
        guard cell.type == .bool else { throw cell.mismatch("Bool") }
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw cell.mismatch("Bool", "'\(text)' is not a boolean")
        }
    }
}

extension Date: PostgresDecodable {
    /// timestamptz, timestamp (read as UTC) or date (midnight UTC); ±infinity map to distantFuture/Past.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Date {
        let text = try cell.requireText(for: "Date")
        guard cell.type == .timestamptz || cell.type == .timestamp || cell.type == .date else { throw cell.mismatch("Date") }
        guard let date = PostgresTimestamp.parse(text) else {
            throw cell.mismatch("Date", "'\(text)' is not an ISO timestamp (is DateStyle changed from ISO?)")
        }
        return date
    }
}

extension Data: PostgresDecodable {
    /// bytea in the server's default hex output.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> Data {
        let text = try cell.requireText(for: "Data")
        guard cell.type == .bytea else { throw cell.mismatch("Data") }
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw cell.mismatch("Data", "expected hex bytea output (bytea_output = hex)")
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = hexDigit(bytes[index]), let low = hexDigit(bytes[index + 1]) else {
                throw cell.mismatch("Data", "invalid hex digit")
            }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// A one-dimensional array column (int[], bigint[], float8[], text[], bool[], …); NULL
    /// elements need an Optional element type, e.g. `[String?]`.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> [Element] {
        let swiftType = "[\(Element.self)]"
        let text = try cell.requireText(for: swiftType)
        let elementType = try cell.arrayElementType(for: swiftType)
        let nodes = try cell.parseArrayLiteral(text, for: swiftType)
        var result: [Element] = []
        result.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            guard case let .element(elementText) = node else {
                throw cell.mismatch(swiftType, "it is multi-dimensional; decode it as JSONValue")
            }
            let element = PostgresCell(text: elementText, type: elementType, columnName: "\(cell.columnName)[\(index + 1)]")
            result.append(try Element.decode(from: element))
        }
        return result
    }
}

extension PostgresCell {
    func arrayElementType(for swiftType: String) throws(PostgresError) -> PostgresType {
        if let element = type.arrayElementType { return element }
        // Arrays of user-defined types (enums, domains) have OIDs only the database knows.
        guard type.rawValue >= 16384 else { throw mismatch(swiftType, "it is not an array") }
        return .unknown
    }

    func parseArrayLiteral(_ text: String, for swiftType: String) throws(PostgresError) -> [PostgresArrayLiteral.Node] {
        do {
            return try PostgresArrayLiteral.parse(text)
        } catch {
            throw mismatch(swiftType, "malformed array literal at byte \(error.offset): \(error.message)")
        }
    }
}
