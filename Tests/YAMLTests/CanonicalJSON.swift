import YAML

/// The canonical JSON that scripts/yaml-parity/generate.py builds from PyYAML's output; keep the two in step.
enum CanonicalJSON {
    static func bytes(_ value: YAMLValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    private static func write(_ value: YAMLValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number):
            let bits = String(number.bitPattern, radix: 16)
            let text = number.isNaN ? "nan" : String(repeating: "0", count: 16 - bits.count) + bits
            out.append(contentsOf: #"{"$float":""#.utf8)
            out.append(contentsOf: text.utf8)
            out.append(contentsOf: #""}"#.utf8)
        case .string(let text): writeString(text, to: &out)
        case .tagged(let tag, let text):
            out.append(contentsOf: #"{"$tag":"#.utf8)
            writeString(tag, to: &out)
            out.append(contentsOf: #","$value":"#.utf8)
            writeString(text, to: &out)
            out.append(UInt8(ascii: "}"))
        case .sequence(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .mapping(let mapping):
            out.append(UInt8(ascii: "{"))
            // UTF-8 byte order is code point order, which is how Python sorts str keys.
            let sorted = mapping.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, entry) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// json.dumps(ensure_ascii=False) escaping.
    private static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                let digits = String(byte, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - digits.count) + digits).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
