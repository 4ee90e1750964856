import JSON

extension PostgresCell {
    /// The value as JSON, chosen by the column's type: NULL → null, boolean → bool, integer
    /// types → int, real/double → double, numeric → int when integral else double, json/jsonb →
    /// the parsed document, arrays of those → arrays, anything else → its text as a string.
    public func jsonValue() throws(PostgresError) -> JSONValue {
        guard let text else { return .null }
        return try Self.json(text: text, type: type, columnName: columnName)
    }

    private static func json(text: String, type: PostgresType, columnName: String) throws(PostgresError) -> JSONValue {
        let cell = PostgresCell(text: text, type: type, columnName: columnName)
        switch type {
        case .bool: return .bool(try Bool.decode(from: cell))
        case .int2, .int4, .int8, .oid: return .int(try Int.decode(from: cell))
        case .float4, .float8: return .double(try Double.decode(from: cell))
        case .numeric:
            if let integer = Int(text) { return .int(integer) }
            return .double(try Double.decode(from: cell))
        case .json, .jsonb:
            do {
                return try JSONValue.parse(text)
            } catch {
                throw cell.mismatch("JSONValue", error.description)
            }
        default:
            guard let elementType = type.arrayElementType else { return .string(text) }
            let nodes = try cell.parseArrayLiteral(text, for: "JSONValue")
            return try json(nodes: nodes, elementType: elementType, columnName: columnName)
        }
    }

    private static func json(
        nodes: [PostgresArrayLiteral.Node], elementType: PostgresType, columnName: String
    ) throws(PostgresError) -> JSONValue {
        var elements: [JSONValue] = []
        elements.reserveCapacity(nodes.count)
        for node in nodes {
            switch node {
            case .element(nil): elements.append(.null)
            case let .element(text?): elements.append(try json(text: text, type: elementType, columnName: columnName))
            case let .array(inner): elements.append(try json(nodes: inner, elementType: elementType, columnName: columnName))
            }
        }
        return .array(elements)
    }
}

extension JSONValue: PostgresDecodable {
    /// Any column, converted by its type as `PostgresCell.jsonValue()` describes; NULL is `.null`.
    public static func decode(from cell: PostgresCell) throws(PostgresError) -> JSONValue {
        try cell.jsonValue()
    }
}
