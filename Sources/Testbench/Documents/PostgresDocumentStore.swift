import ExtendedJSON
import JSON
import Postgres

/// The embedded document store: the original's collections as JSONB tables in one PostgreSQL schema,
/// so a single PostgreSQL server is enough for a local run.
public struct PostgresDocumentStore: DocumentStore {
    public let kind = "postgres"
    private let pool: PostgresConnectionPool
    private let schema: String

    /// Uses `pool` and keeps the collections in `schema` (created by `prepare`).
    public init(pool: PostgresConnectionPool, schema: String = "documents") {
        self.pool = pool
        self.schema = schema
    }

    private func table(_ collection: DocumentCollection) -> String {
        Postgres.quoteIdentifier(schema: schema, collection.rawValue)
    }

    public func prepare() async throws(DocumentStoreError) {
        let s = Postgres.quoteIdentifier(schema)
        // The schema name goes into the lock key so stores in different schemas do not wait for each other.
        let ddl = """
            CREATE SCHEMA IF NOT EXISTS \(s);
            CREATE TABLE IF NOT EXISTS \(table(.tasks)) (
                id TEXT PRIMARY KEY, doc JSONB NOT NULL, written_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
            CREATE TABLE IF NOT EXISTS \(table(.instances)) (
                id TEXT PRIMARY KEY, task_id TEXT NOT NULL, seq BIGINT NOT NULL, doc JSONB NOT NULL);
            CREATE INDEX IF NOT EXISTS instances_task_id ON \(table(.instances)) (task_id, seq);
            CREATE TABLE IF NOT EXISTS \(table(.prompts)) (
                id TEXT PRIMARY KEY, task_id TEXT NOT NULL, seq BIGINT NOT NULL, doc JSONB NOT NULL);
            CREATE INDEX IF NOT EXISTS prompts_task_id ON \(table(.prompts)) (task_id, seq);
            -- A prompt's `data` (a JSON string in the contract) is kept as text beside the JSONB rest: as a JSONB
            -- string it was escaped twice and parsed by the server; rows written before it have it inside doc.
            ALTER TABLE \(table(.prompts)) ADD COLUMN IF NOT EXISTS data TEXT;
            CREATE TABLE IF NOT EXISTS \(table(.responses)) (
                id TEXT PRIMARY KEY, task_id TEXT NOT NULL, prompt_id TEXT, doc JSONB NOT NULL,
                written_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
            CREATE INDEX IF NOT EXISTS responses_task_id ON \(table(.responses)) (task_id);
            CREATE TABLE IF NOT EXISTS \(table(.results)) (
                task_id TEXT PRIMARY KEY, doc JSONB NOT NULL);
            CREATE TABLE IF NOT EXISTS \(table(.tokenizers)) (
                hash TEXT PRIMARY KEY, doc JSONB NOT NULL);
            CREATE TABLE IF NOT EXISTS \(table(.configs)) (
                hash TEXT PRIMARY KEY, doc JSONB NOT NULL);
            CREATE TABLE IF NOT EXISTS \(table(.suppliers)) (
                id TEXT PRIMARY KEY, doc JSONB NOT NULL);
            """
        try await run { connection in
            try await connection.transaction { connection in
                // IF NOT EXISTS on every start would otherwise print a NOTICE per object.
                try connection.execute("SET LOCAL client_min_messages = warning")
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", [.string("testbench.documents." + schema)])
                try connection.executeScript(ddl)
            }
        }
    }

    public func replaceTaskTree(_ tree: TaskTree) async throws(DocumentStoreError) {
        do {
            _ = try await replaceTaskTree(streaming: try TaskTreeStream(tree))
        } catch let error as DocumentStoreError {
            throw error
        } catch {
            throw DocumentStoreError(.unavailable, "document store (postgres): \(error)")
        }
    }

    /// Streams the tree into the tables in one transaction: instances go to their COPY as they are
    /// produced, prompts wait in a temporary file (one COPY at a time per connection) and follow,
    /// then the task row. The client never holds the tree and the server parses while it is built.
    public func replaceTaskTree(streaming stream: TaskTreeStream) async throws -> TaskTreeCounts {
        let taskID = stream.taskID.hex
        let tasks = table(.tasks), instances = table(.instances), prompts = table(.prompts)
        do {
            return try await pool.withConnection { connection in
                try await connection.transaction { connection in
                    // lz4 (PostgreSQL 14+, when built with it) compresses large documents several times faster than pglz.
                    try connection.execute("""
                        SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings
                        WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)
                        """)
                    try connection.execute("DELETE FROM \(prompts) WHERE task_id = $1", [.string(taskID)])
                    try connection.execute("DELETE FROM \(instances) WHERE task_id = $1", [.string(taskID)])
                    try connection.execute("DELETE FROM \(tasks) WHERE id = $1", [.string(taskID)])
                    let spool = try PostgresCopySpool()
                    var task = JSONObject()
                    let instanceCount = try await connection.copyIn("COPY \(instances) (id, task_id, seq, doc) FROM STDIN", producing: { writer in
                        task = try await stream.run { document in
                            switch document {
                            case let .instance(instance):
                                let row = try Self.row(instance, collection: .instances, taskID: taskID, seq: writer.rowsWritten)
                                try writer.appendRow(row)
                            case let .prompt(prompt):
                                try spool.appendRow(try Self.row(prompt, collection: .prompts, taskID: taskID, seq: spool.rows))
                            }
                        }
                    })
                    let promptCount = try connection.copyIn("COPY \(prompts) (id, task_id, seq, data, doc) FROM STDIN") { writer in
                        try spool.replay(into: &writer)
                    }
                    try stream.requireOwnID(task)
                    try connection.execute("INSERT INTO \(tasks) (id, doc) VALUES ($1, $2)", [.string(taskID), .json(.object(task))])
                    return TaskTreeCounts(instances: instanceCount, prompts: promptCount)
                }
            }
        } catch let failure as PassedThrough {
            throw failure.error
        } catch {
            throw Self.storeError(error)
        }
    }

    /// A COPY row `(id, task_id, seq, doc)` for a document with an ObjectId `_id`; a prompt's row
    /// is `(id, task_id, seq, data, doc)`, its string `data` taken out of `doc`.
    private static func row(_ document: JSONObject, collection: DocumentCollection, taskID: String, seq: Int) throws -> [PostgresValue] {
        guard let id = document["_id"]?.objectIDValue else {
            throw DocumentStoreError(.rejected, "a document of \(collection.rawValue) has no ObjectId _id")
        }
        let head: [PostgresValue] = [.string(id.hex), .string(taskID), .int(seq)]
        guard collection == .prompts else { return head + [.string(JSONValue.object(document).serialized())] }
        var rest = document
        var data = PostgresValue.null
        if case let .string(text)? = document["data"] {
            data = .string(text)
            rest["data"] = nil
        }
        return head + [data, .string(JSONValue.object(rest).serialized())]
    }

    public func deleteTaskTree(taskID: ObjectID) async throws(DocumentStoreError) {
        let id = taskID.hex
        let statements = [
            "DELETE FROM \(table(.prompts)) WHERE task_id = $1", "DELETE FROM \(table(.instances)) WHERE task_id = $1",
            "DELETE FROM \(table(.responses)) WHERE task_id = $1", "DELETE FROM \(table(.results)) WHERE task_id = $1",
            "DELETE FROM \(table(.tasks)) WHERE id = $1",
        ]
        try await run { connection in
            try await connection.transaction { connection in
                for statement in statements { try connection.execute(statement, [.string(id)]) }
            }
        }
    }

    public func task(id: ObjectID) async throws(DocumentStoreError) -> JSONObject? {
        try await documents(.tasks, "SELECT doc FROM \(table(.tasks)) WHERE id = $1", [.string(id.hex)]).first
    }

    public func tasks(matching query: TaskQuery) async throws(DocumentStoreError) -> [JSONObject] {
        try await documents(.tasks, """
            SELECT doc FROM \(table(.tasks))
            WHERE ($1::text IS NULL OR doc->'requester_args'->>'address' = $1) AND ($2::text IS NULL OR doc->>'tasks' = $2)
            ORDER BY written_at DESC, id DESC LIMIT $3
            """, [query.supplierAddress.map(PostgresValue.string) ?? .null, query.taskName.map(PostgresValue.string) ?? .null,
                  query.limit.map { .int64(Int64($0)) } ?? .null])
    }

    public func instances(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] {
        try await documents(.instances, "SELECT doc FROM \(table(.instances)) WHERE task_id = $1 ORDER BY seq", [.string(taskID.hex)])
    }

    public func prompts(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] {
        try await documents(.prompts, "SELECT doc, data FROM \(table(.prompts)) WHERE task_id = $1 ORDER BY seq", [.string(taskID.hex)])
    }

    public func responses(taskID: ObjectID) async throws(DocumentStoreError) -> [JSONObject] {
        try await documents(.responses, "SELECT doc FROM \(table(.responses)) WHERE task_id = $1 ORDER BY written_at, id",
                            [.string(taskID.hex)])
    }

    public func insertResponses(_ responses: [JSONObject]) async throws(DocumentStoreError) {
        guard !responses.isEmpty else { return }
        var ids: [String?] = [], taskIDs: [String?] = [], promptIDs: [String?] = [], documents: [String?] = []
        for response in responses {
            guard let id = response["_id"]?.objectIDValue, let taskID = response["task_id"]?.objectIDValue else {
                throw DocumentStoreError(.rejected, "a response needs ObjectId _id and task_id fields")
            }
            ids.append(id.hex)
            taskIDs.append(taskID.hex)
            promptIDs.append(response["prompt_id"]?.objectIDValue?.hex)
            documents.append(JSONValue.object(response).serialized())
        }
        let responsesTable = table(.responses)
        try await run { connection in
            try await connection.execute("""
                INSERT INTO \(responsesTable) (id, task_id, prompt_id, doc)
                SELECT id, task_id, prompt_id, doc::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, task_id, prompt_id, doc)
                ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc
                """, [.stringArray(ids), .stringArray(taskIDs), .stringArray(promptIDs), .stringArray(documents)])
        }
    }

    public func markDone(taskID: ObjectID, promptIDs: [ObjectID]) async throws(DocumentStoreError) {
        let prompts = table(.prompts), instances = table(.instances), tasks = table(.tasks)
        let ids = PostgresValue.stringArray(promptIDs.map(\.hex)), task = PostgresValue.string(taskID.hex)
        try await run { connection in
            try await connection.transaction { connection in
                try connection.execute("""
                    UPDATE \(prompts) SET doc = jsonb_set(doc, '{done}', 'true') WHERE task_id = $1 AND id = ANY($2::text[])
                    """, [task, ids])
                try connection.execute("""
                    UPDATE \(instances) SET doc = jsonb_set(doc, '{done}', 'true')
                    WHERE task_id = $1 AND id IN (SELECT doc->'instance_id'->>'$oid' FROM \(prompts) WHERE task_id = $1 AND id = ANY($2::text[]))
                    """, [task, ids])
                try connection.execute("""
                    UPDATE \(tasks) SET doc = jsonb_set(doc, '{done}', 'true')
                    WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM \(prompts) WHERE task_id = $1 AND doc->>'done' = 'false')
                    """, [task])
            }
        }
    }

    public func saveResult(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError) {
        let id = taskID.hex
        let results = table(.results), tasks = table(.tasks)
        let document = JSONValue.object(result)
        try await run { connection in
            try await connection.transaction { connection in
                let updated = try connection.execute(
                    "UPDATE \(tasks) SET doc = jsonb_set(doc, '{evaluated}', 'true') WHERE id = $1", [.string(id)])
                guard updated == 1 else { throw DocumentStoreError(.notFound, "task \(id) does not exist") }
                try connection.execute("""
                    INSERT INTO \(results) (task_id, doc) VALUES ($1, $2)
                    ON CONFLICT (task_id) DO UPDATE SET doc = EXCLUDED.doc
                    """, [.string(id), .json(document)])
            }
        }
    }

    public func saveSignatureResult(_ result: JSONObject, taskID: ObjectID, entry: SignatureEntry?) async throws(DocumentStoreError) {
        let registry = entry.map { table($0.collection) }
        try await writeResult(result, taskID: taskID, flag: "evaluated") { connection throws in
            if let entry, let registry {
                try connection.execute("INSERT INTO \(registry) (hash, doc) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING",
                                       [.string(entry.hash), .json(.object(entry.document))])
            }
        }
    }

    public func signatureEntries(_ collection: DocumentCollection, hash: String) async throws(DocumentStoreError) -> [JSONObject] {
        try await documents(collection, "SELECT doc FROM \(table(collection)) WHERE hash = $1", [.string(hash)])
    }

    public func dropTask(_ result: JSONObject, taskID: ObjectID) async throws(DocumentStoreError) {
        try await writeResult(result, taskID: taskID, flag: "drop") { _ in }
    }

    /// In one transaction: `first`, then the task's boolean `flag` set true, then the result upserted.
    private func writeResult(_ result: JSONObject, taskID: ObjectID, flag: String,
                             first: @escaping @Sendable (isolated PostgresConnection) throws -> Void) async throws(DocumentStoreError) {
        let id = taskID.hex
        let results = table(.results), tasks = table(.tasks)
        try await run { connection in
            try await connection.transaction { connection in
                try first(connection)
                let updated = try connection.execute(
                    "UPDATE \(tasks) SET doc = jsonb_set(doc, ARRAY[$2::text], 'true') WHERE id = $1", [.string(id), .string(flag)])
                guard updated == 1 else { throw DocumentStoreError(.notFound, "task \(id) does not exist") }
                try connection.execute("""
                    INSERT INTO \(results) (task_id, doc) VALUES ($1, $2)
                    ON CONFLICT (task_id) DO UPDATE SET doc = EXCLUDED.doc
                    """, [.string(id), .json(.object(result))])
            }
        }
    }

    public func doneUnevaluatedTaskIDs() async throws(DocumentStoreError) -> [ObjectID] {
        try await taskIDs("""
            SELECT id FROM \(table(.tasks)) WHERE doc->'done' = 'true'::jsonb AND doc->'evaluated' = 'false'::jsonb ORDER BY id
            """, [])
    }

    public func skippedTaskIDs() async throws(DocumentStoreError) -> [ObjectID] {
        try await taskIDs("""
            SELECT task_id FROM \(table(.prompts)) GROUP BY task_id
            HAVING count(*) FILTER (WHERE doc->'done' = 'true'::jsonb) = count(*) ORDER BY task_id
            """, [])
    }

    public func oldTaskIDs(blocksAgo: Int) async throws(DocumentStoreError) -> [ObjectID] {
        let responses = table(.responses)
        return try await taskIDs("""
            WITH latest AS (SELECT max((doc->>'last_process_height')::numeric) AS height FROM \(table(.suppliers)))
            SELECT t.id FROM \(table(.tasks)) t CROSS JOIN latest
            WHERE latest.height IS NOT NULL AND t.doc->'done' = 'false'::jsonb
              AND (SELECT count(*) FROM \(responses) r WHERE r.task_id = t.id) >= (t.doc->>'total_instances')::numeric
              AND (SELECT max((r.doc->>'height')::numeric) FROM \(responses) r WHERE r.task_id = t.id) <= latest.height - $1
            ORDER BY t.id
            """, [.int64(Int64(blocksAgo))])
    }

    public func markTaskDone(_ taskID: ObjectID) async throws(DocumentStoreError) {
        let tasks = table(.tasks)
        try await run { connection in
            try await connection.execute("UPDATE \(tasks) SET doc = jsonb_set(doc, '{done}', 'true') WHERE id = $1", [.string(taskID.hex)])
        }
    }

    private func taskIDs(_ sql: String, _ parameters: [PostgresValue]) async throws(DocumentStoreError) -> [ObjectID] {
        try await run { connection in
            try await connection.query(sql, parameters).map { row in
                let hex = try row.decode(String.self, at: 0)
                guard let id = ObjectID(hex: hex) else { throw DocumentStoreError(.rejected, "stored task id '\(hex)' is not an ObjectId") }
                return id
            }
        }
    }

    public func result(taskID: ObjectID) async throws(DocumentStoreError) -> JSONObject? {
        try await documents(.results, "SELECT doc FROM \(table(.results)) WHERE task_id = $1", [.string(taskID.hex)]).first
    }

    public func allResults() async throws(DocumentStoreError) -> [JSONObject] {
        try await documents(.results, "SELECT doc FROM \(table(.results)) ORDER BY task_id", [])
    }

    // MARK: - Plumbing

    private func documents(_ collection: DocumentCollection, _ sql: String, _ parameters: [PostgresValue]) async throws(DocumentStoreError) -> [JSONObject] {
        try await run { connection in
            let rows = try await connection.query(sql, parameters)
            return try rows.map { row in
                guard case var .object(object) = try row.jsonValue(at: 0) else {
                    throw DocumentStoreError(.rejected, "a stored \(collection.rawValue) document is not an object")
                }
                // A prompt's `data` column (see prepare) goes back into the document.
                if collection == .prompts, row.columns.count > 1, let data = try row.decode(String?.self, at: 1) { object["data"] = .string(data) }
                return collection.ordered(object)
            }
        }
    }

    @discardableResult
    private func run<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(DocumentStoreError) -> T {
        do {
            return try await pool.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Any error of a store operation as the store reports it: its own as they are, PostgreSQL's by `translate`.
    static func storeError(_ error: any Error) -> DocumentStoreError {
        switch error {
        case let error as DocumentStoreError: error
        case let error as PostgresError: translate(error)
        default: DocumentStoreError(.unavailable, "document store (postgres): \(error)")
        }
    }

    static func translate(_ error: PostgresError) -> DocumentStoreError {
        error.isTransient
            ? DocumentStoreError(.unavailable, "document store (postgres) unavailable: \(error)")
            : DocumentStoreError(.rejected, "document store (postgres) rejected the write: \(error)")
    }
}
