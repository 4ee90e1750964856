internal import CMongoC
import Foundation
import JSON

/// Streams the documents of a query in batches; iterate with `for try await` or `next()`.
/// The pooled client it holds goes back to the pool when the cursor is exhausted, fails, or is released.
public final class MongoCursor: AsyncSequence, @unchecked Sendable {
    // @unchecked: the C handles are only touched on the blocking queue while `lock` is held.
    /// Documents, as ordered JSON objects.
    public typealias Element = JSONObject

    private struct Handles {
        let client: OpaquePointer
        let collection: OpaquePointer
        let cursor: OpaquePointer
    }

    private let pool: MongoClientPool
    private let batchSize: Int
    private let lock = NSLock()
    private var handles: Handles?
    private var buffered: [JSONObject] = []

    private init(pool: MongoClientPool, batchSize: Int, handles: Handles) {
        self.pool = pool
        self.batchSize = Swift.max(1, batchSize)
        self.handles = handles
    }

    /// Borrows a client and lets `open` create the collection and cursor on it (on the blocking queue).
    static func open(
        pool: MongoClientPool, batchSize: Int,
        _ open: (OpaquePointer) throws(MongoError) -> (collection: OpaquePointer, cursor: OpaquePointer)
    ) throws(MongoError) -> MongoCursor {
        guard let client = mongoc_client_pool_pop(pool.pointer) else {
            throw MongoError(code: .driver, message: "could not take a client from the pool")
        }
        do {
            let (collection, cursor) = try open(client)
            return MongoCursor(pool: pool, batchSize: batchSize, handles: Handles(client: client, collection: collection, cursor: cursor))
        } catch {
            mongoc_client_pool_push(pool.pointer, client)
            throw error
        }
    }

    deinit {
        guard let handles else { return }
        // An unfinished cursor sends killCursors when destroyed: do it off this thread.
        let owned = UnsafeSendable(handles)
        let pool = pool
        MongoRuntime.runDetached {
            MongoCursor.destroy(owned.value, pool: pool)
        }
    }

    /// The next document, or nil when the query has no more.
    public func next() async throws(MongoError) -> JSONObject? {
        if let document = takeBuffered() { return document }
        let batch = try await MongoRuntime.run { () throws(MongoError) -> [JSONObject] in try self.fetchBatch() }
        lock.withLock { buffered.append(contentsOf: batch) }
        return takeBuffered()
    }

    /// Every remaining document.
    public func collect() async throws(MongoError) -> [JSONObject] {
        var documents: [JSONObject] = []
        while let document = try await next() { documents.append(document) }
        return documents
    }

    /// Iterates by calling the cursor's `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let cursor: MongoCursor

        /// The next document, or nil at the end.
        public mutating func next() async throws -> JSONObject? {
            try await cursor.next()
        }
    }

    /// An iterator over the remaining documents.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(cursor: self) }

    private func takeBuffered() -> JSONObject? {
        lock.lock()
        defer { lock.unlock() }
        return buffered.isEmpty ? nil : buffered.removeFirst()
    }

    /// Up to `batchSize` documents; frees the C handles once the cursor is done or failed.
    private func fetchBatch() throws(MongoError) -> [JSONObject] {
        lock.lock()
        defer { lock.unlock() }
        guard let handles else { return [] }
        var batch: [JSONObject] = []
        var current: OpaquePointer?
        var failure: MongoError?
        while batch.count < batchSize, mongoc_cursor_next(handles.cursor, &current) {
            guard let current else { continue }
            do throws(MongoError) {
                batch.append(try BSONDecoder.decode(current))
            } catch {
                failure = error
                break
            }
        }
        if failure == nil {
            do throws(MongoError) { try checkCursor(handles.cursor) } catch { failure = error }
        }
        if failure != nil || !mongoc_cursor_more(handles.cursor) || batch.count < batchSize {
            Self.destroy(handles, pool: pool)
            self.handles = nil
        }
        if let failure { throw failure }
        return batch
    }

    private static func destroy(_ handles: Handles, pool: MongoClientPool) {
        mongoc_cursor_destroy(handles.cursor)
        mongoc_collection_destroy(handles.collection)
        mongoc_client_pool_push(pool.pointer, handles.client)
    }
}
