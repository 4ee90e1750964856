internal import CMongoC
import JSON

extension MongoCollection {
    /// Inserts one document and returns its `_id` (an ObjectId is added when missing).
    @discardableResult
    public func insertOne(_ document: JSONObject, session: MongoSession? = nil) async throws(MongoError) -> JSONValue {
        let (document, id) = Self.identified(document)
        try await withHandle(session: session) { (collection, session) throws(MongoError) in
            try BSONEncoder.withBSON(document) { (doc) throws(MongoError) in
                try withOptions(Self.skipClientValidation, session: session) { (opts) throws(MongoError) in
                    try withReplyBSON { (reply) throws(MongoError) in
                        var error = bson_error_t()
                        guard mongoc_collection_insert_one(collection, doc, opts, reply, &error) else {
                            throw MongoError(error, reply: reply)
                        }
                    }
                }
            }
        }
        return id
    }

    /// Inserts documents in one round trip (ordered: stops at the first error) and returns their
    /// `_id`s in order. An empty array does nothing.
    @discardableResult
    public func insertMany(_ documents: [JSONObject], ordered: Bool = true, session: MongoSession? = nil) async throws(MongoError) -> [JSONValue] {
        guard !documents.isEmpty else { return [] }
        let identified = documents.map(Self.identified)
        let prepared = identified.map(\.0)
        try await withHandle(session: session) { (collection, session) throws(MongoError) in
            // Heap documents: insert_many needs all of them alive at once.
            var encoded: [OpaquePointer?] = []
            encoded.reserveCapacity(prepared.count)
            defer { encoded.forEach { bson_destroy($0) } }
            for document in prepared {
                guard let doc = bson_new() else { throw MongoError(code: .driver, message: "out of memory creating a BSON document") }
                encoded.append(doc)
                try BSONEncoder.append(document, to: doc, path: "")
            }
            var options = Self.skipClientValidation
            options["ordered"] = .bool(ordered)
            try withOptions(options, session: session) { (opts) throws(MongoError) in
                try withReplyBSON { (reply) throws(MongoError) in
                    var error = bson_error_t()
                    let ok = encoded.withUnsafeMutableBufferPointer { buffer in
                        mongoc_collection_insert_many(collection, buffer.baseAddress, buffer.count, opts, reply, &error)
                    }
                    guard ok else { throw MongoError(error, reply: reply) }
                }
            }
        }
        return identified.map(\.1)
    }

    /// Updates the first document matching `filter` with an update document (`$set`, ...).
    @discardableResult
    public func updateOne(filter: JSONObject, update: JSONObject, upsert: Bool = false, session: MongoSession? = nil) async throws(MongoError) -> UpdateResult {
        try await self.update(.one, filter: filter, update: update, upsert: upsert, session: session)
    }

    /// Updates every document matching `filter`.
    @discardableResult
    public func updateMany(filter: JSONObject, update: JSONObject, upsert: Bool = false, session: MongoSession? = nil) async throws(MongoError) -> UpdateResult {
        try await self.update(.many, filter: filter, update: update, upsert: upsert, session: session)
    }

    /// Replaces the first document matching `filter` with `replacement` (no update operators).
    @discardableResult
    public func replaceOne(filter: JSONObject, replacement: JSONObject, upsert: Bool = false, session: MongoSession? = nil) async throws(MongoError) -> UpdateResult {
        try await self.update(.replace, filter: filter, update: replacement, upsert: upsert, session: session)
    }

    /// Deletes the first document matching `filter`; returns how many were deleted (0 or 1).
    @discardableResult
    public func deleteOne(_ filter: JSONObject, session: MongoSession? = nil) async throws(MongoError) -> Int {
        try await delete(many: false, filter: filter, session: session)
    }

    /// Deletes every document matching `filter` (`[:]` deletes all); returns how many.
    @discardableResult
    public func deleteMany(_ filter: JSONObject, session: MongoSession? = nil) async throws(MongoError) -> Int {
        try await delete(many: true, filter: filter, session: session)
    }

    private enum UpdateKind: Sendable { case one, many, replace }

    private func update(_ kind: UpdateKind, filter: JSONObject, update: JSONObject, upsert: Bool, session: MongoSession?) async throws(MongoError) -> UpdateResult {
        var updateOptions: JSONObject = ["upsert": .bool(upsert)]
        if kind == .replace { updateOptions["validate"] = false }
        let options = updateOptions
        let reply = try await withHandle(session: session) { (collection, session) throws(MongoError) -> JSONObject in
            try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> JSONObject in
                try BSONEncoder.withBSON(update) { (doc) throws(MongoError) -> JSONObject in
                    try withOptions(options, session: session) { (opts) throws(MongoError) -> JSONObject in
                        try withReplyBSON { (reply) throws(MongoError) -> JSONObject in
                            var error = bson_error_t()
                            let ok = switch kind {
                            case .one: mongoc_collection_update_one(collection, selector, doc, opts, reply, &error)
                            case .many: mongoc_collection_update_many(collection, selector, doc, opts, reply, &error)
                            case .replace: mongoc_collection_replace_one(collection, selector, doc, opts, reply, &error)
                            }
                            guard ok else { throw MongoError(error, reply: reply) }
                            return try BSONDecoder.decode(reply)
                        }
                    }
                }
            }
        }
        return UpdateResult(
            matchedCount: count(reply, "matchedCount"), modifiedCount: count(reply, "modifiedCount"),
            upsertedCount: count(reply, "upsertedCount"), upsertedID: reply["upsertedId"]
        )
    }

    private func delete(many: Bool, filter: JSONObject, session: MongoSession?) async throws(MongoError) -> Int {
        let reply = try await withHandle(session: session) { (collection, session) throws(MongoError) -> JSONObject in
            try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> JSONObject in
                try withOptions([:], session: session) { (opts) throws(MongoError) -> JSONObject in
                    try withReplyBSON { (reply) throws(MongoError) -> JSONObject in
                        var error = bson_error_t()
                        let ok = many
                            ? mongoc_collection_delete_many(collection, selector, opts, reply, &error)
                            : mongoc_collection_delete_one(collection, selector, opts, reply, &error)
                        guard ok else { throw MongoError(error, reply: reply) }
                        return try BSONDecoder.decode(reply)
                    }
                }
            }
        }
        return count(reply, "deletedCount")
    }
}
