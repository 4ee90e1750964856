#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JSON

// The loader's fast path for JSON Lines: inference and COPY encoding straight from the scanned
// bytes of a line (`RawJSONLine`), without building `JSONValue`s. Each function returns false when
// the line needs the general path (escaped or repeated keys, keys not in the schema, \u escapes or
// non-finite numbers inside nested values); the caller then parses the line with `JSONValue.parse`.

/// Whether `name` equals the `length` bytes at `pointer` (lengths already known equal).
@inline(__always)
func bytesEqual(_ name: [UInt8], _ pointer: UnsafePointer<UInt8>, _ length: Int) -> Bool {
    name.withUnsafeBufferPointer { buffer in
        guard let start = buffer.baseAddress else { return length == 0 }
        return memcmp(start, pointer, length) == 0
    }
}

extension SchemaInference {
    /// Adds a scanned row; false (and nothing changed) when the row needs `add(_:)` instead.
    mutating func add(raw line: RawJSONLine, bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Bool {
        let fields = line.fields
        guard let base = bytes.baseAddress else { return fields.isEmpty }
        var columns = rawColumnScratch
        columns.removeAll(keepingCapacity: true)
        var newNames: [String] = []
        for (position, field) in fields.enumerated() {
            if field.keyEscaped { return false }
            let length = field.keyEnd - field.keyStart
            if position < nameBytes.count, nameBytes[position].count == length,
               bytesEqual(nameBytes[position], base + field.keyStart, length)
            {
                columns.append(position)
                continue
            }
            let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.keyStart..<field.keyEnd]), as: UTF8.self)
            if let known = columnIndex(of: key) {
                columns.append(known)
            } else if let pending = newNames.firstIndex(of: key) {
                columns.append(names.count + pending)
            } else {
                try DatasetSchema.validate(columnName: key)
                columns.append(names.count + newNames.count)
                newNames.append(key)
            }
        }
        // A repeated key keeps its last value in JSONValue.parse; leave that to the general path.
        if columns.count > 1 {
            for i in 1..<columns.count where columns[..<i].contains(columns[i]) { return false }
        }
        for name in newNames { appendColumn(name) }
        countRow()
        for (field, column) in zip(fields, columns) where field.kind != .null {
            let kind = InferredKind(raw: field)
            if kinds[column] != kind { setKind(kinds[column].joined(with: kind), at: column) }
        }
        rawColumnScratch = columns
        return true
    }
}

extension CopyRowEncoder {
    /// Appends a scanned row; false (nothing appended) when the row needs `append(id:split:row:...)`.
    func append(id: Int, split: String, raw line: RawJSONLine, bytes: UnsafeBufferPointer<UInt8>, rowNumber: Int,
                slots: inout [Int], to out: inout [UInt8]) throws(DatasetError) -> Bool
    {
        let fields = line.fields
        guard let base = bytes.baseAddress else { return false }
        slots.removeAll(keepingCapacity: true)
        slots.append(contentsOf: repeatElement(-1, count: nameBytes.count))
        for (position, field) in fields.enumerated() {
            if field.keyEscaped { return false }
            let length = field.keyEnd - field.keyStart
            let column: Int
            if position < nameBytes.count, nameBytes[position].count == length,
               bytesEqual(nameBytes[position], base + field.keyStart, length)
            {
                column = position
            } else {
                let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.keyStart..<field.keyEnd]), as: UTF8.self)
                guard let known = columnIndex(of: key) else { return false }
                column = known
            }
            if slots[column] >= 0 { return false }
            slots[column] = position
            if types[column] == .json, field.hasEscapes || field.hasNonFinite { return false }
        }
        let mark = out.count
        do {
            appendInt(id, to: &out)
            out.append(0x09)
            Self.appendEscaped(split, to: &out)
            for column in 0..<slots.count {
                out.append(0x09)
                let slot = slots[column]
                if slot < 0 { out.append(contentsOf: [0x5C, 0x4E]); continue }
                try appendRaw(fields[slot], bytes: bytes, column: column, split: split, rowNumber: rowNumber, to: &out)
            }
            out.append(0x0A)
        } catch {
            out.removeSubrange(mark...)
            throw error
        }
        return true
    }

    private func appendRaw(_ field: RawField, bytes: UnsafeBufferPointer<UInt8>, column: Int, split: String, rowNumber: Int,
                           to out: inout [UInt8]) throws(DatasetError)
    {
        let type = types[column]
        func mismatch(_ what: String? = nil) -> DatasetError {
            DatasetError(.invalidValue(split: split, row: rowNumber, column: names[column],
                                       reason: what ?? "a \(field.kind) value in a \(type.sql) column (did the file change between passes?)"))
        }
        let value = UnsafeBufferPointer(rebasing: bytes[field.valueStart..<field.valueEnd])
        if field.kind == .null { out.append(contentsOf: [0x5C, 0x4E]); return }
        switch type {
        case .bigint:
            guard field.kind == .int else { throw mismatch() }
            out.append(contentsOf: value)
        case .double:
            guard field.kind == .int || field.kind == .double else { throw mismatch() }
            out.append(contentsOf: value) // JSON number syntax, NaN and ±Infinity are float8 input as they are
        case .boolean:
            guard field.kind == .bool else { throw mismatch() }
            out.append(value[0] == UInt8(ascii: "t") ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .text:
            guard field.kind == .string else { throw mismatch() }
            guard Self.appendUnescaped(UnsafeBufferPointer(rebasing: value.dropFirst().dropLast()), quoted: false, to: &out) else {
                throw mismatch("text holds a NUL character, which PostgreSQL cannot store")
            }
        case .json:
            // Valid JSON text without \u escapes or non-finite numbers: stored as written (json keeps it verbatim).
            for byte in value { Self.appendEscapedByte(byte, to: &out) }
        case let .array(element):
            guard field.kind == .array else { throw mismatch() }
            try appendRawArray(value, element: element, mismatch: mismatch, to: &out)
        }
    }

    private func appendRawArray(_ value: UnsafeBufferPointer<UInt8>, element: ScalarType, mismatch: (String?) -> DatasetError,
                                to out: inout [UInt8]) throws(DatasetError)
    {
        out.append(UInt8(ascii: "{"))
        var i = 1
        var first = true
        let end = value.count - 1
        while i < end {
            let byte = value[i]
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                i += 1
                continue
            case UInt8(ascii: ","):
                i += 1
                continue
            default: break
            }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            switch byte {
            case UInt8(ascii: "n"):
                out.append(contentsOf: [UInt8(ascii: "N"), UInt8(ascii: "U"), UInt8(ascii: "L"), UInt8(ascii: "L")])
                i += 4
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                guard element == .boolean else { throw mismatch(nil) }
                out.append(byte)
                i += byte == UInt8(ascii: "t") ? 4 : 5
            case UInt8(ascii: "\""):
                guard element == .text else { throw mismatch(nil) }
                let start = i + 1
                var j = start
                while value[j] != UInt8(ascii: "\"") { j += value[j] == 0x5C ? 2 : 1 }
                out.append(UInt8(ascii: "\""))
                guard Self.appendUnescaped(UnsafeBufferPointer(rebasing: value[start..<j]), quoted: true, to: &out) else {
                    throw mismatch("text holds a NUL character, which PostgreSQL cannot store")
                }
                out.append(UInt8(ascii: "\""))
                i = j + 1
            default:
                // A number (or NaN/±Infinity): copied as written.
                guard element == .bigint || element == .double else { throw mismatch(nil) }
                let start = i
                while i < end, value[i] != UInt8(ascii: ","), value[i] != 0x20, value[i] != 0x09, value[i] != 0x0A, value[i] != 0x0D { i += 1 }
                if element == .bigint {
                    for k in start..<i where value[k] == UInt8(ascii: ".") || value[k] | 0x20 == UInt8(ascii: "e") || value[k] == UInt8(ascii: "N") || value[k] == UInt8(ascii: "I") {
                        throw mismatch(nil)
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<i]))
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Decodes a JSON string body (escapes as `JSONValue.parse` reads them: surrogate pairs joined, lone
    /// surrogates → U+FFFD) and appends it COPY-escaped, with array-literal quoting when `quoted`.
    /// False when the text holds a NUL.
    static func appendUnescaped(_ body: UnsafeBufferPointer<UInt8>, quoted: Bool, to out: inout [UInt8]) -> Bool {
        @inline(__always) func put(_ byte: UInt8) {
            if quoted {
                if byte == UInt8(ascii: "\"") { out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "\"")]); return }
                if byte == 0x5C { out.append(contentsOf: [0x5C, 0x5C, 0x5C, 0x5C]); return }
            }
            appendEscapedByte(byte, to: &out)
        }
        var hasEscape = false
        for byte in body where byte == 0x5C || byte == 0x0A || byte == 0x0D || byte == 0x09 || (quoted && byte == UInt8(ascii: "\"")) {
            hasEscape = true
            break
        }
        if !hasEscape {
            out.append(contentsOf: body)
            return true
        }
        var i = 0
        while i < body.count {
            let byte = body[i]
            guard byte == 0x5C else {
                put(byte)
                i += 1
                continue
            }
            let escape = body[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): put(0x08)
            case UInt8(ascii: "f"): put(0x0C)
            case UInt8(ascii: "n"): put(0x0A)
            case UInt8(ascii: "r"): put(0x0D)
            case UInt8(ascii: "t"): put(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(body, i)
                i += 4
                if (0xD800..<0xDC00).contains(code), i + 6 <= body.count, body[i] == 0x5C, body[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(body, i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                if code == 0 { return false }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                if let encoded = UTF8.encode(scalar) { for unit in encoded { put(unit) } }
            default: put(escape) // \" \\ \/
            }
        }
        return true
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in at..<(at + 4) {
            let byte = bytes[k]
            let digit: UInt8 = byte <= UInt8(ascii: "9") ? byte &- UInt8(ascii: "0") : (byte | 0x20) &- UInt8(ascii: "a") &+ 10
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
