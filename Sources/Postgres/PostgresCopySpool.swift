#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// COPY rows held in an anonymous temporary file until their own COPY can run: a connection runs
/// one COPY at a time, so rows for a second table produced while the first is streaming wait here,
/// in the page cache rather than the process's memory. The file vanishes when the spool is released.
public final class PostgresCopySpool {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    /// Rows appended so far.
    public private(set) var rows = 0

    /// Opens the temporary file (`tmpfile(3)`, in `TMPDIR` or /tmp).
    public init() throws(PostgresError) {
        guard let file = tmpfile() else {
            throw PostgresError(code: .copyFailed, message: "cannot create a temporary file to spool COPY rows (errno \(errno)); check TMPDIR has room")
        }
        self.file = file
        buffer.reserveCapacity(PostgresCopyWriter.chunkSize + 4096)
    }

    deinit { fclose(file) }

    /// Appends one row in COPY text format.
    public func appendRow(_ values: [PostgresValue]) throws(PostgresError) {
        try PostgresCopyText.encodeRow(values, into: &buffer)
        rows += 1
        if buffer.count >= PostgresCopyWriter.chunkSize { try spill() }
    }

    /// Sends every spooled row to `writer`, in the order appended.
    public func replay(into writer: inout PostgresCopyWriter) throws(PostgresError) {
        try spill()
        guard fflush(file) == 0, fseek(file, 0, SEEK_SET) == 0 else { throw failure("rewind") }
        var chunk = [UInt8](repeating: 0, count: PostgresCopyWriter.chunkSize)
        while true {
            let read = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if read > 0 { try writer.appendEncoded(chunk[..<read], rows: 0) }
            if read < chunk.count {
                guard ferror(file) == 0 else { throw failure("read") }
                break
            }
        }
        writer.countRows(rows)
    }

    private func spill() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == buffer.count else { throw failure("write") }
        buffer.removeAll(keepingCapacity: true)
    }

    private func failure(_ operation: String) -> PostgresError {
        PostgresError(code: .copyFailed, message: "cannot \(operation) the temporary file spooling COPY rows (errno \(errno)); check TMPDIR has room")
    }
}
