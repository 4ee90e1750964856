import JSON

/// Structural equality that JSONValue's Python-style `==` deliberately does not give:
/// key order, int vs double, NaN == NaN and the sign of zero all count.
func strictlyEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case let (.bool(x), .bool(y)): return x == y
    case let (.int(x), .int(y)): return x == y
    case let (.double(x), .double(y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
    case let (.string(x), .string(y)): return Array(x.utf8) == Array(y.utf8)
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(strictlyEqual)
    case let (.object(x), .object(y)): return strictlyEqual(x, y)
    default: return false
    }
}

func strictlyEqual(_ a: JSONObject, _ b: JSONObject) -> Bool {
    a.keys == b.keys && a.keys.allSatisfy { key in
        guard let x = a[key], let y = b[key] else { return false }
        return strictlyEqual(x, y)
    }
}
