import CLibPQ

/// A NOTIFY received on a channel this connection listens on.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name, as given to NOTIFY / pg_notify.
    public let channel: String
    /// The payload ("" when none was sent).
    public let payload: String
    /// The server process id of the notifying session.
    public let backendPID: Int32
}

extension PostgresConnection {
    /// Starts listening on `channel` (quoted, so any name is safe and case is kept).
    public func listen(_ channel: String) throws(PostgresError) {
        _ = try usableConnection().exec("LISTEN \(Postgres.quoteIdentifier(channel))")
        noteListening(channel, true)
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws(PostgresError) {
        _ = try usableConnection().exec("UNLISTEN \(Postgres.quoteIdentifier(channel))")
        noteListening(channel, false)
    }

    /// Stops listening on every channel.
    public func unlistenAll() throws(PostgresError) {
        _ = try usableConnection().exec("UNLISTEN *")
        noteListening(nil, false)
    }

    /// Sends a notification with `pg_notify`, channel and payload bound as parameters.
    public func notify(_ channel: String, payload: String = "") throws(PostgresError) {
        _ = try usableConnection().exec("SELECT pg_notify($1, $2)", [.string(channel), .string(payload)])
    }

    /// Waits on this connection's own thread until a notification arrives (returned) or
    /// `timeout` passes (nil). Other calls on this connection wait meanwhile; give a
    /// listening loop its own connection. Throws `.cancelled` when the task is cancelled.
    public func waitForNotification(timeout: Duration) throws(PostgresError) -> PostgresNotification? {
        let connection = try usableConnection()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let notification = Self.nextNotification(connection) { return notification }
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            if Task.isCancelled {
                throw PostgresError(code: .cancelled, message: "waiting for a notification was cancelled")
            }
            // Short slices so cancellation is noticed without a wake-up pipe.
            let milliseconds = min(100, max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            switch Socket.waitReadable(PQsocket(connection.conn), timeoutMilliseconds: Int32(milliseconds)) {
            case .timedOut:
                continue
            case let .failed(reason):
                throw PostgresError(code: .connectionLost, message: "waiting on the connection's socket failed: \(reason)")
            case .readable:
                if PQconsumeInput(connection.conn) == 0 || !connection.isOK {
                    throw PostgresError(
                        code: .connectionLost,
                        message: "the connection broke while waiting for notifications: \(connection.lastErrorMessage)")
                }
            }
        }
    }

    private static func nextNotification(_ connection: LibPQConnection) -> PostgresNotification? {
        guard let notify = PQnotifies(connection.conn) else { return nil }
        defer { PQfreemem(notify) }
        return PostgresNotification(
            channel: notify.pointee.relname.map { String(cString: $0) } ?? "",
            payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
            backendPID: notify.pointee.be_pid)
    }
}
