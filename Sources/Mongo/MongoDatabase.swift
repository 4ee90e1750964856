internal import CMongoC
import JSON

/// A named database on a pool (a value; no I/O until an operation runs).
public struct MongoDatabase: Sendable {
    /// The database name.
    public let name: String
    /// The pool operations borrow clients from.
    public let pool: MongoClientPool

    /// A handle on a collection in this database.
    public func collection(_ name: String) -> MongoCollection {
        MongoCollection(databaseName: self.name, name: name, pool: pool)
    }

    /// Runs a database command and returns the server's reply document.
    public func runCommand(_ command: JSONObject, session: MongoSession? = nil) async throws(MongoError) -> JSONObject {
        let name = name
        return try await pool.withClient(session: session) { (client, session) throws(MongoError) -> JSONObject in
            try BSONEncoder.withBSON(command) { (cmd) throws(MongoError) -> JSONObject in
                try withOptions([:], session: session) { (opts) throws(MongoError) -> JSONObject in
                    try withReplyBSON { (reply) throws(MongoError) -> JSONObject in
                        var error = bson_error_t()
                        guard mongoc_client_command_with_opts(client, name, cmd, nil, opts, reply, &error) else {
                            throw MongoError(error, reply: reply)
                        }
                        return try BSONDecoder.decode(reply)
                    }
                }
            }
        }
    }

    /// Names of the collections in this database.
    public func listCollectionNames() async throws(MongoError) -> [String] {
        let reply = try await runCommand(["listCollections": 1, "nameOnly": true])
        // A database has few collections; the first batch holds them all unless there are thousands.
        let batch = reply["cursor"]?["firstBatch"]?.arrayValue ?? []
        return batch.compactMap { $0["name"]?.stringValue }
    }

    /// Drops the database and everything in it.
    public func drop(session: MongoSession? = nil) async throws(MongoError) {
        _ = try await runCommand(["dropDatabase": 1], session: session)
    }
}
