#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads with the operating system's own reason on failure.
enum FileBytes {
    /// Fails without reading a file larger than `maxBytes`.
    static func contents(ofFile path: String, maxBytes: Int = .max) throws(YAMLError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, "cannot open file") }
        defer { close(descriptor) }

        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure(path, "cannot stat file") }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw YAMLError(file: path, line: 0, column: 0, message: "cannot read file: it is a directory")
        }
        try YAMLLimits(maxBytes: maxBytes).checkSize(Int(info.st_size), file: path)

        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let got = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot read file")
            }
            filled += got
            // A file still growing (or a FIFO) is held to the limit as it is read.
            if filled > maxBytes { try YAMLLimits(maxBytes: maxBytes).checkSize(filled, file: path) }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    private static func failure(_ path: String, _ what: String) -> YAMLError {
        let reason = String(cString: strerror(errno))
        return YAMLError(file: path, line: 0, column: 0, message: "\(what): \(reason)")
    }
}
