/// A bounded pool of connections to one database: at most `maxConnections` are open, a
/// caller waits when all are leased, and broken connections are replaced.
public actor PostgresConnectionPool {
    private let uri: String
    /// The most connections open at once.
    public nonisolated let maxConnections: Int
    private var idle: [PostgresConnection] = []
    /// Open, being opened, or promised to a waiter; never above `maxConnections`.
    private var slotsInUse = 0
    private var leasedCount = 0
    private var isClosed = false
    private var nextWaiterID: UInt64 = 0
    /// A waiter is handed a live connection, or nil meaning "a slot is yours: open one".
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<PostgresConnection?, any Error>)] = []

    /// A pool for `uri` (a `postgresql://` URI or keyword string); connections open lazily.
    public init(uri: String, maxConnections: Int) {
        self.uri = uri
        self.maxConnections = max(1, maxConnections)
    }

    /// Counts for logs and tests.
    public struct Statistics: Sendable, Equatable {
        public let open: Int
        public let idle: Int
        public let leased: Int
        public let waiting: Int
    }

    /// The pool's current counts.
    public var statistics: Statistics {
        Statistics(open: slotsInUse, idle: idle.count, leased: leasedCount, waiting: waiters.count)
    }

    /// Leases a connection for the duration of `body` (waiting if all are in use) and takes it
    /// back afterwards: an open transaction is rolled back, LISTENs are cleared, and a broken
    /// connection is discarded so the next lease opens a fresh one.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await lease()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await release(connection, after: error)
            throw error
        }
        await release(connection, after: nil)
        return value
    }

    /// Closes idle connections now and leased ones when they come back; waiting and later
    /// callers get `.poolClosed`.
    public func close() async {
        isClosed = true
        let closing = idle
        idle = []
        slotsInUse -= closing.count
        let failed = waiters
        waiters = []
        for waiter in failed {
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the connection pool was closed"))
        }
        for connection in closing { await connection.close() }
    }

    private func lease() async throws(PostgresError) -> PostgresConnection {
        guard !isClosed else { throw PostgresError(code: .poolClosed, message: "the connection pool was closed") }
        var candidate: PostgresConnection?
        if let connection = idle.popLast() {
            candidate = connection
        } else if slotsInUse < maxConnections {
            slotsInUse += 1
        } else {
            candidate = try await waitForTurn()
        }
        leasedCount += 1
        if let candidate {
            if await candidate.isConnected { return candidate }
            await candidate.close()
        }
        // The slot is ours; fill it with a new connection.
        do throws(PostgresError) {
            let connection = try await PostgresConnection.connect(uri: uri)
            if isClosed {
                await connection.close()
                throw PostgresError(code: .poolClosed, message: "the connection pool was closed")
            }
            return connection
        } catch {
            leasedCount -= 1
            giveUpSlot()
            throw error
        }
    }

    private func release(_ connection: PostgresConnection, after error: (any Error)?) async {
        let lost = (error as? PostgresError)?.isConnectionLost == true
        let reusable = !lost && !isClosed ? await connection.resetForReuse() : false
        leasedCount -= 1
        if reusable && !isClosed {
            if waiters.isEmpty {
                idle.append(connection)
            } else {
                waiters.removeFirst().continuation.resume(returning: connection)
            }
            return
        }
        await connection.close()
        giveUpSlot()
    }

    /// Passes a freed slot to the first waiter, or returns it to the pool.
    private func giveUpSlot() {
        if !isClosed, !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: nil)
        } else {
            slotsInUse -= 1
        }
    }

    private func waitForTurn() async throws(PostgresError) -> PostgresConnection? {
        nextWaiterID += 1
        let id = nextWaiterID
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    if Task.isCancelled {
                        continuation.resume(throwing: PostgresError(code: .cancelled, message: "waiting for a pooled connection was cancelled"))
                    } else {
                        waiters.append((id, continuation))
                    }
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError(code: .cancelled, message: "waiting for a pooled connection failed: \(error)")
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(
            throwing: PostgresError(code: .cancelled, message: "waiting for a pooled connection was cancelled"))
    }
}
