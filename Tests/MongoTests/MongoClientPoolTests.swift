import Foundation
import JSON
import Mongo
import Testing

@Suite struct MongoClientPoolTests {
    @Test(arguments: ["http://localhost:27017", "mongodb://", "not a uri", "mongodb://host:99999/db", "mongodb://a/b?replicaSet="])
    func invalidURIsFailClearly(_ uri: String) {
        do {
            _ = try MongoClientPool(uri: uri)
            Issue.record("accepted \(uri)")
        } catch {
            #expect(error.code == .invalidURI)
            #expect(error.message.contains("invalid MongoDB URI") || error.message.contains("cannot use MongoDB URI"), "\(error.message)")
            #expect(!error.isTransient)
        }
    }

    @Test func passwordsStayOutOfErrorMessages() {
        do {
            _ = try MongoClientPool(uri: "mongodb://user:s3cret@host:notaport/db")
            Issue.record("accepted a bad port")
        } catch {
            #expect(!error.message.contains("s3cret"), "\(error.message)")
            #expect(error.message.contains("user:***@host"), "\(error.message)")
        }
    }

    @Test func defaultDatabaseComesFromThePath() throws {
        #expect(try MongoClientPool(uri: "mongodb://localhost/pocket-ml-testbench").defaultDatabaseName == "pocket-ml-testbench")
        #expect(try MongoClientPool(uri: "mongodb://localhost").defaultDatabaseName == nil)
    }

    @Test func handlesCarryNames() throws {
        let pool = try MongoClientPool(uri: "mongodb://localhost")
        let collection = pool.database("db").collection("prompts")
        #expect(collection.databaseName == "db")
        #expect(collection.name == "prompts")
        #expect(collection.database.name == "db")
    }
}

/// Nothing listens on port 1: every operation must fail fast with a retryable `.connection`.
@Suite struct UnreachableServerTests {
    static let uri = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
    /// Far below libmongoc's 30 s default server selection timeout, so a hang is caught, yet loose
    /// enough for a loaded 2-core machine (or valgrind) where each attempt takes a few 300 ms rounds.
    static let limit = Duration.seconds(25)

    private func expectConnectionError(within limit: Duration = limit, _ operation: () async throws(MongoError) -> Void) async {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await operation()
            Issue.record("the operation succeeded against a closed port")
        } catch {
            #expect(error.code == .connection, "\(error)")
            #expect(error.isTransient)
        }
        #expect(clock.now - start < limit)
    }

    @Test func pingFailsWithRetryableConnectionError() async throws {
        let pool = try MongoClientPool(uri: Self.uri)
        await expectConnectionError { () throws(MongoError) in try await pool.ping() }
    }

    @Test func collectionOperationsFailWithConnectionError() async throws {
        let collection = try MongoClientPool(uri: Self.uri).database("db").collection("c")
        await expectConnectionError { () throws(MongoError) in _ = try await collection.insertOne(["a": 1]) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.insertMany([["a": 1], ["b": 2]]) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.find(["a": 1], sort: ["a": 1], limit: 3) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.findOne(["a": 1]) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.updateOne(filter: [:], update: ["$set": ["a": 2]], upsert: true) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.replaceOne(filter: [:], replacement: ["a": 3]) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.deleteMany([:]) }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.countDocuments() }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.aggregate([["$match": [:]]]) }
        await expectConnectionError { () throws(MongoError) in
            _ = try await collection.bulkWrite([.insertOne(["a": 1]), .deleteOne(filter: ["a": 1])])
        }
        await expectConnectionError { () throws(MongoError) in _ = try await collection.createIndexes([IndexModel(keys: ["a": 1])]) }
    }

    @Test func cursorFailsOnFirstFetchAndCanBeDropped() async throws {
        let collection = try MongoClientPool(uri: Self.uri).database("db").collection("c")
        let cursor = try await collection.findCursor(["a": 1], batchSize: 2)
        await expectConnectionError { () throws(MongoError) in _ = try await cursor.next() }
        // A failed cursor has released its client: further calls just report the end.
        #expect(try await cursor.next() == nil)
        let unused = try await collection.findCursor()
        _ = unused
    }

    @Test func transactionsFailBeforeRunningTheBody() async throws {
        let pool = try MongoClientPool(uri: Self.uri)
        var ran = false
        do {
            try await pool.withTransaction { _ in ran = true }
            Issue.record("transaction succeeded without a server")
        } catch let error as MongoError {
            #expect(error.code == .connection, "\(error)")
        }
        #expect(!ran)
        await expectConnectionError { () throws(MongoError) in _ = try await pool.supportsTransactions() }
    }
}

@Suite struct MongoErrorTests {
    @Test(arguments: [
        (MongoError(code: .connection, message: "x"), true),
        (MongoError(code: .writeConflict, message: "x", serverCode: 112), true),
        (MongoError(code: .server(50), message: "x", labels: ["TransientTransactionError"], serverCode: 50), true),
        (MongoError(code: .server(10107), message: "not primary", serverCode: 10107), true),
        (MongoError(code: .duplicateKey, message: "x", serverCode: 11000), false),
        (MongoError(code: .invalidDocument, message: "x"), false),
        (MongoError(code: .server(2), message: "bad value", serverCode: 2), false),
    ])
    func retryability(error: MongoError, retryable: Bool) {
        #expect(error.isTransient == retryable)
    }

    @Test func descriptionShowsCodeAndLabels() {
        let error = MongoError(code: .server(251), message: "no such transaction", labels: ["TransientTransactionError"], serverCode: 251)
        #expect(error.description == "MongoDB server(251): no such transaction [labels: TransientTransactionError]")
        #expect(error.hasLabel("TransientTransactionError"))
        #expect(MongoError.Code.server(251) == error.code)
        #expect(MongoError.Code.server(251) != .server(252))
    }

    @Test(arguments: [
        (IndexModel(keys: ["task_id": 1, "done": -1]), "task_id_1_done_-1"),
        (IndexModel(keys: ["body": "text"]), "body_text"),
        (IndexModel(keys: ["a": 1], name: "custom"), "custom"),
    ])
    func indexNamesFollowTheDriverConvention(index: IndexModel, name: String) {
        #expect(index.resolvedName == name)
    }
}
