import CLibPQ

/// Streams rows into a running `COPY … FROM STDIN`, sending them in ~64 KiB chunks so the
/// whole data set is never held in memory.
public struct PostgresCopyWriter {
    /// Bytes buffered before they are sent to the server.
    public static let chunkSize = 64 * 1024

    private let connection: LibPQConnection
    private let statement: String
    private var buffer: [UInt8] = []
    /// Rows appended so far.
    public private(set) var rowsWritten = 0

    init(connection: LibPQConnection, statement: String) {
        self.connection = connection
        self.statement = statement
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends one row; `.null` (or a `nil` literal) becomes `\N`.
    public mutating func appendRow(_ values: [PostgresValue]) throws(PostgresError) {
        try PostgresCopyText.encodeRow(values, into: &buffer)
        rowsWritten += 1
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Appends rows already in COPY text format (each ending with a newline).
    public mutating func appendEncoded(_ text: String, rows: Int = 1) throws(PostgresError) {
        buffer.append(contentsOf: text.utf8)
        rowsWritten += rows
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Appends bytes already in COPY text format; `rows` is how many rows they end (0 for a
    /// fragment: COPY data may be cut anywhere between messages).
    public mutating func appendEncoded(_ bytes: some Collection<UInt8>, rows: Int) throws(PostgresError) {
        buffer.append(contentsOf: bytes)
        rowsWritten += rows
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Counts rows whose bytes were appended as fragments.
    mutating func countRows(_ rows: Int) { rowsWritten += rows }

    /// Sends everything buffered so far.
    public mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection.conn, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw connection.error(nil, statement: statement, code: .copyFailed)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension LibPQConnection {
    /// Sends a COPY … FROM STDIN statement and checks the server is now waiting for data.
    func beginCopyIn(_ sql: String) throws(PostgresError) {
        guard let result = PQexec(conn, sql) else { throw error(nil, statement: sql, code: .copyFailed) }
        let status = PQresultStatus(result)
        if status == PGRES_COPY_IN {
            PQclear(result)
            return
        }
        if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR {
            let failure = error(result, statement: sql, code: .copyFailed)
            PQclear(result)
            throw failure
        }
        PQclear(result)
        if status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { finishCopy(errorMessage: "not a COPY FROM STDIN") }
        throw PostgresError(code: .invalidArgument, message: "the statement is not a COPY … FROM STDIN", statement: sql)
    }

    /// Ends the data stream and returns the row count the server reports.
    func endCopyIn(_ sql: String) throws(PostgresError) -> Int {
        guard PQputCopyEnd(conn, nil) == 1 else { throw error(nil, statement: sql, code: .copyFailed) }
        var failure: PostgresError?
        var rows = 0
        while let result = PQgetResult(conn) {
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK {
                rows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
            } else if failure == nil {
                failure = error(result, statement: sql, code: .copyFailed)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if !isOK { throw error(nil, statement: sql, code: .copyFailed) }
        return rows
    }

    /// Aborts (or drains) a COPY so the connection is usable again.
    func finishCopy(errorMessage: String) {
        _ = PQputCopyEnd(conn, errorMessage)
        var data: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(conn, &data, 0) > 0 {
            PQfreemem(data)
            data = nil
        }
        while let result = PQgetResult(conn) { PQclear(result) }
    }
}

extension PostgresConnection {
    /// Runs `COPY … FROM STDIN` and lets `write` append rows, streamed in chunks; returns the
    /// rows copied. If `write` throws, the COPY is aborted (nothing lands) and its error rethrown.
    @discardableResult
    public func copyIn(_ sql: String, _ write: (inout PostgresCopyWriter) throws -> Void) throws -> Int {
        let connection = try usableConnection()
        try connection.beginCopyIn(sql)
        var writer = PostgresCopyWriter(connection: connection, statement: sql)
        do {
            try write(&writer)
            try writer.flush()
        } catch {
            connection.finishCopy(errorMessage: "the client aborted the COPY: \(error)")
            throw error
        }
        return try connection.endCopyIn(sql)
    }

    /// Runs `COPY … FROM STDIN` fed by an async sequence of rows; while it runs, other tasks
    /// get `.connectionBusy` from this connection. Returns the rows copied.
    @discardableResult
    public func copyIn<Rows: AsyncSequence & Sendable>(
        _ sql: String, rows: Rows
    ) async throws -> Int where Rows.Element == [PostgresValue] {
        try await copyIn(sql, producing: { writer in
            for try await row in rows { try writer.appendRow(row) }
        })
    }

    /// `copyIn(_:_:)` for a writer that awaits between rows (a producer reading elsewhere); it runs
    /// on this connection's executor, and while it runs other tasks get `.connectionBusy` from this
    /// connection. If `write` throws, the COPY is aborted (nothing lands) and its error rethrown.
    @discardableResult
    public func copyIn(
        _ sql: String, producing write: nonisolated(nonsending) (inout PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        let connection = try usableConnection()
        try connection.beginCopyIn(sql)
        let previous = currentExclusiveUse
        let token = beginExclusiveUse("a COPY")
        defer { endExclusiveUse(token, restoring: previous) }
        var writer = PostgresCopyWriter(connection: connection, statement: sql)
        do {
            try await write(&writer)
            try writer.flush()
        } catch {
            connection.finishCopy(errorMessage: "the client aborted the COPY: \(error)")
            throw error
        }
        return try connection.endCopyIn(sql)
    }
}
