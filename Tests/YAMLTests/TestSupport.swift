import YAML

/// `==` except that NaN equals NaN, so expectations can name `.nan`.
func sameValue(_ lhs: YAMLValue, _ rhs: YAMLValue) -> Bool {
    if case .double(let left) = lhs, case .double(let right) = rhs, left.isNaN, right.isNaN { return true }
    return lhs == rhs
}

/// Loads `text` and returns the value at `key` of its top-level mapping.
func value(of key: String, in text: String) throws -> YAMLValue? {
    guard case .mapping(let mapping) = try YAMLLoader.load(text) else { return nil }
    return mapping[key]
}
