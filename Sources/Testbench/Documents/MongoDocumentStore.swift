import ExtendedJSON
import JSON
import Mongo

/// The production document store: the original test-bench's MongoDB collections.
public struct MongoDocumentStore: DocumentStore {
    public let kind = "mongodb"
    private let pool: MongoClientPool
    private let database: MongoDatabase

    /// Uses the database named in the URI's path, else `pocket-ml-testbench` as the original does.
    public init(pool: MongoClientPool, databaseName: String? = nil) {
        self.pool = pool
        self.database = pool.database(databaseName ?? pool.defaultDatabaseName ?? "pocket-ml-testbench")
    }

    private func collection(_ collection: DocumentCollection) -> MongoCollection {
        database.collection(collection.rawValue)
    }

    public func prepare() async throws(DocumentStoreError) {
        // The original's indexes (its MongoDB init script), so the requester's and manager's queries stay fast.
        let indexes: [(DocumentCollection, [IndexModel])] = [
            (.tasks, [IndexModel(keys: ["tasks": 1, "framework": 1, "requester_args.address": 1, "requester_args.service": 1,
                                        "done": 1, "evaluated": 1, "drop": 1])]),
            (.instances, [IndexModel(keys: ["task_id": 1, "done": 1])]),
            (.prompts, [IndexModel(keys: ["task_id": 1, "instance_id": 1, "done": 1])]),
            (.responses, [IndexModel(keys: ["task_id": 1, "instance_id": 1, "prompt_id": 1, "ok": 1])]),
            (.results, [IndexModel(keys: ["result_data.task_id": 1], unique: true)]),
            (.tokenizers, [IndexModel(keys: ["hash": 1])]),
            (.configs, [IndexModel(keys: ["hash": 1])]),
        ]
        try await run {
            for (name, models) in indexes { try await collection(name).createIndexes(models) }
        }
    }

    public func replaceTaskTree(_ tree: TaskTree) async throws(DocumentStoreError) {
        guard let taskID = tree.taskID else { throw DocumentStoreError(.rejected, "task document has no ObjectId _id") }
        let prompts = collection(.prompts), instances = collection(.instances), tasks = collection(.tasks)
        try await atomically { session in
            // Task last: without a transaction a reader may see prompts early, never a task missing them.
            try await deleteTree(taskID, session: session)
            if !tree.prompts.isEmpty { try await prompts.insertMany(tree.prompts, session: session) }
            if !tree.instances.isEmpty { try await instances.insertMany(tree.instances, session: session) }
            try await tasks.insertOne(tree.task, session: session)
        }
    }

    /// Deletes a task's prompts, instances and the task, in that order (task last: without a
    /// transaction a reader may see prompts early, never a task missing them).
    private func deleteTree(_ taskID: ObjectID, session: MongoSession?) async throws {
        let byTask: JSONObject = ["task_id": .objectID(taskID)]
        try await collection(.prompts).deleteMany(byTask, session: session)
        try await collection(.instances).deleteMany(byTask, session: session)
        try await collection(.tasks).deleteMany(["_id": .objectID(taskID)], session: session)
    }

    /// Documents inserted per round trip while a tree streams in: few enough that a batch stays small.
    static let streamBatch = 256

    /// Streams the tree into the collections in batches inside one transaction (prompts, instances,
    /// then the task), so neither side holds it whole. Without transactions (a standalone server)
    /// it is collected first and written as `replaceTaskTree(_:)` writes, so a producer failure
    /// still leaves the earlier tree in place. The producer may be run again from the start when
    /// the server asks for the transaction to be retried.
    public func replaceTaskTree(streaming stream: TaskTreeStream) async throws -> TaskTreeCounts {
        let transactions = try await run { try await pool.supportsTransactions() }
        guard transactions else {
            let (tree, counts) = try await stream.collect()
            try await replaceTaskTree(tree)
            return counts
        }
        let prompts = collection(.prompts), instances = collection(.instances), tasks = collection(.tasks)
        do {
            return try await pool.withTransaction { session in
                try await deleteTree(stream.taskID, session: session)
                var instanceBatch: [JSONObject] = [], promptBatch: [JSONObject] = []
                var counts = TaskTreeCounts(instances: 0, prompts: 0)
                let task = try await stream.run { document in
                    switch document {
                    case let .instance(instance):
                        instanceBatch.append(instance)
                        counts.instances += 1
                    case let .prompt(prompt):
                        promptBatch.append(prompt)
                        counts.prompts += 1
                    }
                    if promptBatch.count >= Self.streamBatch {
                        try await prompts.insertMany(promptBatch, session: session)
                        promptBatch.removeAll(keepingCapacity: true)
                    }
                    if instanceBatch.count >= Self.streamBatch {
                        try await instances.insertMany(instanceBatch, session: session)
                        instanceBatch.removeAll(keepingCapacity: true)
                    }
                }
                try await prompts.insertMany(promptBatch, session: session)
                try await instances.insertMany(instanceBatch, session: session)
                try stream.requireOwnID(task)
                try await tasks.insertOne(task, session: session)
                return counts
            }
        } catch let failure as PassedThrough {
            throw failure.error
        } catch {
            throw Self.storeError(error)
        }
    }

    public func deleteTaskTree(taskID: ObjectID) async throws(DocumentStoreError) {
        let byTask: JSONObject = ["task_id": .objectID(taskID)]
        let dependents = [collection(.prompts), collection(.instances), collection(.responses)]
        let results = collection(.results), tasks = collection(.tasks)
        try await atomically { session in
            for dependent in dependents { try await dependent.deleteMany(byTask, session: session) }
            try await results.deleteMany(["result_data.task_id": .objectID(taskID)], session: session)
            try await tasks.deleteMany(["_id": .objectID(taskID)], session: session)
        }
    }

    public func task(id: ObjectID) async throws(DocumentStoreError) -> JSONObject? {
        try await run { try await collection(.tasks).findOne(["_id": .objectID(id)]) }
    }

    public func tasks(matching query: TaskQuery) async throws(DocumentStoreError) -> [JSONObject] {
        var filter = JSONObject()
        if let address = query.supplierAddress { filter["requester_args.address"] = .string(address) }
        if let name = query.taskName { filter["tasks"] = .string(name) }
        return try await run {
            try await collection(.tasks).find(filter, sort: ["creation_date": -1, "_id": -1], limit: query.limit)
        }
    }

    public func instances(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] {
        try await run { try await collection(.instances).find(["task_id": .objectID(taskID)], sort: ["doc_id": 1, "_id": 1]) }
    }

    public func prompts(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] {
        try await run { try await collection(.prompts).find(["task_id": .objectID(taskID)], sort: ["_id": 1]) }
    }

    public func responses(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] {
        try await run { try await collection(.responses).find(["task_id": .objectID(taskID)], sort: ["_id": 1]) }
    }

    public func insertResponses(_ responses: [JSONObject]) async throws(DocumentStoreError) {
        guard !responses.isEmpty else { return }
        try await run { try await collection(.responses).insertMany(responses, ordered: false) }
    }

    public func markDone(taskID: ObjectID, promptIDs: [ObjectID]) async throws(DocumentStoreError) {
        let prompts = collection(.prompts), instances = collection(.instances), tasks = collection(.tasks)
        let ids = JSONValue.array(promptIDs.map { .objectID($0) })
        try await atomically { session in
            let marked = try await prompts.find(["_id": ["$in": ids], "task_id": .objectID(taskID)], projection: ["instance_id": 1], session: session)
            try await prompts.updateMany(filter: ["_id": ["$in": ids]], update: ["$set": ["done": true]], session: session)
            let instanceIDs = JSONValue.array(marked.compactMap { $0["instance_id"] })
            try await instances.updateMany(filter: ["_id": ["$in": instanceIDs]], update: ["$set": ["done": true]], session: session)
            if try await prompts.countDocuments(["task_id": .objectID(taskID), "done": false], session: session) == 0 {
                try await tasks.updateOne(filter: ["_id": .objectID(taskID)], update: ["$set": ["done": true]], session: session)
            }
        }
    }

    public func saveResult(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError) {
        var fields = result
        fields["_id"] = nil
        let tasks = collection(.tasks), results = collection(.results)
        try await atomically { session in
            let marked = try await tasks.updateOne(filter: ["_id": .objectID(taskID)], update: ["$set": ["evaluated": true]], session: session)
            guard marked.matchedCount == 1 else { throw DocumentStoreError(.notFound, "task \(taskID.hex) does not exist") }
            try await results.updateOne(filter: ["result_data.task_id": .objectID(taskID)], update: ["$set": .object(fields)],
                                        upsert: true, session: session)
        }
    }

    public func saveSignatureResult(_ result: JSONObject, taskID: ObjectID, entry: SignatureEntry?) async throws(DocumentStoreError) {
        let registry = entry.map { collection($0.collection) }
        try await writeResult(result, taskID: taskID, flag: "evaluated") { session in
            if let entry, let registry, try await registry.countDocuments(["hash": .string(entry.hash)], session: session) == 0 {
                _ = try await registry.insertOne(entry.document, session: session)
            }
        }
    }

    public func signatureEntries(_ collection: DocumentCollection, hash: String) async throws(DocumentStoreError) -> [JSONObject] {
        try await run { try await self.collection(collection).find(["hash": .string(hash)], sort: ["_id": 1]) }
    }

    public func dropTask(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError) {
        try await writeResult(result, taskID: taskID, flag: "drop") { _ in }
    }

    /// Atomically: `first`, then the task's boolean `flag` set true, then the result upserted on `result_data.task_id`.
    private func writeResult(_ result: JSONObject, taskID: ObjectID, flag: String,
                             first: (MongoSession?) async throws -> Void) async throws(DocumentStoreError) {
        var fields = result
        fields["_id"] = nil
        let tasks = collection(.tasks), results = collection(.results)
        try await atomically { session in
            try await first(session)
            let marked = try await tasks.updateOne(filter: ["_id": .objectID(taskID)], update: ["$set": .object([flag: true])], session: session)
            guard marked.matchedCount == 1 else { throw DocumentStoreError(.notFound, "task \(taskID.hex) does not exist") }
            try await results.updateOne(filter: ["result_data.task_id": .objectID(taskID)], update: ["$set": .object(fields)],
                                        upsert: true, session: session)
        }
    }

    public func doneUnevaluatedTaskIDs() async throws(DocumentStoreError) -> [ObjectID] {
        try await run { try await collection(.tasks).find(["done": true, "evaluated": false], projection: ["_id": 1], sort: ["_id": 1]) }
            .compactMap { $0["_id"]?.objectIDValue }
    }

    public func skippedTaskIDs() async throws(DocumentStoreError) -> [ObjectID] {
        let pipeline: [JSONObject] = [
            ["$group": ["_id": "$task_id", "done": ["$sum": ["$cond": ["if": "$done", "then": 1, "else": 0]]], "total": ["$sum": 1]]],
            ["$match": ["$expr": ["$eq": ["$done", "$total"]]]],
            ["$project": ["_id": 1]],
        ]
        return try await run { try await collection(.prompts).aggregate(pipeline) }.compactMap { $0["_id"]?.objectIDValue }
    }

    public func oldTaskIDs(blocksAgo: Int) async throws(DocumentStoreError) -> [ObjectID] {
        let latest = try await run {
            try await collection(.suppliers).aggregate([["$group": ["_id": .null, "latest_height": ["$max": "$last_process_height"]]]])
        }
        guard let height = latest.first?["latest_height"]?.doubleValue else { return [] }
        let pipeline: [JSONObject] = [
            ["$match": ["done": false]],
            ["$project": ["total_instances": 1]],
            ["$lookup": ["from": "responses", "localField": "_id", "foreignField": "task_id", "as": "responses"]],
            // The original's "$responses.height" path, as an explicit $map: the same on MongoDB, and
            // SecantusDB (the test server) does not resolve field paths through arrays.
            ["$project": ["_id": 1, "total": "$total_instances", "done": ["$size": "$responses"],
                          "last_seen": ["$max": ["$map": ["input": "$responses", "in": "$$this.height"]]]]],
            ["$match": ["$expr": ["$and": [["$gte": ["$done", "$total"]], ["$lte": ["$last_seen", .double(height - Double(blocksAgo))]]]]]],
            ["$project": ["_id": 1]],
        ]
        return try await run { try await collection(.tasks).aggregate(pipeline) }.compactMap { $0["_id"]?.objectIDValue }
    }

    public func markTaskDone(_ taskID: ObjectID) async throws(DocumentStoreError) {
        try await run { try await collection(.tasks).updateOne(filter: ["_id": .objectID(taskID)], update: ["$set": ["done": true]]) }
    }

    public func result(taskID: ObjectID) async throws(DocumentStoreError) -> JSONObject? {
        try await run { try await collection(.results).findOne(["result_data.task_id": .objectID(taskID)]) }
    }

    public func allResults() async throws(DocumentStoreError) -> [JSONObject] {
        try await run { try await collection(.results).find([:], sort: ["_id": 1]) }
    }

    // MARK: - Plumbing

    /// Runs `body` in a transaction when the server has them (replica set or sharded cluster);
    /// otherwise runs it as is, relying on the delete-then-insert order to make a retry replace
    /// whatever a crashed attempt left.
    private func atomically(_ body: (MongoSession?) async throws -> Void) async throws(DocumentStoreError) {
        try await run {
            if try await pool.supportsTransactions() {
                try await pool.withTransaction { session in try await body(session) }
            } else {
                try await body(nil)
            }
        }
    }

    @discardableResult
    private func run<T>(_ body: () async throws -> T) async throws(DocumentStoreError) -> T {
        do {
            return try await body()
        } catch {
            throw Self.storeError(error)
        }
    }

    /// A failure as the store reports it: transient driver errors are retryable, the server's refusals are not.
    private static func storeError(_ error: any Error) -> DocumentStoreError {
        switch error {
        case let error as DocumentStoreError: error
        case let error as MongoError:
            error.isTransient
                ? DocumentStoreError(.unavailable, "document store (mongodb) unavailable: \(error)")
                : DocumentStoreError(.rejected, "document store (mongodb) rejected the request: \(error)")
        default: DocumentStoreError(.unavailable, "document store (mongodb): \(error)")
        }
    }
}
