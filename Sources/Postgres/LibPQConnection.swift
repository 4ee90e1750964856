import CLibPQ
import Foundation

/// Owns one PGconn and closes it in `deinit`. Not Sendable: only the owning
/// `PostgresConnection` actor touches it, on that actor's dedicated thread.
final class LibPQConnection {
    let conn: OpaquePointer
    /// Statements prepared on this connection: name → SQL.
    private var preparedStatements: [String: String] = [:]

    private init(conn: OpaquePointer) { self.conn = conn }

    deinit { PQfinish(conn) }

    /// Opens a connection from a `postgresql://` URI or a `key=value` string (blocking).
    static func open(_ conninfo: String) throws(PostgresError) -> LibPQConnection {
        guard let raw = connect(conninfo, defaults: defaultOptions(for: conninfo)) else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection (out of memory)")
        }
        let connection = LibPQConnection(conn: raw)
        guard PQstatus(raw) == CONNECTION_OK else {
            throw PostgresError(
                code: .connectionFailed,
                message: "could not connect to \(redacted(conninfo)): \(connection.lastErrorMessage)")
        }
        if PQsetClientEncoding(raw, "UTF8") != 0 {
            throw PostgresError(code: .connectionFailed, message: "could not set client_encoding to UTF8: \(connection.lastErrorMessage)")
        }
        return connection
    }

    var isOK: Bool { PQstatus(conn) == CONNECTION_OK }

    /// Options the product sets when neither the connection string nor the environment does.
    ///
    /// GSS encryption is off by default, as with asyncpg (the original's driver, which has none):
    /// libpq's default `prefer` probes krb5 on every TCP connect, and krb5 aborts the process when
    /// that probe runs on one thread while another is exiting. `gssencmode=prefer` in the URI or
    /// `PGGSSENCMODE` brings it back.
    static func defaultOptions(for conninfo: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [(keyword: String, value: String)]
    {
        if environment["PGGSSENCMODE"] != nil || explicitOptions(in: conninfo).contains("gssencmode") { return [] }
        return [("gssencmode", "disable")]
    }

    /// Keywords the connection string sets itself (empty when libpq cannot parse it; connecting then reports why).
    static func explicitOptions(in conninfo: String) -> Set<String> {
        Set(explicitOptionValues(in: conninfo).keys)
    }

    /// The options the connection string sets, by keyword, as libpq parses it.
    static func explicitOptionValues(in conninfo: String) -> [String: String] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return [:]
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }

    /// `PQconnectdbParams` with `defaults` first and the connection string expanded after them, so it wins.
    private static func connect(_ conninfo: String, defaults: [(keyword: String, value: String)]) -> OpaquePointer? {
        let pairs = defaults + [("dbname", conninfo)]
        // One buffer of NUL-terminated strings, so every pointer handed to libpq stays inside one closure.
        var arena: [CChar] = []
        var offsets: [(keyword: Int, value: Int)] = []
        for (keyword, value) in pairs {
            let keywordOffset = arena.count
            arena.append(contentsOf: keyword.utf8CString)
            offsets.append((keywordOffset, arena.count))
            arena.append(contentsOf: value.utf8CString)
        }
        return arena.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress else { return nil }
            let keywords: [UnsafePointer<CChar>?] = offsets.map { base + $0.keyword } + [nil]
            let values: [UnsafePointer<CChar>?] = offsets.map { base + $0.value } + [nil]
            return PQconnectdbParams(keywords, values, 1)
        }
    }

    /// The value libpq uses for one connection option (e.g. `gssencmode`).
    func option(named name: String) -> String? {
        guard let options = PQconninfo(conn) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == name { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    var lastErrorMessage: String {
        let text = PQerrorMessage(conn).map { String(cString: $0) } ?? ""
        let trimmed = text.trimmingTrailingWhitespace()
        return trimmed.isEmpty ? "unknown libpq error" : trimmed
    }

    /// Runs SQL without parameters (several statements allowed) and returns the last result.
    func exec(_ sql: String) throws(PostgresError) -> PostgresRows {
        let result = PQexec(conn, sql)
        return try check(result, statement: sql)
    }

    /// Runs one statement with `$n` parameters bound out of line (text format; bytea binary).
    func exec(_ sql: String, _ params: [PostgresValue]) throws(PostgresError) -> PostgresRows {
        let result = try withBoundParameters(params) { types, values, lengths, formats in
            PQexecParams(conn, sql, Int32(params.count), types, values, lengths, formats, 0)
        }
        return try check(result, statement: sql)
    }

    /// Runs `sql` as the server-side prepared statement `name`, preparing it on first use, so the
    /// server parses and plans it once per connection.
    func exec(prepared name: String, _ sql: String, _ params: [PostgresValue]) throws(PostgresError) -> PostgresRows {
        if let known = preparedStatements[name] {
            guard known == sql else {
                throw PostgresError(code: .invalidArgument, message: "prepared statement '\(name)' already stands for other SQL on this connection", statement: sql)
            }
        } else {
            let types = params.map(\.parameterType.rawValue)
            _ = try check(PQprepare(conn, name, sql, Int32(params.count), types), statement: sql)
            preparedStatements[name] = sql
        }
        let result = try withBoundParameters(params) { _, values, lengths, formats in
            PQexecPrepared(conn, name, Int32(params.count), values, lengths, formats, 0)
        }
        return try check(result, statement: sql)
    }

    /// Calls `body` with libpq's parallel parameter arrays; every pointer lives only inside the call.
    private func withBoundParameters(
        _ params: [PostgresValue],
        _ body: ([UInt32], [UnsafePointer<CChar>?], [Int32], [Int32]) -> OpaquePointer?
    ) throws(PostgresError) -> OpaquePointer? {
        var types: [UInt32] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        var arena: [UInt8] = []
        types.reserveCapacity(params.count)
        for param in params {
            types.append(param.parameterType.rawValue)
            if case let .bytes(bytes) = param {
                offsets.append(arena.count)
                arena.append(contentsOf: bytes)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            } else if let text = try param.textForm() {
                offsets.append(arena.count)
                arena.append(contentsOf: text.utf8)
                arena.append(0)
                lengths.append(0)
                formats.append(0)
            } else {
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
            }
        }
        arena.append(0)  // keeps the base address valid when every parameter is NULL or empty
        return arena.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            let base = UnsafeRawPointer(buffer.baseAddress)
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.flatMap { base?.advanced(by: $0).assumingMemoryBound(to: CChar.self) }
            }
            return body(types, values, lengths, formats)
        }
    }

    /// Turns a PGresult into rows, or into an error (freeing it either way).
    func check(_ result: OpaquePointer?, statement: String) throws(PostgresError) -> PostgresRows {
        guard let result else { throw error(nil, statement: statement) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(storage: PostgresResultStorage(taking: result))
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            abandonCopy()
            throw PostgresError(
                code: .invalidArgument,
                message: "COPY statements cannot run through execute/query; use copyIn(_:) for COPY … FROM STDIN",
                statement: statement)
        default:
            let failure = error(result, statement: statement)
            PQclear(result)
            throw failure
        }
    }

    /// The error a failed result (or a missing one) stands for; `.connectionLost` when the
    /// connection is now unusable.
    func error(_ result: OpaquePointer?, statement: String?, code: PostgresError.Code = .server) -> PostgresError {
        func field(_ letter: Unicode.Scalar) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(UInt8(ascii: letter))) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        var message = field("M") ?? (result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? "")
        message = message.trimmingTrailingWhitespace()
        if message.isEmpty { message = lastErrorMessage }
        var code = code
        if !isOK || PostgresError.isConnectionLoss(sqlState: sqlState) {
            code = .connectionLost
            let libpqMessage = lastErrorMessage
            if !message.contains(libpqMessage), libpqMessage != "unknown libpq error" { message += " (\(libpqMessage))" }
        }
        return PostgresError(
            code: code, message: message, sqlState: sqlState, detail: field("D"), hint: field("H"),
            constraint: field("n"), statement: statement)
    }

    /// Leaves an unexpected COPY state so the connection stays usable.
    private func abandonCopy() {
        _ = PQputCopyEnd(conn, "COPY is not supported through this call")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(conn, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let result = PQgetResult(conn) { PQclear(result) }
    }

    // Keeps passwords out of error messages and logs.
    private static func redacted(_ conninfo: String) -> String {
        if let schemeEnd = conninfo.range(of: "://"), let at = conninfo[schemeEnd.upperBound...].firstIndex(of: "@") {
            let userInfo = conninfo[schemeEnd.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                return String(conninfo[..<colon]) + ":***" + String(conninfo[at...])
            }
            return conninfo
        }
        guard conninfo.contains("password") else { return conninfo }
        return conninfo.split(separator: " ").map { $0.hasPrefix("password") ? "password=***" : String($0) }.joined(separator: " ")
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
