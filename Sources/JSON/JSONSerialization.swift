import Python

/// How a `JSONValue` is written out.
public struct JSONFormat: Sendable, Equatable {
    /// Separator between items, e.g. "," or ", ".
    public var itemSeparator: String
    /// Separator between a key and its value, e.g. ":" or ": ".
    public var keySeparator: String
    /// Escape every non-ASCII character as \uXXXX, as Python's `ensure_ascii=True` does.
    public var ensureASCII: Bool
    /// Sort object keys, as Python's `sort_keys=True` does.
    public var sortKeys: Bool
    /// Spaces per nesting level; nil writes everything on one line.
    public var indent: Int?

    public init(itemSeparator: String, keySeparator: String, ensureASCII: Bool, sortKeys: Bool = false, indent: Int? = nil) {
        self.itemSeparator = itemSeparator
        self.keySeparator = keySeparator
        self.ensureASCII = ensureASCII
        self.sortKeys = sortKeys
        self.indent = indent
    }

    /// `{"a":1,"b":[1,2]}`, UTF-8 kept as is.
    public static let compact = JSONFormat(itemSeparator: ",", keySeparator: ":", ensureASCII: false)
    /// Python's `json.dumps(value)` defaults: `{"a": 1, "b": [1, 2]}`, non-ASCII escaped.
    public static let python = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: true)
    /// Indented by two spaces, UTF-8 kept, for people to read.
    public static let pretty = JSONFormat(itemSeparator: ",", keySeparator: ": ", ensureASCII: false, indent: 2)
}

extension JSONValue {
    /// The JSON text of this value.
    public func serialized(_ format: JSONFormat = .compact) -> String {
        var bytes: [UInt8] = []
        write(to: &bytes, format: format, depth: 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON text of this value to `out`.
    public func write(to out: inout String, format: JSONFormat = .compact) {
        out += serialized(format)
    }

    /// Appends the JSON text of this value to `out` as UTF-8.
    public func write(to out: inout [UInt8], format: JSONFormat = .compact) {
        write(to: &out, format: format, depth: 0)
    }

    // Bytes, not String: appending to a String re-checks capacity and ASCII-ness on every piece,
    // which made serialising the Sampler's documents its largest cost.
    private func write(to out: inout [UInt8], format: JSONFormat, depth: Int) {
        // Python's json.dumps(indent=n): a newline plus indentation before each item and the closing bracket.
        func newline(_ level: Int) {
            guard let indent = format.indent else { return }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent * level))
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): out.append(contentsOf: String(i).utf8)
        case let .double(d): out.append(contentsOf: PythonFloat.json(d).utf8)
        case let .string(s): JSONValue.writeString(s, to: &out, ensureASCII: format.ensureASCII)
        case let .array(elements):
            out.append(0x5B)
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(contentsOf: format.itemSeparator.utf8) }
                newline(depth + 1)
                element.write(to: &out, format: format, depth: depth + 1)
            }
            if !elements.isEmpty { newline(depth) }
            out.append(0x5D)
        case let .object(object):
            out.append(0x7B)
            let keys = format.sortKeys ? object.keys.sorted() : object.keys
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(contentsOf: format.itemSeparator.utf8) }
                newline(depth + 1)
                JSONValue.writeString(key, to: &out, ensureASCII: format.ensureASCII)
                out.append(contentsOf: format.keySeparator.utf8)
                (object[key] ?? .null).write(to: &out, format: format, depth: depth + 1)
            }
            if !keys.isEmpty { newline(depth) }
            out.append(0x7D)
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8], ensureASCII: Bool) {
        var text = s
        // Runs of bytes that need no escape are copied whole.
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + 2)
            out.append(0x22)
            var runStart = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte >= 0x20 && byte != 0x22 && byte != 0x5C && (byte < 0x7F || !ensureASCII) {
                    i += 1
                    continue
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                switch byte {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case 0x08: out.append(contentsOf: [0x5C, 0x62])
                case 0x0C: out.append(contentsOf: [0x5C, 0x66])
                case 0..<0x20, 0x7F: appendHex4(UInt32(byte), to: &out)
                default:
                    // A non-ASCII scalar under ensureASCII: decode its UTF-8 sequence, write \uXXXX (a surrogate pair above U+FFFF).
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    var value = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                    for k in 1..<length where i + k < bytes.count { value = value << 6 | (UInt32(bytes[i + k]) & 0x3F) }
                    if value > 0xFFFF {
                        let v = value - 0x10000
                        appendHex4(0xD800 + (v >> 10), to: &out)
                        appendHex4(0xDC00 + (v & 0x3FF), to: &out)
                    } else {
                        appendHex4(value, to: &out)
                    }
                    i += length - 1
                }
                i += 1
                runStart = i
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
            out.append(0x22)
        }
    }

    /// A backslash, `u` and four lowercase hex digits, as Python writes them.
    private static func appendHex4(_ value: UInt32, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: [0x5C, 0x75])
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            buffer.append(digit < 10 ? 0x30 + digit : 0x57 + digit)  // 0x57 + 10 == "a"
        }
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}
