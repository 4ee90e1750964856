#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read in large chunks into one growable buffer, handing out byte ranges without copying.
/// A class because it owns a file descriptor and a heap buffer.
final class ChunkedFile {
    let path: String
    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes `start..<end` of `buffer` are read but not yet consumed.
    private(set) var start = 0
    private(set) var end = 0
    private(set) var atEOF = false

    init(path: String, chunkSize: Int = 1 << 20) throws(DatasetError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DatasetError(.missingFile(path: path, reason: String(cString: strerror(errno))))
        }
        self.fd = fd
        self.capacity = max(chunkSize, 4096)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// The unconsumed bytes.
    var pending: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: buffer + start, count: end - start) }

    /// Marks `count` pending bytes as consumed.
    func consume(_ count: Int) { start += count }

    private var byteOrderMarkChecked = false

    /// Drops a leading UTF-8 byte order mark, deciding once enough bytes are read; true when it
    /// dropped one (the caller reads `pending` again).
    func dropByteOrderMark() -> Bool {
        guard !byteOrderMarkChecked, end - start >= 3 || atEOF else { return false }
        byteOrderMarkChecked = true
        let bytes = pending
        guard bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF else { return false }
        consume(3)
        return true
    }

    /// Reads more bytes after the pending ones (moving them to the front, growing the buffer when
    /// a single record is larger than it). Returns false at end of file.
    func fill() throws(DatasetError) -> Bool {
        if atEOF { return false }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            start = 0
            end = remaining
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError(.io(path: path, reason: String(cString: strerror(errno))))
            }
            if n == 0 { atEOF = true; return false }
            end += n
            return true
        }
    }

    /// The whole file's remaining bytes.
    func readAll() throws(DatasetError) -> [UInt8] {
        while try fill() {}
        return Array(pending)
    }
}
