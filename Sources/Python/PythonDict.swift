/// A `str`-keyed dict with Python's semantics: insertion order, an assignment to an existing key
/// replaces its value in place, and a repeated key in a literal keeps its first place and its last value.
///
/// Kept as pairs, not hashed: the mappings of task configs and YAML documents are small, and
/// their order is what Python prints.
public struct PythonDict<Value> {
    public private(set) var entries: [(key: String, value: Value)] = []

    public init() {}

    /// `dict(pairs)`: duplicate keys keep their first position and take the last value.
    public init(_ entries: [(key: String, value: Value)]) {
        self.entries = Self.deduplicated(entries)
    }

    public var keys: [String] { entries.map(\.key) }
    public var isEmpty: Bool { entries.isEmpty }
    /// Number of keys.
    public var count: Int { entries.count }

    /// Assigning an existing key replaces its value in place; assigning nil removes it.
    public subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// `key in d`.
    public func contains(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// Python's `dict.update`: existing keys keep their position, new keys are appended.
    public mutating func update(with other: PythonDict) {
        // Merging task configs' include chains starts from an empty dict; a key-by-key search is
        // quadratic in the keys, which made merging a fifth of indexing lm-eval's tree.
        if entries.isEmpty {
            entries = other.entries
            return
        }
        if entries.count + other.entries.count <= 16 {
            for (key, value) in other.entries { self[key] = value }
            return
        }
        var positions = [String: Int](minimumCapacity: entries.count)
        for (index, entry) in entries.enumerated() { positions[entry.key] = index }
        for (key, value) in other.entries {
            if let index = positions[key] {
                entries[index].value = value
            } else {
                positions[key] = entries.count
                entries.append((key, value))
            }
        }
    }

    /// `{**self, **other}`.
    public func merging(_ other: PythonDict) -> PythonDict {
        var copy = self
        copy.update(with: other)
        return copy
    }

    /// Python dict semantics for a list of pairs, without quadratic key searches on large inputs.
    static func deduplicated(_ pairs: [(key: String, value: Value)]) -> [(key: String, value: Value)] {
        var result: [(key: String, value: Value)] = []
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

extension PythonDict: Sendable where Value: Sendable {}

extension PythonDict: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        entries.makeIterator()
    }
}

// Python's dict equality: the same keys with equal values, in any order.
extension PythonDict: Equatable where Value: Equatable {
    public static func == (lhs: PythonDict, rhs: PythonDict) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        // Linear lookups are cheaper than hashing for the small mappings configs are made of.
        if lhs.entries.count <= 16 {
            return lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
        }
        var right = [String: Value](minimumCapacity: rhs.entries.count)
        for entry in rhs.entries { right[entry.key] = entry.value }
        return lhs.entries.allSatisfy { right[$0.key] == $0.value }
    }
}

extension PythonDict: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        // Order-independent, to agree with `==`.
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
