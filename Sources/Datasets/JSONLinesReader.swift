#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JSON

/// Streams a JSON Lines file: one object per line, blank lines skipped, read in 1 MiB chunks.
public struct JSONLinesReader: RowReader {
    private let file: ChunkedFile
    /// Name used in errors (the path as the user gave it).
    public let displayName: String
    /// 1-based number of the line last returned.
    public private(set) var lineNumber = 0

    public init(path: String, displayName: String? = nil, chunkSize: Int = 1 << 20) throws(DatasetError) {
        self.file = try ChunkedFile(path: path, chunkSize: chunkSize)
        self.displayName = displayName ?? path
    }

    public mutating func next() throws(DatasetError) -> JSONObject? {
        guard let line = try nextContentLine() else { return nil }
        return try object(fromLine: line)
    }

    /// The next non-blank line, trimmed, valid until the next call; `lineNumber` is its number.
    mutating func nextContentLine() throws(DatasetError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            guard let line = try nextLine() else { return nil }
            var count = line.count
            while count > 0, Self.isSpace(line[count - 1]) { count -= 1 }
            var first = 0
            while first < count, Self.isSpace(line[first]) { first += 1 }
            if first < count { return UnsafeBufferPointer(rebasing: line[first..<count]) }
        }
    }

    /// The next line's bytes (without the newline), or nil at end of file.
    private mutating func nextLine() throws(DatasetError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if file.dropByteOrderMark() { continue }
            let pending = file.pending
            if let base = pending.baseAddress, !pending.isEmpty,
               let newline = memchr(base, 0x0A, pending.count)
            {
                let length = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
                file.consume(length + 1)
                lineNumber += 1
                return UnsafeBufferPointer(start: base, count: length)
            }
            if try file.fill() { continue }
            // End of file: the last line may lack its newline.
            guard !pending.isEmpty else { return nil }
            file.consume(pending.count)
            lineNumber += 1
            return pending
        }
    }

    /// Parses a line from `nextContentLine()` (errors name this file and the current line).
    func object(fromLine trimmed: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONValue.parse(trimmed)
        } catch {
            throw DatasetError(.malformedRow(file: displayName, line: lineNumber, reason: error.description))
        }
        guard case let .object(object) = value else {
            throw DatasetError(.malformedRow(file: displayName, line: lineNumber, reason: "expected a JSON object, found \(value.typeName)"))
        }
        return object
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
