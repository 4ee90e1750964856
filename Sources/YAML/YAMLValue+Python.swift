import Python

extension YAMLValue: PythonRepresentable {
    /// The Python objects PyYAML constructs; a tagged scalar (no Python object here) prints as its YAML text.
    public var pythonShape: PythonShape<YAMLValue> {
        switch self {
        case .null: .none
        case let .bool(b): .bool(b)
        case let .int(i): .int(i)
        case let .double(d): .float(d)
        case let .string(s): .str(s)
        case let .sequence(items): .list(items)
        case let .mapping(mapping): .dict(mapping.entries.map { (.string($0.key), $0.value) })
        case let .tagged(tag, value): .opaque(repr: "\(tag) \(value)")
        }
    }

    /// The `str()` a scalar mapping key becomes; nil for keys Python could not hash here (collections)
    /// or that have no faithful text (tagged).
    var pythonKey: String? {
        switch self {
        case .sequence, .mapping, .tagged: nil
        default: PythonValue.str(self)
        }
    }
}
