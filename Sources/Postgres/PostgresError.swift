/// An error from the Postgres module: what failed, the server's SQLSTATE and text when it
/// came from the server, and the statement that was running.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible without breaking callers that switch on it.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Could not open a connection (bad URI, server down, authentication refused).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection broke (server restart, backend terminated, network loss); reconnect.
        public static let connectionLost = Code("connectionLost")
        /// The connection was closed by `close()` and cannot run statements.
        public static let connectionClosed = Code("connectionClosed")
        /// The server rejected a statement; see `sqlState`.
        public static let server = Code("server")
        /// A column value could not be decoded into the requested Swift type.
        public static let decoding = Code("decoding")
        /// A `COPY … FROM STDIN` could not be started, streamed or finished.
        public static let copyFailed = Code("copyFailed")
        /// A value cannot be sent to the server (e.g. a string containing a NUL byte).
        public static let invalidArgument = Code("invalidArgument")
        /// Another task is in the middle of a transaction or COPY on this connection.
        public static let connectionBusy = Code("connectionBusy")
        /// The connection pool was closed.
        public static let poolClosed = Code("poolClosed")
        /// The waiting task was cancelled.
        public static let cancelled = Code("cancelled")

        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The primary message (the server's, when it came from the server).
    public var message: String
    /// The five-character SQLSTATE of a server error, e.g. "23505".
    public var sqlState: String?
    /// The server's DETAIL line.
    public var detail: String?
    /// The server's HINT line.
    public var hint: String?
    /// The name of the constraint a server error is about, if any.
    public var constraint: String?
    /// The SQL text that was running.
    public var statement: String?
    /// The column a decoding error is about.
    public var column: String?

    /// Creates an error; normally only the module itself does this.
    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, statement: String? = nil, column: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.statement = statement
        self.column = column
    }

    /// True for SQLSTATE 23505 (a UNIQUE or PRIMARY KEY constraint was violated).
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// True for SQLSTATE 23503 (a FOREIGN KEY constraint was violated).
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// True for SQLSTATE 40001 / 40P01: the transaction may succeed when retried.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// True when the connection is unusable and the caller should reconnect.
    public var isConnectionLost: Bool { code == .connectionLost || code == .connectionClosed }

    /// True when the same work may succeed if tried again shortly: the connection could not be
    /// opened or broke, the pool or the wait for it went away, or the server asked for a retry
    /// (serialization failure, deadlock, shutdown or start-up, too many connections). The one
    /// transient-error policy for PostgreSQL; callers decide retryability from it, not from codes.
    public var isTransient: Bool {
        if Self.transientCodes.contains(code) { return true }
        guard let sqlState else { return false }
        return Self.isConnectionLoss(sqlState: sqlState) || Self.transientSQLStates.contains(sqlState)
    }

    /// Class 08 (connection exceptions) and 57P01-57P03 (admin shutdown, crash shutdown, cannot
    /// connect now): the server ended or refused the session, so the connection is unusable.
    static func isConnectionLoss(sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    private static let transientCodes: Set<Code> = [.connectionFailed, .connectionLost, .connectionClosed, .poolClosed, .cancelled]
    // 40001 serialization_failure, 40P01 deadlock_detected, 53300 too_many_connections.
    private static let transientSQLStates: Set<String> = ["40001", "40P01", "53300"]

    public var description: String {
        var text = "PostgreSQL \(code)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let column { text += " (column \(column))" }
        text += ": \(message)"
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let constraint { text += "\nCONSTRAINT: \(constraint)" }
        if let statement { text += "\nSTATEMENT: \(Self.abbreviated(statement))" }
        if code == .connectionLost { text += "\n(the connection is unusable; open a new one)" }
        return text
    }

    // A multi-megabyte migration script would drown the message itself.
    private static func abbreviated(_ sql: String) -> String {
        sql.count <= 1000 ? sql : String(sql.prefix(1000)) + "… (\(sql.count) characters)"
    }
}
