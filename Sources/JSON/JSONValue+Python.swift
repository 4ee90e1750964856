import Python

extension JSONValue: PythonRepresentable {
    /// The Python objects `json.loads` gives: None, bool, int, float, str, list, dict.
    public var pythonShape: PythonShape<JSONValue> {
        switch self {
        case .null: .none
        case let .bool(b): .bool(b)
        case let .int(i): .int(i)
        case let .double(d): .float(d)
        case let .string(s): .str(s)
        case let .array(items): .list(items)
        case let .object(object): .dict(object.pairs.map { (.string($0.key), $0.value) })
        }
    }
}

extension JSONValue: ExpressibleByPythonLiteral {
    /// Tuples become arrays and dict keys their `str()`; a repeated key keeps its first place and last value, as in a dict.
    public init(pythonLiteral shape: PythonShape<JSONValue>) {
        switch shape {
        case .none: self = .null
        case let .bool(b): self = .bool(b)
        case let .int(i): self = .int(i)
        case let .float(d): self = .double(d)
        case let .str(s): self = .string(s)
        case let .list(items), let .tuple(items): self = .array(items)
        case let .dict(pairs):
            var object = JSONObject()
            for (key, value) in pairs { object[PythonValue.str(key)] = value }
            self = .object(object)
        case let .opaque(repr): self = .string(repr)
        }
    }
}
