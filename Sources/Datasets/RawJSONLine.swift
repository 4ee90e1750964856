import JSON

/// The kind of a top-level value in a raw JSON line.
enum RawKind: UInt8 {
    case null, bool, int, double, string, array, object

    /// The kind of a parsed value, so that parsed and raw rows are typed by the same rules.
    init(of value: JSONValue) {
        self = switch value {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .double: .double
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }
}

/// One top-level member of a JSON line, as byte offsets into the line (nothing decoded).
struct RawField {
    var keyStart = 0, keyEnd = 0
    var keyEscaped = false
    var valueStart = 0, valueEnd = 0
    var kind = RawKind.null
    /// A string with backslash escapes, or a container holding `\u` escapes.
    var hasEscapes = false
    /// A container holding NaN or ±Infinity (not storable as JSON text).
    var hasNonFinite = false
    /// For arrays: the join of the element kinds (`InferredKind.json` when not an array of scalars).
    var arrayKind = InferredKind.array(nil)
}

/// A validating scanner for one JSON Lines line that records the top-level members without building
/// values — the loader's fast path. It accepts a subset of what `JSONValue.parse` accepts; when it
/// declines (returns false), the caller falls back to `JSONValue.parse`, which also produces the error.
struct RawJSONLine {
    private(set) var fields: [RawField] = []
    private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var index = 0

    static let maxDepth = 64

    /// Scans `line` (already trimmed); false when the line is not a plain JSON object this scanner handles.
    mutating func scan(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes = line
        index = 0
        fields.removeAll(keepingCapacity: true)
        guard peek == UInt8(ascii: "{") else { return false }
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return atEnd()
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { return false }
            var field = RawField()
            field.keyStart = index + 1
            guard let keyEscaped = scanString() else { return false }
            field.keyEnd = index - 1
            field.keyEscaped = keyEscaped
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            field.valueStart = index
            guard scanTopValue(&field) else { return false }
            field.valueEnd = index
            fields.append(field)
            skipWhitespace()
            guard let byte = peek else { return false }
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { return atEnd() }
            return false
        }
    }

    private func atEnd() -> Bool {
        var i = index
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return false
            }
        }
        return true
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func scanTopValue(_ field: inout RawField) -> Bool {
        guard let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            guard let escaped = scanString() else { return false }
            field.kind = .string
            field.hasEscapes = escaped
            return true
        case UInt8(ascii: "["):
            field.kind = .array
            return scanArray(&field, depth: 1, top: true)
        case UInt8(ascii: "{"):
            field.kind = .object
            return scanObject(&field, depth: 1)
        default:
            guard let kind = scanScalar(&field) else { return false }
            field.kind = kind
            return true
        }
    }

    /// Scans a literal or number; returns its kind.
    private mutating func scanScalar(_ field: inout RawField) -> RawKind? {
        guard let byte = peek else { return nil }
        switch byte {
        case UInt8(ascii: "t"): return literal("true") ? .bool : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        case UInt8(ascii: "N"):
            field.hasNonFinite = true
            return literal("NaN") ? .double : nil
        case UInt8(ascii: "I"):
            field.hasNonFinite = true
            return literal("Infinity") ? .double : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return scanNumber(&field)
        default: return nil
        }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func scanNumber(_ field: inout RawField) -> RawKind? {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if peek == UInt8(ascii: "I") {
                field.hasNonFinite = true
                return literal("Infinity") ? .double : nil
            }
        }
        let digitsStart = index
        skipDigits()
        guard index > digitsStart else { return nil }
        if peek == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fractionStart = index
            skipDigits()
            guard index > fractionStart else { return nil }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            skipDigits()
            guard index > exponentStart else { return nil }
            // Exponents of 100 and more may leave float8's range (Swift rounds to ±inf or 0,
            // PostgreSQL refuses): the general path decides those.
            if index - exponentStart > 2 { return nil }
        }
        if !isInteger {
            if index - start > 40 { return nil }
            return .double
        }
        // Integers beyond Int64 become doubles in `JSONValue.parse`.
        if index - digitsStart > 18 {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            return Int(text) == nil ? .double : .int
        }
        return .int
    }

    private mutating func skipDigits() {
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
    }

    /// Scans a string starting at its opening quote, validating escapes and UTF-8; returns whether it
    /// had backslash escapes, or nil when invalid.
    private mutating func scanString() -> Bool? {
        index += 1
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return escaped
            }
            if byte == 0x5C {
                escaped = true
                index += 1
                guard index < bytes.count else { return nil }
                switch bytes[index] {
                case UInt8(ascii: "\""), 0x5C, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count else { return nil }
                    for offset in 1...4 where !Self.isHex(bytes[index + offset]) { return nil }
                    index += 5
                default: return nil
                }
                continue
            }
            if byte < 0x20 { return nil }
            if byte < 0x80 {
                index += 1
                continue
            }
            guard let length = Self.utf8SequenceLength(bytes, at: index) else { return nil }
            index += length
        }
        return nil
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte &- UInt8(ascii: "0") < 10) || (byte | 0x20) &- UInt8(ascii: "a") < 6
    }

    /// Length of a well-formed UTF-8 sequence at `i` (non-ASCII lead byte), or nil.
    static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let lead = bytes[i]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        let second = bytes[i + 1]
        guard second >= low, second <= high else { return nil }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Scans any value inside a container, noting escapes and non-finite numbers.
    private mutating func scanNested(_ field: inout RawField, depth: Int) -> RawKind? {
        guard let byte = peek else { return nil }
        switch byte {
        case UInt8(ascii: "\""):
            let start = index
            guard let escaped = scanString() else { return nil }
            if escaped, !field.hasEscapes, containsUnicodeEscape(start, index) { field.hasEscapes = true }
            return .string
        case UInt8(ascii: "["):
            return scanArray(&field, depth: depth + 1, top: false) ? .array : nil
        case UInt8(ascii: "{"):
            return scanObject(&field, depth: depth + 1) ? .object : nil
        default:
            return scanScalar(&field)
        }
    }

    private func containsUnicodeEscape(_ start: Int, _ end: Int) -> Bool {
        var i = start
        while i + 1 < end {
            if bytes[i] == 0x5C {
                if bytes[i + 1] == UInt8(ascii: "u") { return true }
                i += 2
            } else {
                i += 1
            }
        }
        return false
    }

    private mutating func scanArray(_ field: inout RawField, depth: Int, top: Bool) -> Bool {
        guard depth < Self.maxDepth else { return false }
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard let kind = scanNested(&field, depth: depth) else { return false }
            if top { field.arrayKind = field.arrayKind.joined(withElement: kind) }
            skipWhitespace()
            guard let byte = peek else { return false }
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            return byte == UInt8(ascii: "]")
        }
    }

    private mutating func scanObject(_ field: inout RawField, depth: Int) -> Bool {
        guard depth < Self.maxDepth else { return false }
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { return false }
            let start = index
            guard let escaped = scanString() else { return false }
            if escaped, !field.hasEscapes, containsUnicodeEscape(start, index) { field.hasEscapes = true }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            guard scanNested(&field, depth: depth) != nil else { return false }
            skipWhitespace()
            guard let byte = peek else { return false }
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            return byte == UInt8(ascii: "}")
        }
    }
}

extension InferredKind {
    /// Adds one array element's raw kind to an array kind (`.json` once elements are not scalars or disagree).
    func joined(withElement kind: RawKind) -> InferredKind {
        guard case let .array(current) = self else { return self }
        let element: ScalarKind
        switch kind {
        case .null: return self
        case .bool: element = .bool
        case .int: element = .int
        case .double: element = .double
        case .string: element = .string
        case .array, .object: return .json
        }
        guard let joined = Self.join(current, element) else { return .json }
        return .array(joined)
    }

    /// The kind of a raw top-level value.
    init(raw field: RawField) {
        self = field.kind == .array ? field.arrayKind : InferredKind(topLevel: field.kind)
    }

    /// The kind of a top-level value that is not an array (an array's kind comes from its elements).
    init(topLevel kind: RawKind) {
        switch kind {
        case .null: self = .null
        case .bool: self = .bool
        case .int: self = .int
        case .double: self = .double
        case .string: self = .string
        case .object: self = .json
        case .array: self = .array(nil)
        }
    }
}
