internal import CMongoC
import JSON

extension MongoCollection {
    /// All documents matching `filter`, with optional projection, sort, skip and limit.
    public func find(
        _ filter: JSONObject = [:], projection: JSONObject? = nil, sort: JSONObject? = nil,
        skip: Int? = nil, limit: Int? = nil, session: MongoSession? = nil
    ) async throws(MongoError) -> [JSONObject] {
        let options = Self.findOptions(projection: projection, sort: sort, skip: skip, limit: limit, batchSize: nil)
        return try await withHandle(session: session) { (collection, session) throws(MongoError) -> [JSONObject] in
            try openFind(collection, filter: filter, options: options, session: session) { (cursor) throws(MongoError) -> [JSONObject] in
                try drain(cursor)
            }
        }
    }

    /// The first document matching `filter` (in `sort` order when given), or nil.
    public func findOne(
        _ filter: JSONObject = [:], projection: JSONObject? = nil, sort: JSONObject? = nil, session: MongoSession? = nil
    ) async throws(MongoError) -> JSONObject? {
        var options = Self.findOptions(projection: projection, sort: sort, skip: nil, limit: 1, batchSize: nil)
        options["singleBatch"] = true
        let single = options
        return try await withHandle(session: session) { (collection, session) throws(MongoError) -> JSONObject? in
            try openFind(collection, filter: filter, options: single, session: session) { (cursor) throws(MongoError) -> JSONObject? in
                try drain(cursor, limit: 1).first
            }
        }
    }

    /// The BSON type names (`BSONInspector.types(of:)`) of every key path of each document matching
    /// `filter`, as the server stores it: `find` reads int32 and int64 alike, a contract check cannot.
    public func storedTypes(_ filter: JSONObject = [:], sort: JSONObject? = nil) async throws(MongoError) -> [[String: String]] {
        let options = Self.findOptions(projection: nil, sort: sort, skip: nil, limit: nil, batchSize: nil)
        return try await withHandle(session: nil) { (collection, session) throws(MongoError) -> [[String: String]] in
            try openFind(collection, filter: filter, options: options, session: session) { (cursor) throws(MongoError) -> [[String: String]] in
                var documents: [[String: String]] = []
                var current: OpaquePointer?
                while mongoc_cursor_next(cursor, &current) {
                    guard let current else { continue }
                    documents.append(try BSONInspector.types(ofDocument: current))
                }
                try checkCursor(cursor)
                return documents
            }
        }
    }

    /// A cursor that streams matching documents in batches of `batchSize`, keeping a pooled
    /// client until it is exhausted or released. Not available inside transactions (use `find`).
    public func findCursor(
        _ filter: JSONObject = [:], projection: JSONObject? = nil, sort: JSONObject? = nil,
        skip: Int? = nil, limit: Int? = nil, batchSize: Int = 1000
    ) async throws(MongoError) -> MongoCursor {
        let options = Self.findOptions(projection: projection, sort: sort, skip: skip, limit: limit, batchSize: batchSize)
        let databaseName = databaseName
        let name = name
        let pool = pool
        return try await MongoRuntime.run { () throws(MongoError) -> MongoCursor in
            try MongoCursor.open(pool: pool, batchSize: batchSize) { (client) throws(MongoError) -> (OpaquePointer, OpaquePointer) in
                guard let collection = mongoc_client_get_collection(client, databaseName, name) else {
                    throw MongoError(code: .driver, message: "could not open collection \(databaseName).\(name)")
                }
                let cursor = try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> OpaquePointer? in
                    try BSONEncoder.withBSON(options) { (opts) throws(MongoError) -> OpaquePointer? in
                        mongoc_collection_find_with_opts(collection, selector, opts, nil)
                    }
                }
                guard let cursor else {
                    mongoc_collection_destroy(collection)
                    throw MongoError(code: .driver, message: "could not open a cursor on \(databaseName).\(name)")
                }
                return (collection, cursor)
            }
        }
    }

    /// Runs an aggregation pipeline and returns every resulting document.
    public func aggregate(_ pipeline: [JSONObject], session: MongoSession? = nil) async throws(MongoError) -> [JSONObject] {
        let wrapped: JSONObject = ["pipeline": .array(pipeline.map(JSONValue.object))]
        return try await withHandle(session: session) { (collection, session) throws(MongoError) -> [JSONObject] in
            try BSONEncoder.withBSON(wrapped) { (stages) throws(MongoError) -> [JSONObject] in
                try withOptions([:], session: session) { (opts) throws(MongoError) -> [JSONObject] in
                    guard let cursor = mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, stages, opts, nil) else {
                        throw MongoError(code: .driver, message: "could not start the aggregation")
                    }
                    defer { mongoc_cursor_destroy(cursor) }
                    return try drain(cursor)
                }
            }
        }
    }

    /// The number of documents matching `filter` (an exact count, not the metadata estimate).
    public func countDocuments(_ filter: JSONObject = [:], session: MongoSession? = nil) async throws(MongoError) -> Int {
        try await withHandle(session: session) { (collection, session) throws(MongoError) -> Int in
            try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> Int in
                try withOptions([:], session: session) { (opts) throws(MongoError) -> Int in
                    try withReplyBSON { (reply) throws(MongoError) -> Int in
                        var error = bson_error_t()
                        let n = mongoc_collection_count_documents(collection, selector, opts, nil, reply, &error)
                        guard n >= 0 else { throw MongoError(error, reply: reply) }
                        return Int(n)
                    }
                }
            }
        }
    }

    static func findOptions(projection: JSONObject?, sort: JSONObject?, skip: Int?, limit: Int?, batchSize: Int?) -> JSONObject {
        var options = JSONObject()
        if let projection { options["projection"] = .object(projection) }
        if let sort { options["sort"] = .object(sort) }
        if let skip { options["skip"] = .int(skip) }
        if let limit { options["limit"] = .int(limit) }
        if let batchSize { options["batchSize"] = .int(batchSize) }
        return options
    }
}

/// Opens a find cursor, gives it to `body` and destroys it.
private func openFind<R>(
    _ collection: OpaquePointer, filter: JSONObject, options: JSONObject, session: OpaquePointer?,
    _ body: (OpaquePointer) throws(MongoError) -> R
) throws(MongoError) -> R {
    try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> R in
        try withOptions(options, session: session) { (opts) throws(MongoError) -> R in
            guard let cursor = mongoc_collection_find_with_opts(collection, selector, opts, nil) else {
                throw MongoError(code: .driver, message: "could not open a cursor")
            }
            defer { mongoc_cursor_destroy(cursor) }
            return try body(cursor)
        }
    }
}
