/// A PostgreSQL type OID, with names for the built-in types this module understands.
public struct PostgresType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Lets the server infer the type from context (a parameter's type OID 0).
    public static let unspecified = PostgresType(rawValue: 0)
    public static let bool = PostgresType(rawValue: 16)
    public static let bytea = PostgresType(rawValue: 17)
    public static let char = PostgresType(rawValue: 18)
    public static let name = PostgresType(rawValue: 19)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int2 = PostgresType(rawValue: 21)
    public static let int4 = PostgresType(rawValue: 23)
    public static let text = PostgresType(rawValue: 25)
    public static let oid = PostgresType(rawValue: 26)
    public static let json = PostgresType(rawValue: 114)
    public static let float4 = PostgresType(rawValue: 700)
    public static let float8 = PostgresType(rawValue: 701)
    public static let unknown = PostgresType(rawValue: 705)
    public static let bpchar = PostgresType(rawValue: 1042)
    public static let varchar = PostgresType(rawValue: 1043)
    public static let date = PostgresType(rawValue: 1082)
    public static let timestamp = PostgresType(rawValue: 1114)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let numeric = PostgresType(rawValue: 1700)
    public static let uuid = PostgresType(rawValue: 2950)
    public static let jsonb = PostgresType(rawValue: 3802)

    public static let jsonArray = PostgresType(rawValue: 199)
    public static let boolArray = PostgresType(rawValue: 1000)
    public static let byteaArray = PostgresType(rawValue: 1001)
    public static let charArray = PostgresType(rawValue: 1002)
    public static let nameArray = PostgresType(rawValue: 1003)
    public static let int2Array = PostgresType(rawValue: 1005)
    public static let int4Array = PostgresType(rawValue: 1007)
    public static let textArray = PostgresType(rawValue: 1009)
    public static let bpcharArray = PostgresType(rawValue: 1014)
    public static let varcharArray = PostgresType(rawValue: 1015)
    public static let int8Array = PostgresType(rawValue: 1016)
    public static let float4Array = PostgresType(rawValue: 1021)
    public static let float8Array = PostgresType(rawValue: 1022)
    public static let timestampArray = PostgresType(rawValue: 1115)
    public static let dateArray = PostgresType(rawValue: 1182)
    public static let timestamptzArray = PostgresType(rawValue: 1185)
    public static let numericArray = PostgresType(rawValue: 1231)
    public static let uuidArray = PostgresType(rawValue: 2951)
    public static let jsonbArray = PostgresType(rawValue: 3807)

    private static let arrayElements: [PostgresType: PostgresType] = [
        .jsonArray: .json, .boolArray: .bool, .byteaArray: .bytea, .charArray: .char, .nameArray: .name,
        .int2Array: .int2, .int4Array: .int4, .textArray: .text, .bpcharArray: .bpchar,
        .varcharArray: .varchar, .int8Array: .int8, .float4Array: .float4, .float8Array: .float8,
        .timestampArray: .timestamp, .dateArray: .date, .timestamptzArray: .timestamptz,
        .numericArray: .numeric, .uuidArray: .uuid, .jsonbArray: .jsonb,
    ]

    /// The element type when this is a known built-in array type.
    public var arrayElementType: PostgresType? { Self.arrayElements[self] }

    /// True for smallint, integer and bigint.
    public var isInteger: Bool { self == .int2 || self == .int4 || self == .int8 || self == .oid }
    /// True for real, double precision and numeric.
    public var isFloatingOrNumeric: Bool { self == .float4 || self == .float8 || self == .numeric }
    /// True for json and jsonb.
    public var isJSON: Bool { self == .json || self == .jsonb }

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .bytea: "bytea"
        case .int2: "smallint"
        case .int4: "integer"
        case .int8: "bigint"
        case .text: "text"
        case .json: "json"
        case .jsonb: "jsonb"
        case .float4: "real"
        case .float8: "double precision"
        case .varchar: "character varying"
        case .bpchar: "character"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .date: "date"
        case .numeric: "numeric"
        case .uuid: "uuid"
        default:
            if let element = arrayElementType { "\(element)[]" } else { "type OID \(rawValue)" }
        }
    }
}
