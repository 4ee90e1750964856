import ExtendedJSON
import Foundation
import JSON
import Mongo
import Testing

/// Live-server tests. They need a MongoDB reachable at TESTBENCH_MONGODB_URI (a replica set for
/// the transaction tests, e.g. `mongodb://localhost:27017/?replicaSet=rs0`). Without it they are
/// reported as skipped with the reason below, never silently passed.
enum LiveMongo {
    static let uri = ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].flatMap { $0.isEmpty ? nil : $0 }
    static let isConfigured = uri != nil

    /// A pool on the live server and a database unique to this test, dropped afterwards.
    static func withDatabase(_ body: (MongoDatabase) async throws -> Void) async throws {
        let pool = try MongoClientPool(uri: try #require(uri), appName: "testbench-tests")
        let database = pool.database("testbench_test_\(ObjectID().hex)")
        do {
            try await body(database)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}

struct AbortOnPurpose: Error, Equatable {}

// The comment is what Swift Testing prints next to the skipped tests.
@Suite(.enabled(if: LiveMongo.isConfigured, "skipped: TESTBENCH_MONGODB_URI not set"))
struct MongoIntegrationTests {
    @Test func pingsAndListsCollections() async throws {
        try await LiveMongo.withDatabase { database in
            try await database.pool.ping()
            _ = try await database.collection("a").insertOne(["x": 1])
            #expect(try await database.listCollectionNames() == ["a"])
        }
    }

    @Test func insertAndFindKeepTypesAndOrder() async throws {
        try await LiveMongo.withDatabase { database in
            let prompts = database.collection("prompts")
            let taskID = ObjectID()
            let created = Date(timeIntervalSince1970: 1_700_000_000.123)
            let document: JSONObject = [
                "task_id": .objectID(taskID), "data": "{\"prompt\": \"Q\"}", "timeout": 60, "ctxlen": 12,
                "score": 0.5, "big": 5_000_000_000, "done": false, "creation_date": .date(created),
                "nested": ["z": 1, "a": [1, "two", nil]],
            ]
            let id = try await prompts.insertOne(document)
            #expect(id.objectIDValue != nil)
            let found = try #require(try await prompts.findOne(["_id": id]))
            #expect(found.keys == ["_id"] + document.keys)
            var expected = document
            expected["_id"] = nil
            var actual = found
            actual["_id"] = nil
            #expect(strictlyEqual(actual, expected), "\(JSONValue.object(found))")
            #expect(found["creation_date"]?.dateValue == Date(timeIntervalSince1970: 1_700_000_000.123))
        }
    }

    @Test func insertManyFindSortProjectionLimit() async throws {
        try await LiveMongo.withDatabase { database in
            let collection = database.collection("items")
            let ids = try await collection.insertMany((0..<20).map { ["n": .int($0), "even": .bool($0 % 2 == 0), "tag": "t"] })
            #expect(ids.count == 20)
            #expect(Set(ids).count == 20)
            let evens = try await collection.find(["even": true], projection: ["_id": 0, "n": 1], sort: ["n": -1], limit: 3)
            #expect(evens.map { strictlyEqual(JSONValue.object($0), ["n": $0["n"] ?? nil]) } == [true, true, true])
            #expect(evens.compactMap { $0["n"]?.intValue } == [18, 16, 14])
            #expect(try await collection.find(["n": ["$gte": 15]], sort: ["n": 1], skip: 2).compactMap { $0["n"]?.intValue } == [17, 18, 19])
            #expect(try await collection.countDocuments(["even": false]) == 10)
            #expect(try await collection.findOne(["n": 99]) == nil)
        }
    }

    @Test func cursorStreamsInBatches() async throws {
        try await LiveMongo.withDatabase { database in
            let collection = database.collection("stream")
            try await collection.insertMany((0..<25).map { ["i": .int($0)] })
            let cursor = try await collection.findCursor(sort: ["i": 1], batchSize: 10)
            var seen: [Int] = []
            for try await document in cursor { seen.append(document["i"]?.intValue ?? -1) }
            #expect(seen == Array(0..<25))
            let limited = try await collection.findCursor(["i": ["$lt": 5]], limit: 3, batchSize: 2).collect()
            #expect(limited.count == 3)
        }
    }

    @Test func updatesAndUpserts() async throws {
        try await LiveMongo.withDatabase { database in
            let tasks = database.collection("tasks")
            try await tasks.insertMany([["k": 1, "done": false], ["k": 2, "done": false], ["k": 3, "done": true]])
            let one = try await tasks.updateOne(filter: ["k": 1], update: ["$set": ["done": true]])
            #expect(one == UpdateResult(matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedID: nil))
            let many = try await tasks.updateMany(filter: ["done": true], update: ["$set": ["evaluated": true]])
            #expect(many.matchedCount == 2 && many.modifiedCount == 2)
            let upsert = try await tasks.updateOne(filter: ["k": 4], update: ["$set": ["done": false]], upsert: true)
            #expect(upsert.upsertedCount == 1)
            #expect(upsert.upsertedID?.objectIDValue != nil)
            let replacedID = ObjectID()
            let replaced = try await tasks.replaceOne(filter: ["_id": .objectID(replacedID)], replacement: ["k": 5, "a.b": "dotted key"], upsert: true)
            #expect(replaced.upsertedID == .objectID(replacedID))
            let five = try #require(try await tasks.findOne(["k": 5]))
            #expect(five["a.b"] == "dotted key")
            let noop = try await tasks.replaceOne(filter: ["k": 42], replacement: ["k": 43])
            #expect(noop == UpdateResult(matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedID: nil))
            #expect(try await tasks.countDocuments() == 5)
        }
    }

    @Test func bulkWriteMixesOperations() async throws {
        try await LiveMongo.withDatabase { database in
            let collection = database.collection("bulk")
            let fixedID = JSONValue.objectID(ObjectID())
            let result = try await collection.bulkWrite([
                .insertOne(["n": 1]),
                .insertOne(["_id": fixedID, "n": 2]),
                .insertOne(["n": 3]),
                .updateOne(filter: ["n": 1], update: ["$inc": ["n": 10]]),
                .updateMany(filter: ["n": ["$gte": 2]], update: ["$set": ["big": true]]),
                .replaceOne(filter: ["n": 99], replacement: ["n": 99, "new": true], upsert: true),
                .deleteOne(filter: ["n": 3]),
                .deleteMany(filter: ["n": ["$gt": 1000]]),
            ])
            #expect(result.insertedCount == 3)
            #expect(result.insertedIDs[1] == fixedID)
            #expect(result.insertedIDs.count == 3)
            #expect(result.matchedCount == 1 + 3)
            #expect(result.upsertedCount == 1)
            #expect(result.upsertedIDs[5] != nil)
            #expect(result.deletedCount == 1)
            #expect(try await collection.find(sort: ["n": 1]).compactMap { $0["n"]?.intValue } == [2, 11, 99])
        }
    }

    @Test func aggregateAndDelete() async throws {
        try await LiveMongo.withDatabase { database in
            let responses = database.collection("responses")
            try await responses.insertMany((0..<10).map { ["task": .int($0 % 2), "ms": .int($0 * 10)] })
            let grouped = try await responses.aggregate([
                ["$group": ["_id": "$task", "total": ["$sum": "$ms"], "n": ["$sum": 1]]],
                ["$sort": ["_id": 1]],
            ])
            #expect(grouped.compactMap { $0["total"]?.intValue } == [200, 250])
            #expect(grouped.compactMap { $0["n"]?.intValue } == [5, 5])
            #expect(try await responses.deleteOne(["task": 0]) == 1)
            #expect(try await responses.deleteMany(["task": 0]) == 4)
            #expect(try await responses.deleteMany([:]) == 5)
            #expect(try await responses.countDocuments() == 0)
        }
    }

    @Test func uniqueIndexRejectsDuplicates() async throws {
        try await LiveMongo.withDatabase { database in
            let collection = database.collection("unique")
            let names = try await collection.createIndexes([IndexModel(keys: ["key": 1], unique: true), IndexModel(keys: ["a": 1, "b": -1])])
            #expect(names == ["key_1", "a_1_b_-1"])
            try await collection.insertOne(["key": "x"])
            do {
                try await collection.insertOne(["key": "x"])
                Issue.record("duplicate accepted")
            } catch let error as MongoError {
                #expect(error.code == .duplicateKey, "\(error)")
                #expect(!error.isTransient)
            }
        }
    }

    @Test func transactionCommits() async throws {
        try await LiveMongo.withDatabase { database in
            let supported = try await database.pool.supportsTransactions()
            try #require(supported, "TESTBENCH_MONGODB_URI must point at a replica set (or mongos) for transactions")
            let tasks = database.collection("tasks")
            let prompts = database.collection("prompts")
            // Collections must exist before a transaction on servers older than 4.4.
            try await tasks.insertOne(["seed": true])
            try await prompts.insertOne(["seed": true])
            let taskID = JSONValue.objectID(ObjectID())
            let count = try await database.pool.withTransaction { session in
                try await tasks.insertOne(["_id": taskID, "done": false], session: session)
                try await prompts.insertMany((0..<3).map { ["task_id": taskID, "i": .int($0)] }, session: session)
                try await tasks.updateOne(filter: ["_id": taskID], update: ["$set": ["total_instances": 3]], session: session)
                return try await prompts.countDocuments(["task_id": taskID], session: session)
            }
            #expect(count == 3)
            #expect(try await prompts.countDocuments(["task_id": taskID]) == 3)
            #expect(try await tasks.findOne(["_id": taskID])?["total_instances"] == 3)
        }
    }

    @Test func transactionAbortsOnThrownError() async throws {
        try await LiveMongo.withDatabase { database in
            let supported = try await database.pool.supportsTransactions()
            try #require(supported, "TESTBENCH_MONGODB_URI must point at a replica set (or mongos) for transactions")
            let prompts = database.collection("prompts")
            try await prompts.insertOne(["seed": true])
            await #expect(throws: AbortOnPurpose.self) {
                try await database.pool.withTransaction { session in
                    try await prompts.insertMany([["half": 1], ["half": 2]], session: session)
                    #expect(try await prompts.countDocuments(["half": ["$exists": true]], session: session) == 2)
                    throw AbortOnPurpose()
                }
            }
            #expect(try await prompts.countDocuments(["half": ["$exists": true]]) == 0)
            #expect(try await prompts.countDocuments() == 1)
        }
    }
}
