internal import CMongoC
import JSON

/// A process-wide pool of MongoDB connections; create one per process (or worker) and share it.
/// Every operation borrows a client for its duration and returns it afterwards.
public final class MongoClientPool: @unchecked Sendable {
    // @unchecked: mongoc_client_pool_t is documented thread-safe; the pointer never changes.
    let pointer: OpaquePointer
    /// The database named in the URI path (`mongodb://host/<db>`), if any.
    public let defaultDatabaseName: String?

    /// Parses and validates `uri`; fails with `.invalidURI` naming the problem. No I/O happens here.
    public init(uri: String, appName: String? = nil) throws(MongoError) {
        MongoRuntime.ensureInitialized()
        var error = bson_error_t()
        guard let parsed = mongoc_uri_new_with_error(uri, &error) else {
            throw MongoError(code: .invalidURI, message: "invalid MongoDB URI '\(Self.redacted(uri))': \(MongoError(error).message)")
        }
        defer { mongoc_uri_destroy(parsed) }
        // The pool copies the URI, so ours is freed right away.
        guard let pool = mongoc_client_pool_new_with_error(parsed, &error) else {
            throw MongoError(code: .invalidURI, message: "cannot use MongoDB URI '\(Self.redacted(uri))': \(MongoError(error).message)")
        }
        // Version 2 puts every server-side error in one domain with the server's code.
        _ = mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        if let appName {
            _ = mongoc_client_pool_set_appname(pool, appName)
        }
        self.pointer = pool
        self.defaultDatabaseName = mongoc_uri_get_database(parsed).map { String(cString: $0) }
    }

    deinit {
        // Clients are always pushed back before their borrower lets go of the pool.
        mongoc_client_pool_destroy(pointer)
    }

    /// A handle on a database (no I/O).
    public func database(_ name: String) -> MongoDatabase {
        MongoDatabase(name: name, pool: self)
    }

    /// Runs `{ping: 1}` against `admin`; fails with `.connection` when no server is reachable.
    public func ping() async throws(MongoError) {
        _ = try await database("admin").runCommand(["ping": 1])
    }

    /// True when the deployment is a replica set or a sharded cluster (`mongos`), where
    /// multi-document transactions are available.
    public func supportsTransactions() async throws(MongoError) -> Bool {
        let admin = database("admin")
        let hello: JSONObject
        do throws(MongoError) {
            hello = try await admin.runCommand(["hello": 1])
        } catch where error.serverCode == 59 {
            // Servers older than 4.4.2 only know the legacy name.
            hello = try await admin.runCommand(["isMaster": 1])
        }
        if case .string? = hello["setName"] { return true }
        return hello["msg"]?.stringValue == "isdbgrid"
    }

    /// Runs `work` with a client: the session's when given, else one borrowed from the pool
    /// and pushed back afterwards. Runs on the blocking queue.
    func withClient<T: Sendable>(
        session: MongoSession?,
        _ work: @escaping @Sendable (_ client: OpaquePointer, _ session: OpaquePointer?) throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        if let session {
            guard session.pool === self else {
                throw MongoError(code: .invalidArgument, message: "the session belongs to a different MongoClientPool")
            }
            return try await MongoRuntime.run { () throws(MongoError) -> T in
                try session.withHandles { (client, handle) throws(MongoError) -> T in try work(client, handle) }
            }
        }
        let pool = UnsafeSendable(pointer)
        return try await MongoRuntime.run { () throws(MongoError) -> T in
            // Blocks while all clients are out (maxPoolSize in the URI, default 100).
            guard let client = mongoc_client_pool_pop(pool.value) else {
                throw MongoError(code: .driver, message: "could not take a client from the pool")
            }
            defer { mongoc_client_pool_push(pool.value, client) }
            return try work(client, nil)
        }
    }

    /// The URI with any password hidden, for error messages.
    static func redacted(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://"), let at = uri.range(of: "@", range: scheme.upperBound..<uri.endIndex) else { return uri }
        let userInfo = uri[scheme.upperBound..<at.lowerBound]
        guard let colon = userInfo.firstIndex(of: ":") else { return uri }
        return uri[..<uri.index(after: colon)] + "***" + uri[at.lowerBound...]
    }
}

/// Carries a C pointer into a `@Sendable` closure; only for pointers libmongoc allows to move
/// between threads (pools, and clients or sessions used by one thread at a time).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Appends the session's id (when there is a session) to an options document.
func appendSession(_ session: OpaquePointer?, to opts: OpaquePointer) throws(MongoError) {
    guard let session else { return }
    var error = bson_error_t()
    guard mongoc_client_session_append(session, opts, &error) else { throw MongoError(error) }
}

/// Encodes `options`, adds the session, and gives the document to `body`.
func withOptions<R>(_ options: JSONObject, session: OpaquePointer?, _ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
    try BSONEncoder.withBSON(options) { (opts) throws(MongoError) -> R in
        try appendSession(session, to: opts)
        return try body(opts)
    }
}
