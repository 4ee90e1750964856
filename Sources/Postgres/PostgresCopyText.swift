/// PostgreSQL's COPY text format: fields separated by tabs, rows ended by newlines,
/// `\N` for NULL, and backslash escapes for `\`, tab, newline and carriage return.
public enum PostgresCopyText {
    /// Appends one encoded row (with its trailing newline) to `buffer`.
    public static func encodeRow(_ values: [PostgresValue], into buffer: inout [UInt8]) throws(PostgresError) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            switch value {
            case .null:
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
            case let .string(text):
                try appendEscaped(text, into: &buffer)
            default:
                if let text = try value.textForm() { try appendEscaped(text, into: &buffer) }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// One encoded row, with its trailing newline.
    public static func encodeRow(_ values: [PostgresValue]) throws(PostgresError) -> String {
        var buffer: [UInt8] = []
        try encodeRow(values, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private static func appendEscaped(_ text: String, into buffer: inout [UInt8]) throws(PostgresError) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            case 0x08: buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "b"))
            case 0x0B: buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "v"))
            case 0x0C: buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "f"))
            case 0:
                throw PostgresError(
                    code: .invalidArgument,
                    message: "a COPY value contains a NUL byte (\\0), which PostgreSQL text cannot store; strip it or use bytes")
            default: buffer.append(byte)
            }
        }
    }
}
