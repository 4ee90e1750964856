import Foundation
import CLibPQ
import JSON

/// One PostgreSQL connection. Every libpq call runs on the connection's own thread (its
/// actor executor), never on Swift's cooperative pool, and one call at a time.
public actor PostgresConnection {
    private let executor: ConnectionThreadExecutor
    private var connection: LibPQConnection?
    /// A transaction or COPY that owns the connection until it ends; other tasks get `.connectionBusy`.
    private var exclusiveUse: (token: UInt64, what: String)?
    private var lastToken: UInt64 = 0
    private var savepointDepth = 0
    /// Channels this connection LISTENs on, so a pool can clear them before reuse.
    public private(set) var listenedChannels: Set<String> = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init() {
        executor = ConnectionThreadExecutor(name: "pg-connection")  // Linux thread names hold 15 bytes
    }

    deinit { executor.shutDown() }


    /// Connects with a `postgresql://user:pass@host:port/db?…` URI or a `host=… dbname=…` keyword string.
    public static func connect(uri: String) async throws(PostgresError) -> PostgresConnection {
        let connection = PostgresConnection()
        try await connection.open(uri)
        return connection
    }

    private func open(_ uri: String) throws(PostgresError) {
        let opened = try LibPQConnection.open(uri)
        connection = opened
        // Date decoding reads ISO output; a server default of e.g. "SQL, DMY" would break it.
        _ = try opened.exec("SET DateStyle TO ISO, YMD")
    }

    /// Closes the connection; later calls fail with `.connectionClosed`.
    public func close() {
        connection = nil
        exclusiveUse = nil
        listenedChannels = []
    }

    /// False after `close()` or once the connection broke; reads pending input without blocking,
    /// so a backend terminated while idle is noticed here.
    public var isConnected: Bool {
        guard let connection, connection.isOK else { return false }
        var rounds = 0
        while rounds < 4, connection.isOK, Socket.isReadable(PQsocket(connection.conn), timeoutMilliseconds: 0) {
            if PQconsumeInput(connection.conn) == 0 { break }
            rounds += 1
        }
        return connection.isOK
    }

    /// The value libpq uses for one connection option of this connection (tests, diagnostics).
    func connectionOption(_ name: String) -> String? {
        connection?.option(named: name)
    }

    /// The server process id of this connection (for `pg_terminate_backend`, logs).
    public var backendPID: Int32 {
        connection.map { PQbackendPID($0.conn) } ?? 0
    }

    /// True while a transaction is open (or aborted and not yet rolled back) on this connection.
    public var isInTransaction: Bool {
        guard let connection else { return false }
        let status = PQtransactionStatus(connection.conn)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Runs one statement with `$1…` parameters; returns the affected row count.
    @discardableResult
    public func execute(_ sql: String, _ params: [PostgresValue] = []) throws(PostgresError) -> Int {
        try usableConnection().exec(sql, params).affectedRows
    }

    /// Runs one statement with `$1…` parameters and returns its rows.
    public func query(_ sql: String, _ params: [PostgresValue] = []) throws(PostgresError) -> PostgresRows {
        try usableConnection().exec(sql, params)
    }

    /// Runs one statement prepared on this connection as `name` on first use (parsed and planned
    /// once, for statements run many times); a name stands for one SQL text per connection.
    public func query(prepared name: String, _ sql: String, _ params: [PostgresValue] = []) throws(PostgresError) -> PostgresRows {
        try usableConnection().exec(prepared: name, sql, params)
    }

    /// Runs a script of several `;`-separated statements without parameters (e.g. a migration),
    /// as one implicit transaction unless it has its own BEGIN/COMMIT.
    public func executeScript(_ sql: String) throws(PostgresError) {
        _ = try usableConnection().exec(sql)
    }

    /// Makes a returned pooled connection clean for the next user; false when it should be discarded.
    func resetForReuse() -> Bool {
        guard exclusiveUse == nil, isConnected, let connection else { return false }
        if isInTransaction {
            guard (try? connection.exec("ROLLBACK")) != nil else { return false }
        }
        if !listenedChannels.isEmpty {
            guard (try? connection.exec("UNLISTEN *")) != nil else { return false }
            listenedChannels = []
        }
        while let notify = PQnotifies(connection.conn) { PQfreemem(notify) }
        return connection.isOK
    }

    // MARK: - Exclusive use (transactions, COPY)

    func usableConnection() throws(PostgresError) -> LibPQConnection {
        if let exclusiveUse, PostgresLease.tokens[ObjectIdentifier(self)] != exclusiveUse.token {
            throw PostgresError(
                code: .connectionBusy,
                message: "the connection is in the middle of \(exclusiveUse.what) started by another task; "
                    + "give each task its own connection (e.g. from PostgresConnectionPool)")
        }
        guard let connection else {
            throw PostgresError(code: .connectionClosed, message: "the connection was closed; open a new one")
        }
        return connection
    }

    func beginExclusiveUse(_ what: String) -> UInt64 {
        lastToken += 1
        exclusiveUse = (lastToken, what)
        return lastToken
    }

    func endExclusiveUse(_ token: UInt64, restoring previous: (token: UInt64, what: String)?) {
        if exclusiveUse?.token == token { exclusiveUse = previous }
    }

    var currentExclusiveUse: (token: UInt64, what: String)? { exclusiveUse }

    func noteListening(_ channel: String?, _ listening: Bool) {
        guard let channel else {
            listenedChannels = []
            return
        }
        if listening { listenedChannels.insert(channel) } else { listenedChannels.remove(channel) }
    }

    // MARK: - Transactions

    /// Runs `body` inside BEGIN … COMMIT; on a thrown error rolls back and rethrows that error.
    /// Nested calls use a SAVEPOINT. While the body runs, other tasks cannot use this connection.
    public func transaction<T: Sendable>(
        isolation level: PostgresIsolationLevel? = nil,
        _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try usableConnection()
        if isInTransaction {
            return try await savepoint(connection, body)
        }
        var begin = "BEGIN"
        if let level { begin += " ISOLATION LEVEL \(level.rawValue)" }
        _ = try connection.exec(begin)
        let token = beginExclusiveUse("a transaction")
        savepointDepth = 1
        defer {
            savepointDepth = 0
            endExclusiveUse(token, restoring: nil)
        }
        let value: T
        do {
            value = try await PostgresLease.$tokens.withValue(PostgresLease.tokens.merging([ObjectIdentifier(self): token]) { $1 }) {
                try await body(self)
            }
        } catch {
            rollBackQuietly(connection, "ROLLBACK")
            throw error
        }
        if PQtransactionStatus(connection.conn) == PQTRANS_INERROR {
            rollBackQuietly(connection, "ROLLBACK")
            throw PostgresError(
                code: .server,
                message: "the transaction was aborted by an earlier failed statement (caught inside the body) and was rolled back",
                sqlState: "25P02", statement: "COMMIT")
        }
        _ = try connection.exec("COMMIT")
        return value
    }

    private func savepoint<T: Sendable>(
        _ connection: LibPQConnection, _ body: @Sendable (isolated PostgresConnection) async throws -> T
    ) async throws -> T {
        savepointDepth += 1
        let name = "testbench_savepoint_\(savepointDepth)"
        defer { savepointDepth -= 1 }
        _ = try connection.exec("SAVEPOINT \(name)")
        let value: T
        do {
            value = try await body(self)
        } catch {
            rollBackQuietly(connection, "ROLLBACK TO SAVEPOINT \(name)")
            throw error
        }
        _ = try connection.exec("RELEASE SAVEPOINT \(name)")
        return value
    }

    // The caller's error matters more than a failed ROLLBACK; a broken connection cannot roll back anyway.
    private func rollBackQuietly(_ connection: LibPQConnection, _ sql: String) {
        guard connection.isOK else { return }
        _ = try? connection.exec(sql)
    }
}

/// The isolation level of a transaction.
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// Which connections the current task owns exclusively (inside their `transaction` bodies).
enum PostgresLease {
    @TaskLocal static var tokens: [ObjectIdentifier: UInt64] = [:]
}
