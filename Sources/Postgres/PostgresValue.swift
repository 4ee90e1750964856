import Foundation
import JSON

/// A value bound to a `$n` parameter or written to a COPY stream; never spliced into SQL text.
public enum PostgresValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    /// Sent with an unspecified type, so the server can read it as text, varchar, uuid, an enum, …
    case string(String)
    /// Sent as timestamptz, in UTC with microsecond precision.
    case date(Date)
    /// Sent as jsonb; `.json(.null)` is the JSON `null`, not SQL NULL.
    case json(JSONValue)
    /// Sent as bytea.
    case bytes([UInt8])
    case int64Array([Int64?])
    case doubleArray([Double?])
    case stringArray([String?])
    case boolArray([Bool?])

    /// An `Int`, sent as bigint.
    public static func int(_ value: Int) -> PostgresValue { .int64(Int64(value)) }

    /// Wraps any bindable Swift value.
    public init(_ value: some PostgresBindable) { self = value.postgresValue }

    /// The type OID sent with the parameter.
    var parameterType: PostgresType {
        switch self {
        case .null, .string: .unspecified
        case .bool: .bool
        case .int32: .int4
        case .int64: .int8
        case .double: .float8
        case .date: .timestamptz
        case .json: .jsonb
        case .bytes: .bytea
        case .int64Array: .int8Array
        case .doubleArray: .float8Array
        case .stringArray: .textArray
        case .boolArray: .boolArray
        }
    }

    /// The server's text input form, or nil for NULL; bytea is written as `\x…` hex.
    func textForm() throws(PostgresError) -> String? {
        switch self {
        case .null: return nil
        case let .bool(value): return value ? "t" : "f"
        case let .int32(value): return String(value)
        case let .int64(value): return String(value)
        case let .double(value): return Self.doubleText(value)
        case let .string(value): return try Self.checkedText(value)
        case let .date(value): return PostgresTimestamp.format(value)
        case let .json(value): return value.serialized(.compact)
        case let .bytes(value): return Self.hexBytea(value)
        case let .int64Array(values): return PostgresArrayLiteral.write(values.map { $0.map { String($0) } })
        case let .doubleArray(values): return PostgresArrayLiteral.write(values.map { $0.map(Self.doubleText) })
        case let .boolArray(values): return PostgresArrayLiteral.write(values.map { $0.map { $0 ? "t" : "f" } })
        case let .stringArray(values):
            var checked: [String?] = []
            checked.reserveCapacity(values.count)
            for value in values { checked.append(try value.map { (text) throws(PostgresError) in try Self.checkedText(text) }) }
            return PostgresArrayLiteral.write(checked)
        }
    }

    static func doubleText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return value.description
    }

    // libpq passes text parameters as C strings; PostgreSQL text cannot hold NUL either.
    private static func checkedText(_ text: String) throws(PostgresError) -> String {
        if containsNUL(text) {
            throw PostgresError(
                code: .invalidArgument,
                message: "a string value contains a NUL byte (\\0), which PostgreSQL text cannot store; strip it or bind it as bytes")
        }
        return text
    }

    /// memchr over the contiguous UTF-8: the generic `utf8.contains` walked prompts byte by byte.
    private static func containsNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
    }

    private static func hexBytea(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension PostgresValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}

/// A Swift type that can be bound as a query parameter or COPY value.
public protocol PostgresBindable: Sendable {
    /// This value as a `PostgresValue`.
    var postgresValue: PostgresValue { get }
}

/// A Swift type whose arrays bind as a PostgreSQL array (bigint[], float8[], text[], bool[]).
public protocol PostgresArrayBindable: PostgresBindable {
    /// Binds an array of this type, with nil elements as NULL.
    static func postgresArray(_ elements: [Self?]) -> PostgresValue
}

extension PostgresValue: PostgresBindable {
    public var postgresValue: PostgresValue { self }
}

extension Bool: PostgresArrayBindable {
    public var postgresValue: PostgresValue { .bool(self) }
    public static func postgresArray(_ elements: [Bool?]) -> PostgresValue { .boolArray(elements) }
}

extension Int: PostgresArrayBindable {
    public var postgresValue: PostgresValue { .int64(Int64(self)) }
    public static func postgresArray(_ elements: [Int?]) -> PostgresValue { .int64Array(elements.map { $0.map(Int64.init) }) }
}

extension Int64: PostgresArrayBindable {
    public var postgresValue: PostgresValue { .int64(self) }
    public static func postgresArray(_ elements: [Int64?]) -> PostgresValue { .int64Array(elements) }
}

extension Int32: PostgresArrayBindable {
    public var postgresValue: PostgresValue { .int32(self) }
    public static func postgresArray(_ elements: [Int32?]) -> PostgresValue { .int64Array(elements.map { $0.map(Int64.init) }) }
}

extension Double: PostgresArrayBindable {
    public var postgresValue: PostgresValue { .double(self) }
    public static func postgresArray(_ elements: [Double?]) -> PostgresValue { .doubleArray(elements) }
}

extension String: PostgresArrayBindable {
    public var postgresValue: PostgresValue { .string(self) }
    public static func postgresArray(_ elements: [String?]) -> PostgresValue { .stringArray(elements) }
}

extension Date: PostgresBindable {
    public var postgresValue: PostgresValue { .date(self) }
}

extension JSONValue: PostgresBindable {
    public var postgresValue: PostgresValue { .json(self) }
}

extension Data: PostgresBindable {
    public var postgresValue: PostgresValue { .bytes([UInt8](self)) }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresValue: PostgresValue { map(\.postgresValue) ?? .null }
}

extension Optional: PostgresArrayBindable where Wrapped: PostgresArrayBindable {
    public static func postgresArray(_ elements: [Wrapped??]) -> PostgresValue {
        Wrapped.postgresArray(elements.map { $0 ?? nil })
    }
}

extension Array: PostgresBindable where Element: PostgresArrayBindable {
    public var postgresValue: PostgresValue { Element.postgresArray(map { $0 }) }
}
