import ExtendedJSON
import Foundation
import JSON
import Logging
import Mongo
import Postgres
import TestSupport
import Testing
@testable import Testbench

/// The original lookup's "old/skipped tasks" rule, on both stores.
@Suite struct StaleTasksTests {
    static let logger = Logger(label: "stale-test")

    /// Four tasks: every prompt done but the task not (skipped); all responses in, last at height 10
    /// (old, the suppliers being at 100); all in at height 90 (recent); one of two responses (incomplete).
    static func check(_ world: SamplerWorld, addSupplier: (Int) async throws -> Void) async throws {
        try await world.register("bigbench_word_sorting", dataset: "word_sorting")
        let store = world.services.documents
        #expect(try await StaleTasks.markOldAndSkippedDone(in: store, logger: logger).isEmpty)

        let skipped = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([0])))
        try await markPromptsDone(world, taskID: skipped.taskID)
        let old = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([1, 2])))
        try await writeResponses(world, taskID: old.taskID, height: 9) { _, target, _ in .text(target) }
        let recent = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([3])))
        try await writeResponses(world, taskID: recent.taskID, height: 90) { _, target, _ in .text(target) }
        let incomplete = try await world.sample(samplerInput(task: "bigbench_word_sorting", docIDs: testRows([4, 5])))
        try await writeResponses(world, taskID: incomplete.taskID, height: 1) { position, target, _ in position == 4 ? .text(target) : FakeReply.none }

        #expect(try await store.oldTaskIDs(blocksAgo: 40).isEmpty, "no supplier height yet: nothing is old")
        try await addSupplier(100)
        try await addSupplier(60)
        #expect(try await store.skippedTaskIDs() == [skipped.taskID])
        #expect(try await store.oldTaskIDs(blocksAgo: 40) == [old.taskID],
                "skipped \(skipped.taskID.hex) old \(old.taskID.hex) recent \(recent.taskID.hex) incomplete \(incomplete.taskID.hex)")
        #expect(try await store.oldTaskIDs(blocksAgo: 5).sorted { $0.hex < $1.hex } == [old.taskID, recent.taskID].sorted { $0.hex < $1.hex })

        let marked = try await StaleTasks.markOldAndSkippedDone(in: store, logger: logger)
        #expect(marked == [skipped.taskID, old.taskID])
        for (id, done) in [(skipped.taskID, true), (old.taskID, true), (recent.taskID, false), (incomplete.taskID, false)] {
            #expect(try await store.task(id: id)?["done"] == .bool(done))
        }
        #expect(try await store.oldTaskIDs(blocksAgo: 40).isEmpty, "a task marked done is no longer old")
    }

    @Test func onPostgreSQL() async throws {
        let world = try await SamplerWorld.make()
        try await withCleanup({ await world.close() }) {
            try await Self.check(world) { height in
                let table = Postgres.quoteIdentifier(schema: world.schema, "suppliers")
                _ = try await world.pool.withConnection { connection in
                    try await connection.execute("INSERT INTO \(table) (id, doc) VALUES ($1, $2)",
                                                 [.string(ObjectID().hex), .json(["last_process_height": .int(height)])])
                }
            }
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].map { !$0.isEmpty } ?? false))
    func onMongoDB() async throws {
        let uri = try #require(ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"])
        let world = try await SamplerWorld.make(mongoURI: uri)
        let pool = try MongoClientPool(uri: uri)
        try await withCleanup({ await world.close() }) {
            try await Self.check(world) { height in
                _ = try await pool.database(world.schema).collection("suppliers").insertOne(["_id": .objectID(ObjectID()), "last_process_height": .int(height)])
            }
        }
    }
}
