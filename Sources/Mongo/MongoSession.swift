internal import CMongoC
import Foundation

/// A logical session holding one pooled client until it ends; pass it to operations to run
/// them inside its transaction. Obtain one from `MongoClientPool.withTransaction`.
public final class MongoSession: @unchecked Sendable {
    // @unchecked: the client and session pointers are only touched while `lock` is held.
    let pool: MongoClientPool
    private let lock = NSLock()
    private var handles: (client: OpaquePointer, session: OpaquePointer)?

    init(pool: MongoClientPool, client: OpaquePointer, session: OpaquePointer) {
        self.pool = pool
        self.handles = (client, session)
    }

    deinit {
        guard let handles else { return }
        // Destroying a session with an open transaction aborts it over the network: not on this thread.
        let pool = pool
        let owned = UnsafeSendable(handles)
        MongoRuntime.runDetached {
            mongoc_client_session_destroy(owned.value.session)
            mongoc_client_pool_push(pool.pointer, owned.value.client)
        }
    }

    /// Runs `body` with exclusive use of the client and session (libmongoc sessions are single-threaded).
    func withHandles<T>(_ body: (OpaquePointer, OpaquePointer) throws(MongoError) -> T) throws(MongoError) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let handles else {
            throw MongoError(code: .transaction, message: "the session has already ended")
        }
        return try body(handles.client, handles.session)
    }

    /// True while a transaction is starting or in progress.
    public var isInTransaction: Bool {
        (try? withHandles { (_, session) throws(MongoError) -> Bool in mongoc_client_session_in_transaction(session) }) ?? false
    }

    /// Starts a multi-document transaction with the client's read/write concerns.
    public func startTransaction() async throws(MongoError) {
        try await run { (_, session) throws(MongoError) in
            var error = bson_error_t()
            guard mongoc_client_session_start_transaction(session, nil, &error) else { throw MongoError(error) }
        }
    }

    /// Commits the current transaction; errors carry `UnknownTransactionCommitResult` /
    /// `TransientTransactionError` labels when a retry may help.
    public func commitTransaction() async throws(MongoError) {
        try await run { (_, session) throws(MongoError) in
            try withReplyBSON { (reply) throws(MongoError) in
                var error = bson_error_t()
                guard mongoc_client_session_commit_transaction(session, reply, &error) else {
                    throw MongoError(error, reply: reply)
                }
            }
        }
    }

    /// Aborts the current transaction.
    public func abortTransaction() async throws(MongoError) {
        try await run { (_, session) throws(MongoError) in
            var error = bson_error_t()
            guard mongoc_client_session_abort_transaction(session, &error) else { throw MongoError(error) }
        }
    }

    /// Ends the session (aborting any open transaction) and returns its client to the pool.
    public func end() async {
        let taken: UnsafeSendable<(client: OpaquePointer, session: OpaquePointer)>? = {
            lock.lock()
            defer { lock.unlock() }
            defer { handles = nil }
            return handles.map(UnsafeSendable.init)
        }()
        guard let taken else { return }
        let pool = pool
        _ = try? await MongoRuntime.run { () throws(MongoError) in
            mongoc_client_session_destroy(taken.value.session)
            mongoc_client_pool_push(pool.pointer, taken.value.client)
        }
    }

    private func run(_ work: @escaping @Sendable (OpaquePointer, OpaquePointer) throws(MongoError) -> Void) async throws(MongoError) {
        try await MongoRuntime.run { () throws(MongoError) in
            try self.withHandles { (client, session) throws(MongoError) in try work(client, session) }
        }
    }
}

extension MongoClientPool {
    /// Starts a session on a client borrowed from the pool until the session ends.
    public func startSession() async throws(MongoError) -> MongoSession {
        let pool = self
        return try await MongoRuntime.run { () throws(MongoError) -> MongoSession in
            guard let client = mongoc_client_pool_pop(pool.pointer) else {
                throw MongoError(code: .driver, message: "could not take a client from the pool")
            }
            var error = bson_error_t()
            guard let session = mongoc_client_start_session(client, nil, &error) else {
                mongoc_client_pool_push(pool.pointer, client)
                throw MongoError(error)
            }
            return MongoSession(pool: pool, client: client, session: session)
        }
    }

    /// Runs `body` in a transaction and commits it, like the drivers' convenient transaction API:
    /// the whole body is retried on `TransientTransactionError`, the commit on
    /// `UnknownTransactionCommitResult`, for up to 120 s. A thrown error aborts the transaction
    /// and is rethrown unchanged. Pass the session to every operation that belongs to it.
    public func withTransaction<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MongoSession) async throws -> T
    ) async throws -> T {
        let session = try await startSession()
        do {
            let value = try await TransactionRunner(session: session).run(body)
            await session.end()
            return value
        } catch {
            await session.end()
            throw error
        }
    }
}

/// The retry loop of `withTransaction` (Convenient Transactions API spec).
struct TransactionRunner {
    let session: MongoSession
    /// The spec's overall retry budget.
    static let retryBudget: Duration = .seconds(120)
    /// Server code MaxTimeMSExpired: a commit that timed out is not retried.
    static let maxTimeMSExpired = 50

    func run<T>(isolation: isolated (any Actor)? = #isolation, _ body: (MongoSession) async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.retryBudget
        while true {
            try await session.startTransaction()
            let value: T
            do {
                value = try await body(session)
            } catch {
                if session.isInTransaction {
                    try? await session.abortTransaction()
                }
                if let mongo = error as? MongoError, mongo.hasLabel("TransientTransactionError"), clock.now < deadline {
                    continue
                }
                throw error
            }
            // The body may have committed or aborted by itself.
            guard session.isInTransaction else { return value }
            if try await commit(deadline: deadline, clock: clock) { return value }
        }
    }

    /// Commits, retrying an unknown result; false when the whole transaction should be retried.
    private func commit(deadline: ContinuousClock.Instant, clock: ContinuousClock) async throws(MongoError) -> Bool {
        while true {
            do throws(MongoError) {
                try await session.commitTransaction()
                return true
            } catch {
                if error.hasLabel("UnknownTransactionCommitResult"), error.serverCode != Self.maxTimeMSExpired, clock.now < deadline {
                    continue
                }
                if error.hasLabel("TransientTransactionError"), clock.now < deadline {
                    return false
                }
                throw error
            }
        }
    }
}
