/// Streams RFC 4180 records (quoted fields may hold commas, `""` and newlines), LF or CRLF ended.
struct CSVRecordReader {
    private let file: ChunkedFile
    let displayName: String
    /// Physical line where the last returned record started (1-based).
    private(set) var recordLine = 0
    private var nextLine = 1

    init(path: String, displayName: String) throws(DatasetError) {
        self.file = try ChunkedFile(path: path)
        self.displayName = displayName
    }

    /// The next non-blank record's fields, or nil at the end.
    mutating func next() throws(DatasetError) -> [String]? {
        while true {
            if file.dropByteOrderMark() { continue }
            let pending = file.pending
            switch try parse(pending, final: file.atEOF) {
            case .needMore:
                if try file.fill() { continue }
                if file.pending.isEmpty { return nil }
                continue
            case .end:
                return nil
            case let .record(fields, consumed, newlines):
                file.consume(consumed)
                recordLine = nextLine
                nextLine += newlines
                if fields.count == 1, fields[0].isEmpty { continue }
                return fields
            }
        }
    }

    private enum Outcome {
        case needMore
        case end
        case record([String], consumed: Int, newlines: Int)
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) throws(DatasetError) -> Outcome {
        if bytes.isEmpty { return final ? .end : .needMore }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var fields: [String] = []
        var i = 0
        var newlines = 0
        while true {
            // One field starting at i.
            if i < bytes.count, bytes[i] == quote {
                var value: [UInt8] = []
                i += 1
                while true {
                    guard i < bytes.count else {
                        if final {
                            throw DatasetError(.malformedRow(file: displayName, line: nextLine, reason: "unterminated quoted field"))
                        }
                        return .needMore
                    }
                    let byte = bytes[i]
                    if byte == quote {
                        if i + 1 < bytes.count, bytes[i + 1] == quote {
                            value.append(quote)
                            i += 2
                            continue
                        }
                        if i + 1 == bytes.count, !final { return .needMore }
                        i += 1
                        break
                    }
                    if byte == lf { newlines += 1 }
                    value.append(byte)
                    i += 1
                }
                fields.append(String(decoding: value, as: UTF8.self))
                guard i < bytes.count else {
                    if !final { return .needMore }
                    return .record(fields, consumed: i, newlines: newlines + 1)
                }
                let after = bytes[i]
                if after == comma { i += 1; continue }
                if after == lf { return .record(fields, consumed: i + 1, newlines: newlines + 1) }
                if after == cr {
                    if i + 1 < bytes.count, bytes[i + 1] == lf { return .record(fields, consumed: i + 2, newlines: newlines + 1) }
                    if i + 1 == bytes.count, !final { return .needMore }
                    return .record(fields, consumed: i + 1, newlines: newlines + 1)
                }
                throw DatasetError(.malformedRow(file: displayName, line: nextLine + newlines, reason: "unexpected character after a closing quote"))
            }
            let start = i
            while i < bytes.count, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr { i += 1 }
            guard i < bytes.count || final else { return .needMore }
            fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
            guard i < bytes.count else { return .record(fields, consumed: i, newlines: newlines + 1) }
            let byte = bytes[i]
            if byte == comma { i += 1; continue }
            if byte == lf { return .record(fields, consumed: i + 1, newlines: newlines + 1) }
            if i + 1 < bytes.count, bytes[i + 1] == lf { return .record(fields, consumed: i + 2, newlines: newlines + 1) }
            if i + 1 == bytes.count, !final { return .needMore }
            return .record(fields, consumed: i + 1, newlines: newlines + 1)
        }
    }
}
