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
        guard appendEscaped(text, to: &buffer) else {
            throw PostgresError(
                code: .invalidArgument,
                message: "a COPY value contains a NUL byte (\\0), which PostgreSQL text cannot store; strip it or use bytes")
        }
    }

    /// Appends `text` with COPY's escapes for backslash, tab, newline and carriage return (other
    /// bytes, 0x08, 0x0B and 0x0C included, COPY reads as they are); false when `text` holds a NUL
    /// byte, which PostgreSQL cannot store: it is appended as it is, and the caller must fail.
    public static func appendEscaped(_ text: String, to buffer: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // Runs between special bytes are copied whole: prompts are kilobytes with a few newlines.
            var clean = true
            var runStart = 0
            for position in 0..<bytes.count {
                let byte = bytes[position]
                guard byte <= 0x0D || byte == 0x5C else { continue }
                guard let escape = escapeLetter(byte) else {
                    if byte == 0 { clean = false }
                    continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                buffer.append(0x5C)
                buffer.append(escape)
                runStart = position + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            return clean
        }
    }

    /// Appends one byte of a COPY text value, escaped if it must be.
    @inlinable
    public static func appendEscaped(byte: UInt8, to buffer: inout [UInt8]) {
        if let escape = escapeLetter(byte) {
            buffer.append(0x5C)
            buffer.append(escape)
        } else {
            buffer.append(byte)
        }
    }

    /// What follows the backslash for a byte COPY text must escape; nil for any other byte.
    @inlinable
    static func escapeLetter(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x5C: 0x5C
        case 0x09: UInt8(ascii: "t")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        default: nil
        }
    }
}
