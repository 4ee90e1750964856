internal import CMongoC
import Foundation
import Synchronization

/// Process-wide libmongoc state: `mongoc_init()` runs exactly once, when the first MongoDB client
/// pool is created (or the first operation runs), never for PostgreSQL-only work.
public enum MongoRuntime {
    private static let initializedFlag = Atomic<Bool>(false)

    /// Whether this process has initialised libmongoc (tests check PostgreSQL-only paths never do).
    public static var isInitialized: Bool { initializedFlag.load(ordering: .acquiring) }

    private static let initialized: Bool = {
        mongoc_init()
        initializedFlag.store(true, ordering: .releasing)
        // libmongoc's default handler prints monitor DEBUG lines and repeats errors we already
        // throw (bad URIs, failed connections); keep only warnings and critical messages.
        mongoc_log_set_handler({ level, domain, message, _ in
            guard level == MONGOC_LOG_LEVEL_WARNING || level == MONGOC_LOG_LEVEL_CRITICAL else { return }
            mongoc_log_default_handler(level, domain, message, nil)
        }, nil)
        return true
    }()


    static func ensureInitialized() {
        _ = initialized
    }

    /// Runs blocking libmongoc `work` on a thread of its own and resumes the caller with its result.
    /// Never on Swift's small cooperative pool, and not on a GCD queue either: on Linux, GCD runs a
    /// concurrent queue on about one thread per core and cannot see threads blocked on the network,
    /// so two slow calls (an unreachable server's selection timeout) held up every other one.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(MongoError) -> T) async throws(MongoError) -> T {
        ensureInitialized()
        let result: Result<T, MongoError> = await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: Result { () throws(MongoError) -> T in try work() })
            }.start()
        }
        return try result.get()
    }

    /// Runs `work` on a thread of its own without waiting (used to free C resources from deinit).
    static func runDetached(_ work: @escaping @Sendable () -> Void) {
        Thread(block: work).start()
    }
}

// libbson declares bson_t and bson_iter_t 128-byte aligned; Swift imports them with a smaller
// alignment, so temporaries are allocated by hand to keep libbson's (and the compiler's) promise.
let bsonAlignment = 128
/// Bytes reserved for one `bson_t` or `bson_iter_t` (both at most 128 bytes in C).
let bsonStorageSize = 128

/// Gives `body` an initialised empty `bson_t` on the stack and destroys it afterwards.
func withTemporaryBSON<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = withUnsafeTemporaryAllocation(byteCount: bsonStorageSize, alignment: bsonAlignment) { raw in
        let doc = OpaquePointer(raw.baseAddress.unsafelyUnwrapped)
        bson_init(doc)
        defer { bson_destroy(doc) }
        return Result { () throws(E) -> R in try body(doc) }
    }
    return try result.get()
}

/// Storage for a reply `bson_t`. libmongoc (re)initialises replies even on failure without
/// freeing what was there, which is harmless for the empty inline document we start with.
func withReplyBSON<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
    try withTemporaryBSON(body)
}

/// Gives `body` aligned storage for a `bson_iter_t`.
func withTemporaryIterator<R, E: Error>(_ body: (OpaquePointer) throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = withUnsafeTemporaryAllocation(byteCount: bsonStorageSize, alignment: bsonAlignment) { raw in
        let iter = OpaquePointer(raw.baseAddress.unsafelyUnwrapped)
        return Result { () throws(E) -> R in try body(iter) }
    }
    return try result.get()
}

/// `String.withCString` for closures with typed throws.
func withCStringTyped<R>(_ string: String, _ body: (UnsafePointer<CChar>) throws(MongoError) -> R) throws(MongoError) -> R {
    let result: Result<R, MongoError> = string.withCString { pointer in
        Result { () throws(MongoError) -> R in try body(pointer) }
    }
    return try result.get()
}
