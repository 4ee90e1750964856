import ExtendedJSON
import Foundation
import JSON
import Mongo
import Postgres
import TestSupport
import Testbench
import Testing

/// One behaviour suite for every document store: PostgreSQL always, MongoDB when a server is given.
@Suite struct DocumentStoreTests {
    enum Backend: String, CaseIterable, CustomStringConvertible {
        case postgres, mongodb
        var description: String { rawValue }
    }

    static var mongoURI: String? { ProcessInfo.processInfo.environment["TESTBENCH_MONGODB_URI"].flatMap { $0.isEmpty ? nil : $0 } }

    static var backends: [Backend] { mongoURI == nil ? [.postgres] : [.postgres, .mongodb] }

    /// A fresh, isolated store of the given kind.
    func makeStore(_ backend: Backend) async throws -> any DocumentStore {
        switch backend {
        case .postgres:
            let store = PostgresDocumentStore(pool: try TestDatabase.pool(), schema: TestDatabase.uniqueName("docs"))
            try await store.prepare()
            return store
        case .mongodb:
            let pool = try MongoClientPool(uri: try #require(Self.mongoURI))
            let store = MongoDocumentStore(pool: pool, databaseName: TestDatabase.uniqueName("testbench_docs"))
            try await store.prepare()
            return store
        }
    }

    static func tree(taskID: ObjectID = ObjectID(), supplier: String = "supplier-a", task: String = "bigbench_navigate", count: Int = 3) -> TaskTree {
        let now = JSONValue.date(Date(timeIntervalSince1970: 1_700_000_000))
        let taskDocument: JSONObject = [
            "_id": .objectID(taskID), "framework": "lmeh",
            "requester_args": ["address": .string(supplier), "service": "A100", "method": "POST", "path": "/v1/completions", "headers": nil],
            "blacklist": [1, 2], "qty": .int(count), "tasks": .string(task), "total_instances": .int(count),
            "request_type": "generate_until", "done": false, "evaluated": false, "drop": false, "creation_date": now,
        ]
        var instances: [JSONObject] = [], prompts: [JSONObject] = []
        for docID in 0..<count {
            let instanceID = ObjectID()
            instances.append([
                "_id": .objectID(instanceID), "task_id": .objectID(taskID), "request_type": "generate_until",
                "doc": ["input": .string("question \(docID)"), "target": "True"], "arguments": ["prompt", ["until": ["\n"]]],
                "idx": 0, "metadata": [.string(task), .int(docID), 1], "task_name": .string(task), "doc_id": .int(docID),
                "repeats": 1, "done": false, "creation_date": now,
            ])
            prompts.append([
                "_id": .objectID(ObjectID()), "data": .string(#"{"model": "m", "prompt": "q"}"#), "task_id": .objectID(taskID),
                "instance_id": .objectID(instanceID), "timeout": 60, "done": false, "trigger_session": 0,
                "creation_date": now, "ctxlen": 12, "context_enc": nil, "continuation_enc": nil,
            ])
        }
        return TaskTree(task: taskDocument, instances: instances, prompts: prompts)
    }

    @Test(arguments: backends)
    func writesAndReadsATreeWithFieldsInTheOriginalsOrder(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let tree = Self.tree()
        let taskID = try #require(tree.taskID)
        try await store.replaceTaskTree(tree)
        let task = try #require(try await store.task(id: taskID))
        #expect(task == tree.task)
        #expect(task.keys == DocumentCollection.tasks.ordered(tree.task).keys)
        #expect(try await store.instances(taskID: taskID) == tree.instances)
        #expect(try await store.prompts(taskID: taskID) == tree.prompts)
        #expect(try await store.prompts(taskID: taskID).first?.keys == DocumentCollection.prompts.fieldOrder)
    }

    @Test(arguments: backends)
    func replacingATreeLeavesOnlyTheNewOne(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let taskID = ObjectID()
        try await store.replaceTaskTree(Self.tree(taskID: taskID, count: 5))
        let second = Self.tree(taskID: taskID, count: 2)
        try await store.replaceTaskTree(second)
        #expect(try await store.instances(taskID: taskID).count == 2)
        #expect(try await store.prompts(taskID: taskID) == second.prompts)
        #expect(try await store.tasks(matching: TaskQuery()).count == 1)
    }

    @Test(arguments: backends)
    func aRejectedWriteLeavesThePreviousTreeIntact(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let taskID = ObjectID()
        let original = Self.tree(taskID: taskID, count: 3)
        try await store.replaceTaskTree(original)
        var broken = Self.tree(taskID: taskID, count: 3)
        broken.prompts[2]["_id"] = broken.prompts[0]["_id"]  // duplicate key half-way through the write
        let error = await #expect(throws: DocumentStoreError.self) { try await store.replaceTaskTree(broken) }
        #expect(error?.kind == .rejected)
        #expect(try await store.prompts(taskID: taskID) == original.prompts)
        #expect(try await store.task(id: taskID) == original.task)
    }

    /// What a producer throws on purpose half-way through a streamed tree.
    struct ProducerStopped: Error, Equatable {}

    /// `tree` as a stream, interleaving each instance with its prompts as the Sampler produces them;
    /// `failAfter` documents it throws `ProducerStopped` instead.
    static func stream(_ tree: TaskTree, failAfter: Int? = nil) throws -> TaskTreeStream {
        let taskID = try #require(tree.taskID)
        return TaskTreeStream(taskID: taskID) { body in
            var handed = 0
            for instance in tree.instances {
                let id = instance["_id"]
                for document in [TaskTreeDocument.instance(instance)] + tree.prompts.filter({ $0["instance_id"] == id }).map(TaskTreeDocument.prompt) {
                    if handed == failAfter { throw ProducerStopped() }
                    try await body(document)
                    handed += 1
                }
            }
            return tree.task
        }
    }

    /// 600 documents of each kind pass MongoDB's streamed write in several batches and a remainder.
    @Test(arguments: backends, [40, 600])
    func aStreamedTreeReadsBackAsTheWholeTreeWould(backend: Backend, count: Int) async throws {
        let store = try await makeStore(backend)
        let tree = Self.tree(count: count)
        let taskID = try #require(tree.taskID)
        let counts = try await store.replaceTaskTree(streaming: try Self.stream(tree))
        #expect(counts == TaskTreeCounts(instances: count, prompts: count))
        #expect(try await store.task(id: taskID) == tree.task)
        #expect(try await store.instances(taskID: taskID) == tree.instances)
        #expect(try await store.prompts(taskID: taskID) == tree.prompts)
    }

    @Test(arguments: backends, [0, 1, 7])
    func aProducerFailureHalfWayLeavesThePreviousTreeAndPassesThrough(backend: Backend, failAfter: Int) async throws {
        let store = try await makeStore(backend)
        let taskID = ObjectID()
        let original = Self.tree(taskID: taskID, count: 3)
        try await store.replaceTaskTree(original)
        await #expect(throws: ProducerStopped.self) {
            try await store.replaceTaskTree(streaming: try Self.stream(Self.tree(taskID: taskID, count: 6), failAfter: failAfter))
        }
        #expect(try await store.task(id: taskID) == original.task)
        #expect(try await store.instances(taskID: taskID) == original.instances)
        #expect(try await store.prompts(taskID: taskID) == original.prompts)
    }

    /// The Sampler's producer awaits between documents, reading the next dataset rows on a
    /// connection of its own while the store's write is open: the tree lands whole, or, when the
    /// producer fails half-way, not at all.
    @Test(arguments: backends, [nil, 5] as [Int?])
    func aProducerReadingOnItsOwnConnectionBetweenDocumentsStreamsAtomically(backend: Backend, failAfter: Int?) async throws {
        let store = try await makeStore(backend)
        let tree = Self.tree(count: 6)
        let taskID = try #require(tree.taskID)
        let reads = try TestDatabase.pool(maxConnections: 1)
        let write = {
            try await reads.withConnection { connection in
                let stream = TaskTreeStream(taskID: taskID) { body in
                    for (handed, document) in (tree.instances.map(TaskTreeDocument.instance) + tree.prompts.map(TaskTreeDocument.prompt)).enumerated() {
                        if handed == failAfter { throw ProducerStopped() }
                        let echoed = try await connection.query("SELECT $1::int", [.int(handed)])
                        guard try echoed.first?.decode(Int.self, at: 0) == handed else { throw ProducerStopped() }
                        try await body(document)
                    }
                    return tree.task
                }
                return try await store.replaceTaskTree(streaming: stream)
            }
        }
        if failAfter == nil {
            #expect(try await write() == TaskTreeCounts(instances: 6, prompts: 6))
        } else {
            await #expect(throws: ProducerStopped.self) { _ = try await write() }
        }
        if failAfter == nil {
            #expect(try await store.instances(taskID: taskID) == tree.instances)
            #expect(try await store.prompts(taskID: taskID) == tree.prompts)
        } else {
            #expect(try await store.task(id: taskID) == nil)
            #expect(try await store.instances(taskID: taskID).isEmpty)
            #expect(try await store.prompts(taskID: taskID).isEmpty)
        }
    }

    @Test(arguments: backends)
    func aStreamedTaskDocumentOfAnotherIDIsRejectedAndWritesNothing(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let tree = Self.tree()
        let other = ObjectID()
        let stream = TaskTreeStream(taskID: other) { body in
            for instance in tree.instances { try await body(.instance(instance)) }
            return tree.task
        }
        let error = await #expect(throws: DocumentStoreError.self) { try await store.replaceTaskTree(streaming: stream) }
        #expect(error?.kind == .rejected)
        #expect(try await store.instances(taskID: other).isEmpty)
        #expect(try await store.task(id: try #require(tree.taskID)) == nil)
    }

    @Test func postgresPromptsWrittenWithDataInsideTheDocumentStillReadWhole() async throws {
        let pool = try TestDatabase.pool()
        let schema = TestDatabase.uniqueName("docs")
        let store = PostgresDocumentStore(pool: pool, schema: schema)
        try await store.prepare()
        let tree = Self.tree()
        let taskID = try #require(tree.taskID)
        try await store.replaceTaskTree(tree)
        let prompts = Postgres.quoteIdentifier(schema: schema, "prompts")
        // The layout before the data column: data a JSONB string inside doc.
        let moved = try await pool.withConnection { connection in
            try await connection.execute("UPDATE \(prompts) SET doc = jsonb_set(doc, '{data}', to_jsonb(data)), data = NULL WHERE data IS NOT NULL")
        }
        #expect(moved == tree.prompts.count)
        try await store.prepare()
        #expect(try await store.prompts(taskID: taskID) == tree.prompts)
    }

    @Test(arguments: backends)
    func listsTasksBySupplierAndName(backend: Backend) async throws {
        let store = try await makeStore(backend)
        try await store.replaceTaskTree(Self.tree(supplier: "a", task: "t1"))
        try await store.replaceTaskTree(Self.tree(supplier: "a", task: "t2"))
        try await store.replaceTaskTree(Self.tree(supplier: "b", task: "t1"))
        #expect(try await store.tasks(matching: TaskQuery(supplierAddress: "a")).count == 2)
        #expect(try await store.tasks(matching: TaskQuery(supplierAddress: "a", taskName: "t1")).count == 1)
        #expect(try await store.tasks(matching: TaskQuery(taskName: "t1", limit: 1)).count == 1)
        #expect(try await store.tasks(matching: TaskQuery(supplierAddress: "nobody")).isEmpty)
    }

    @Test(arguments: backends)
    func savingAResultMarksTheTaskEvaluatedAndReplacesAnEarlierResult(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let tree = Self.tree()
        let taskID = try #require(tree.taskID)
        try await store.replaceTaskTree(tree)
        func result(_ score: Double) -> JSONObject {
            ["_id": .objectID(ObjectID()),
             "result_data": ["task_id": .objectID(taskID), "num_samples": 1, "status": 0, "result_height": 10,
                             "result_time": .date(Date(timeIntervalSince1970: 1_700_000_100))],
             "scores": [["id": 0, "score": .double(score), "run_time": 12.5, "status_code": 0, "error_str": ""]]]
        }
        try await store.saveResult(result(0), taskID: taskID)
        try await store.saveResult(result(1), taskID: taskID)
        let stored = try #require(try await store.result(taskID: taskID))
        #expect(stored["scores"]?.arrayValue?.first?["score"] == 1.0)
        #expect(try await store.allResults().count == 1)
        #expect(try await store.task(id: taskID)?["evaluated"] == true)
    }

    @Test(arguments: backends)
    func savingAResultForAnUnknownTaskWritesNothing(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let missing = ObjectID()
        let error = await #expect(throws: DocumentStoreError.self) {
            try await store.saveResult(["result_data": ["task_id": .objectID(missing)], "scores": []], taskID: missing)
        }
        #expect(error?.kind == .notFound)
        #expect(try await store.result(taskID: missing) == nil)
    }

    @Test(arguments: backends)
    func responsesRoundTripAndDeleteRemovesTheWholeTree(backend: Backend) async throws {
        let store = try await makeStore(backend)
        let tree = Self.tree()
        let taskID = try #require(tree.taskID)
        try await store.replaceTaskTree(tree)
        let responses: [JSONObject] = tree.prompts.map { prompt in
            ["_id": .objectID(ObjectID()), "ok": true, "error_code": 0, "ms": 120, "response": #"{"choices":[{"text":" True"}]}"#,
             "error": "", "height": 5, "session_height": 4, "task_id": .objectID(taskID),
             "instance_id": prompt["instance_id"] ?? nil, "prompt_id": prompt["_id"] ?? nil]
        }
        try await store.insertResponses(responses)
        #expect(Set(try await store.responses(taskID: taskID).map { $0["prompt_id"] }) == Set(responses.map { $0["prompt_id"] }))
        try await store.deleteTaskTree(taskID: taskID)
        #expect(try await store.task(id: taskID) == nil)
        #expect(try await store.responses(taskID: taskID).isEmpty)
        #expect(try await store.prompts(taskID: taskID).isEmpty)
    }
}
