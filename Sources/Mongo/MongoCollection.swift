internal import CMongoC
import ExtendedJSON
import JSON

/// A named collection on a pool (a value; no I/O until an operation runs). Every operation
/// takes an optional session: pass the one `withTransaction` gives to run inside its transaction.
public struct MongoCollection: Sendable {
    /// The database the collection lives in.
    public let databaseName: String
    /// The collection name.
    public let name: String
    /// The pool operations borrow clients from.
    public let pool: MongoClientPool

    /// The database this collection lives in.
    public var database: MongoDatabase { MongoDatabase(name: databaseName, pool: pool) }

    /// Runs `work` with a libmongoc collection handle that is destroyed afterwards.
    func withHandle<T: Sendable>(
        session: MongoSession?,
        _ work: @escaping @Sendable (_ collection: OpaquePointer, _ session: OpaquePointer?) throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        let databaseName = databaseName
        let name = name
        return try await pool.withClient(session: session) { (client, session) throws(MongoError) -> T in
            guard let collection = mongoc_client_get_collection(client, databaseName, name) else {
                throw MongoError(code: .driver, message: "could not open collection \(databaseName).\(name)")
            }
            defer { mongoc_collection_destroy(collection) }
            return try work(collection, session)
        }
    }

    /// `document` with an `_id` first when it has none, like the drivers do; and that id.
    static func identified(_ document: JSONObject) -> (JSONObject, JSONValue) {
        if let id = document["_id"] { return (document, id) }
        let id = JSONValue.objectID(ObjectID())
        return (JSONObject([("_id", id)] + document.pairs.map { ($0.key, $0.value) }), id)
    }

    // Documents may hold dotted or $-prefixed keys (dataset rows do); the server, not the
    // driver, decides what it accepts, as with pymongo.
    static let skipClientValidation: JSONObject = ["validate": false]
}

/// Reads every remaining document of a cursor, then reports the cursor's error if it failed.
func drain(_ cursor: OpaquePointer, limit: Int = .max) throws(MongoError) -> [JSONObject] {
    var documents: [JSONObject] = []
    var current: OpaquePointer?
    while documents.count < limit, mongoc_cursor_next(cursor, &current) {
        guard let current else { continue }
        documents.append(try BSONDecoder.decode(current))
    }
    try checkCursor(cursor)
    return documents
}

/// Throws the cursor's error, with its server reply's labels.
func checkCursor(_ cursor: OpaquePointer) throws(MongoError) {
    var error = bson_error_t()
    var reply: OpaquePointer?
    if mongoc_cursor_error_document(cursor, &error, &reply) {
        throw MongoError(error, reply: reply)
    }
}

/// The integer count `key` of a reply (int32, int64 or double), 0 when absent.
func count(_ reply: JSONObject, _ key: String) -> Int {
    reply[key]?.intValue ?? 0
}
