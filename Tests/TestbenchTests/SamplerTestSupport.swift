import Datasets
import ExtendedJSON
import Foundation
import JSON
import Logging
import Mongo
import Postgres
import TestSupport
import Testbench
import Testing
import WorkflowDefinitions

/// Paths inside the package.
enum PackagePaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var tasks: String { root.appendingPathComponent("tasks").path }
    static var datasets: String { root.appendingPathComponent("datasets").path }
    static var parity: URL { root.appendingPathComponent("Tests/LMEvalTests/Fixtures/parity") }

    /// The lines of a parity fixture (`{"doc_id", "prompt", "request", "target"}` per document).
    static func parityLines(_ name: String) throws -> [JSONValue] {
        let text = try String(contentsOf: parity.appendingPathComponent("\(name).jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }
}

/// One test's PostgreSQL world: a fresh schema (on every pooled connection's search_path) holding
/// dataset tables, task_registry and the JSONB document store, plus services over it.
struct SamplerWorld {
    let schema: String
    let pool: PostgresConnectionPool
    let services: TestbenchServices

    /// With `mongoURI`, documents go to a fresh MongoDB database instead of PostgreSQL JSONB.
    static func make(timeouts: [String: ServiceTimeouts] = [:], mongoURI: String? = nil,
                     includePath: [String] = [PackagePaths.tasks], datasetsDir: String = PackagePaths.datasets,
                     taskSettings: TaskSettingsTable? = nil,
                     wrap: (any DocumentStore) -> any DocumentStore = { $0 }) async throws -> SamplerWorld {
        let base = try TestDatabase.uri()
        let schema = TestDatabase.uniqueName("sampler")
        let setup = try await PostgresConnection.connect(uri: base)
        try await setup.execute("CREATE SCHEMA \(Postgres.quoteIdentifier(schema))")
        await setup.close()
        let uri = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        let pool = PostgresConnectionPool(uri: uri, maxConnections: 4)
        let store: any DocumentStore = try mongoURI.map { uri in
            MongoDocumentStore(pool: try MongoClientPool(uri: uri), databaseName: schema)
        } ?? PostgresDocumentStore(pool: pool, schema: schema)
        try await store.prepare()
        let config = TestbenchConfig(postgresURI: uri, includePath: includePath, datasetsDir: datasetsDir, timeouts: timeouts)
        let services = TestbenchServices(config: config, postgres: pool, documents: wrap(store), logger: Logger(label: "sampler-test"),
                                         taskSettingsTable: taskSettings)
        return SamplerWorld(schema: schema, pool: pool, services: services)
    }

    /// Registers `task` through the Register workflow's registrar (offline: `datasets/` only).
    /// `dataset` names the bigbench dataset, for the range helpers.
    func register(_ task: String, dataset: String) async throws {
        let registrar = TaskRegistrar(services: services, huggingFace: nil)
        let outcomes = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": .string(task)]), logger: services.logger)
        #expect(outcomes.map(\.table) == [DatasetTableName.make(path: "bigbench", name: dataset)])
    }

    /// The evaluation split's range of a registered bigbench dataset.
    func testRange(_ dataset: String) async throws -> SplitRange {
        let ranges = try await pool.withConnection { connection in
            try await DatasetTable.splitRanges(DatasetTableName.make(path: "bigbench", name: dataset), on: connection)
        }
        return try #require(ranges.first { $0.split == "test" })
    }

    func sample(_ input: JSONValue, runID: String = UUID().uuidString) async throws -> SamplerOutcome {
        try await Sampler(services: services).sample(SamplerRequest.parse(input), runID: runID, logger: services.logger)
    }

    func allTasks() async throws -> [JSONObject] {
        try await services.documents.tasks(matching: TaskQuery())
    }

    func close() async {
        _ = try? await pool.withConnection { connection in
            try await connection.execute("DROP SCHEMA \(Postgres.quoteIdentifier(schema)) CASCADE")
        }
        await pool.close()
    }
}

/// The bundled bigbench tables hold 5 train rows before the test split, so test `__id`s start at 5:
/// every test sampling them names rows by `__id`, as the original's `doc_ids` do.
let bigbenchTestStart = 5

/// The `__id`s of the bundled test split's documents at lm-eval `positions`.
func testRows(_ positions: [Int]) -> [Int] { positions.map { $0 + bigbenchTestStart } }

/// A Sampler input for a bundled task.
func samplerInput(
    task: String, qty: Int? = nil, docIDs: [Int]? = nil, blacklist: [Int]? = nil, path: String = "/v1/completions",
    extra: [(String, JSONValue)] = []
) -> JSONValue {
    var object = JSONObject([
        ("framework", "lmeh"), ("tasks", .string(task)),
        ("requester_args", ["address": "pokt1supplier", "service": "A100", "path": .string(path)]),
        ("llm_args", ["model": "testbench-model"]),
    ])
    if let qty { object["qty"] = .int(qty) }
    if let docIDs { object["doc_ids"] = .array(docIDs.map(JSONValue.int)) }
    if let blacklist { object["blacklist"] = .array(blacklist.map(JSONValue.int)) }
    for (key, value) in extra { object[key] = value }
    return .object(object)
}

/// Marks every prompt of the task done, the task itself not: what the original's lookup calls a skipped task.
func markPromptsDone(_ world: SamplerWorld, taskID: ObjectID) async throws {
    let store = world.services.documents
    var prompts = try await store.prompts(taskID: taskID)
    for index in prompts.indices { prompts[index]["done"] = true }
    try await store.replaceTaskTree(TaskTree(task: try #require(try await store.task(id: taskID)),
                                             instances: try await store.instances(taskID: taskID), prompts: prompts))
}

/// A document store that fails on purpose, to check what a failed write leaves behind.
struct FailingDocumentStore: DocumentStore {
    enum Mode: Sendable { case unavailable, duplicatePromptID }
    let base: any DocumentStore
    let mode: Mode

    var kind: String { base.kind }
    func prepare() async throws(DocumentStoreError) { try await base.prepare() }

    func replaceTaskTree(_ tree: TaskTree) async throws(DocumentStoreError) {
        switch mode {
        case .unavailable:
            throw DocumentStoreError(.unavailable, "connection refused (test)")
        case .duplicatePromptID:
            // The last prompt reuses the first one's id: the write fails after the deletes and the instance insert.
            var broken = tree
            if let first = broken.prompts.first?["_id"], broken.prompts.count > 1 { broken.prompts[broken.prompts.count - 1]["_id"] = first }
            try await base.replaceTaskTree(broken)
        }
    }

    func deleteTaskTree(taskID: ObjectID) async throws(DocumentStoreError) { try await base.deleteTaskTree(taskID: taskID) }
    func task(id: ObjectID) async throws(DocumentStoreError) -> JSONObject? { try await base.task(id: id) }
    func tasks(matching query: TaskQuery) async throws(DocumentStoreError) -> [JSONObject] { try await base.tasks(matching: query) }
    func instances(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] { try await base.instances(taskID: taskID) }
    func prompts(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] { try await base.prompts(taskID: taskID) }
    func responses(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] { try await base.responses(taskID: taskID) }
    func insertResponses(_ responses: [JSONObject]) async throws(DocumentStoreError) { try await base.insertResponses(responses) }
    func markDone(taskID: ObjectID, promptIDs: [ObjectID]) async throws(DocumentStoreError) { try await base.markDone(taskID: taskID, promptIDs: promptIDs) }
    func saveResult(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError) { try await base.saveResult(result, taskID: taskID) }
    func saveSignatureResult(_ result: JSONObject, taskID: ObjectID, entry: SignatureEntry?) async throws(DocumentStoreError) {
        try await base.saveSignatureResult(result, taskID: taskID, entry: entry)
    }
    func signatureEntries(_ collection: DocumentCollection, hash: String) async throws(DocumentStoreError) -> [JSONObject] {
        try await base.signatureEntries(collection, hash: hash)
    }
    func dropTask(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError) { try await base.dropTask(result, taskID: taskID) }
    func skippedTaskIDs() async throws(DocumentStoreError) -> [ObjectID] { try await base.skippedTaskIDs() }
    func oldTaskIDs(blocksAgo: Int) async throws(DocumentStoreError) -> [ObjectID] { try await base.oldTaskIDs(blocksAgo: blocksAgo) }
    func markTaskDone(_ taskID: ObjectID) async throws(DocumentStoreError) { try await base.markTaskDone(taskID) }
    func doneUnevaluatedTaskIDs() async throws(DocumentStoreError) -> [ObjectID] { try await base.doneUnevaluatedTaskIDs() }
    func result(taskID: ObjectID) async throws(DocumentStoreError) -> JSONObject? { try await base.result(taskID: taskID) }
    func allResults() async throws(DocumentStoreError) -> [JSONObject] { try await base.allResults() }
}

/// An activity context for direct runs of the activity.
func activityContext(runID: String, attempt: Int = 1) -> ActivityContext {
    ActivityContext(workflowID: "sampler-test-\(runID)", runID: runID, workflowType: "Sampler", taskQueue: "sampler",
                    attempt: attempt, maxAttempts: 2, logger: Logger(label: "sampler-test"))
}
