/// A YAML value resolved the way PyYAML's loader resolves plain scalars (YAML 1.1 rules:
/// `yes`/`on` are booleans, `1e3` without a dot is a string, `~` is null, ...).
public enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case sequence([YAMLValue])
    case mapping(YAMLMapping)
    /// A scalar with an application tag other than the standard ones, e.g. `!function utils.process_docs`.
    case tagged(tag: String, value: String)
}

/// An insertion-ordered YAML mapping with string keys (non-string keys are stringified as PyYAML would print them).
public struct YAMLMapping: Sendable, Hashable {
    public private(set) var entries: [(key: String, value: YAMLValue)] = []

    public init() {}

    /// Duplicate keys keep their first position and take the last value, as a Python dict does.
    public init(_ entries: [(key: String, value: YAMLValue)]) {
        self.entries = Self.deduplicated(entries)
    }

    public var keys: [String] { entries.map(\.key) }

    /// Number of keys.
    public var count: Int { entries.count }

    /// Later assignment to an existing key replaces its value in place, as a Python dict does.
    public subscript(key: String) -> YAMLValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public static func == (lhs: YAMLMapping, rhs: YAMLMapping) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        // Linear lookups are cheaper than hashing for the small mappings configs are made of.
        if lhs.entries.count <= 16 {
            return lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
        }
        var right = [String: YAMLValue](minimumCapacity: rhs.entries.count)
        for entry in rhs.entries { right[entry.key] = entry.value }
        return lhs.entries.allSatisfy { right[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        // Order-independent, to agree with `==`.
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }

    /// Python dict semantics for a list of pairs, without quadratic key searches on large inputs.
    static func deduplicated(_ pairs: [(key: String, value: YAMLValue)]) -> [(key: String, value: YAMLValue)] {
        var result: [(key: String, value: YAMLValue)] = []
        result.reserveCapacity(pairs.count)
        if pairs.count <= 12 {
            for pair in pairs {
                if let index = result.firstIndex(where: { $0.key == pair.key }) {
                    result[index].value = pair.value
                } else {
                    result.append(pair)
                }
            }
            return result
        }
        var positions = [String: Int](minimumCapacity: pairs.count)
        for pair in pairs {
            if let index = positions[pair.key] {
                result[index].value = pair.value
            } else {
                positions[pair.key] = result.count
                result.append(pair)
            }
        }
        return result
    }
}

/// A YAML syntax or structure error, with the position libyaml reported (1-based).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    /// 1-based; 0 when the error has no position (e.g. the file could not be read).
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String?, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let place = file ?? "<string>"
        return line > 0 ? "\(place):\(line):\(column): \(message)" : "\(place): \(message)"
    }
}
