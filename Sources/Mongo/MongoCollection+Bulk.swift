internal import CMongoC
import JSON

extension MongoCollection {
    /// Runs mixed insert/update/replace/delete operations in as few round trips as possible.
    /// Ordered (the default) stops at the first failing operation. An empty list does nothing.
    @discardableResult
    public func bulkWrite(_ operations: [WriteModel], ordered: Bool = true, session: MongoSession? = nil) async throws(MongoError) -> BulkWriteResult {
        guard !operations.isEmpty else { return BulkWriteResult() }
        var insertedIDs: [Int: JSONValue] = [:]
        let prepared: [WriteModel] = operations.enumerated().map { index, operation in
            guard case let .insertOne(document) = operation else { return operation }
            let (identified, id) = Self.identified(document)
            insertedIDs[index] = id
            return .insertOne(identified)
        }
        let reply = try await withHandle(session: session) { (collection, session) throws(MongoError) -> JSONObject in
            try withOptions(["ordered": .bool(ordered)], session: session) { (opts) throws(MongoError) -> JSONObject in
                guard let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, opts) else {
                    throw MongoError(code: .driver, message: "could not create a bulk operation")
                }
                defer { mongoc_bulk_operation_destroy(bulk) }
                for (index, operation) in prepared.enumerated() {
                    try Self.add(operation, index: index, to: bulk)
                }
                return try withReplyBSON { (reply) throws(MongoError) -> JSONObject in
                    var error = bson_error_t()
                    guard mongoc_bulk_operation_execute(bulk, reply, &error) != 0 else {
                        throw MongoError(error, reply: reply)
                    }
                    return try BSONDecoder.decode(reply)
                }
            }
        }
        var upsertedIDs: [Int: JSONValue] = [:]
        for entry in reply["upserted"]?.arrayValue ?? [] {
            if let index = entry["index"]?.intValue, let id = entry["_id"] { upsertedIDs[index] = id }
        }
        return BulkWriteResult(
            insertedCount: count(reply, "nInserted"), matchedCount: count(reply, "nMatched"),
            modifiedCount: count(reply, "nModified"), deletedCount: count(reply, "nRemoved"),
            upsertedCount: count(reply, "nUpserted"), insertedIDs: insertedIDs, upsertedIDs: upsertedIDs
        )
    }

    private static func add(_ operation: WriteModel, index: Int, to bulk: OpaquePointer) throws(MongoError) {
        var error = bson_error_t()
        let ok: Bool
        switch operation {
        case let .insertOne(document):
            ok = try BSONEncoder.withBSON(document) { (doc) throws(MongoError) -> Bool in
                try BSONEncoder.withBSON(skipClientValidation) { (opts) throws(MongoError) -> Bool in
                    mongoc_bulk_operation_insert_with_opts(bulk, doc, opts, &error)
                }
            }
        case let .updateOne(filter, update, upsert), let .updateMany(filter, update, upsert):
            let many = if case .updateMany = operation { true } else { false }
            ok = try withPair(filter, update, ["upsert": .bool(upsert)]) { selector, doc, opts in
                many
                    ? mongoc_bulk_operation_update_many_with_opts(bulk, selector, doc, opts, &error)
                    : mongoc_bulk_operation_update_one_with_opts(bulk, selector, doc, opts, &error)
            }
        case let .replaceOne(filter, replacement, upsert):
            ok = try withPair(filter, replacement, ["upsert": .bool(upsert), "validate": false]) { selector, doc, opts in
                mongoc_bulk_operation_replace_one_with_opts(bulk, selector, doc, opts, &error)
            }
        case let .deleteOne(filter), let .deleteMany(filter):
            let many = if case .deleteMany = operation { true } else { false }
            ok = try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> Bool in
                many
                    ? mongoc_bulk_operation_remove_many_with_opts(bulk, selector, nil, &error)
                    : mongoc_bulk_operation_remove_one_with_opts(bulk, selector, nil, &error)
            }
        }
        guard ok else {
            var failure = MongoError(error)
            failure.message = "bulk operation \(index): \(failure.message)"
            throw failure
        }
    }

    private static func withPair(
        _ filter: JSONObject, _ document: JSONObject, _ options: JSONObject,
        _ body: (OpaquePointer, OpaquePointer, OpaquePointer) -> Bool
    ) throws(MongoError) -> Bool {
        try BSONEncoder.withBSON(filter) { (selector) throws(MongoError) -> Bool in
            try BSONEncoder.withBSON(document) { (doc) throws(MongoError) -> Bool in
                try BSONEncoder.withBSON(options) { (opts) throws(MongoError) -> Bool in body(selector, doc, opts) }
            }
        }
    }

    /// Creates indexes (existing identical ones are left alone) and returns their names.
    @discardableResult
    public func createIndexes(_ indexes: [IndexModel], session: MongoSession? = nil) async throws(MongoError) -> [String] {
        guard !indexes.isEmpty else { return [] }
        let command: JSONObject = [
            "createIndexes": .string(name),
            "indexes": .array(indexes.map { .object($0.specification) }),
        ]
        _ = try await database.runCommand(command, session: session)
        return indexes.map(\.resolvedName)
    }

    /// Drops the collection; a collection that does not exist is not an error.
    public func drop(session: MongoSession? = nil) async throws(MongoError) {
        do {
            _ = try await database.runCommand(["drop": .string(name)], session: session)
        } catch where error.serverCode == 26 {
            // NamespaceNotFound: already gone, as the drivers treat it.
        }
    }
}
