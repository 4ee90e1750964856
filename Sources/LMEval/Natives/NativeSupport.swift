import JSON

/// Python string operations on Unicode scalars (Python indexes code points, not graphemes),
/// shared by the native `!function` ports.
enum NativeSupport {
    /// `doc[key]` that must be a str, or a documents error naming the function and field.
    static func string(_ doc: JSONObject, _ key: String, function: String) throws(LMEvalError) -> String {
        guard let value = doc[key] else { throw LMEvalError(.documents, "\(function): the document has no field \(key)") }
        guard case let .string(s) = value else {
            throw LMEvalError(.documents, "\(function): field \(key) is \(value.typeName), not a string")
        }
        return s
    }

    /// `text.replace(old, new)` (every occurrence, left to right, non-overlapping).
    static func replace(_ text: String, _ old: String, with new: String) -> String {
        let s = Array(text.unicodeScalars)
        let pattern = Array(old.unicodeScalars)
        guard !pattern.isEmpty else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if i + pattern.count <= s.count, s[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: new.unicodeScalars)
                i += pattern.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    static func find(_ s: [Unicode.Scalar], _ needle: String, from start: Int = 0) -> Int {
        let pattern = Array(needle.unicodeScalars)
        guard pattern.count <= s.count else { return -1 }
        var i = start
        while i + pattern.count <= s.count {
            if s[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return -1
    }

    /// `s.rfind(needle)`.
    static func rfind(_ s: [Unicode.Scalar], _ needle: String) -> Int {
        let pattern = Array(needle.unicodeScalars)
        guard pattern.count <= s.count else { return -1 }
        var i = s.count - pattern.count
        while i >= 0 {
            if s[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i -= 1
        }
        return -1
    }

    static func contains(_ s: [Unicode.Scalar], _ needle: String) -> Bool { find(s, needle) >= 0 }

    /// `s.split(sep)` with a non-empty separator.
    static func split(_ s: [Unicode.Scalar], _ separator: String) -> [[Unicode.Scalar]] {
        let pattern = Array(separator.unicodeScalars)
        var parts: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            if i + pattern.count <= s.count, s[i..<(i + pattern.count)].elementsEqual(pattern) {
                parts.append(current)
                current = []
                i += pattern.count
            } else {
                current.append(s[i])
                i += 1
            }
        }
        parts.append(current)
        return parts
    }
}
