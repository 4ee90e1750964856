import WorkflowDefinitions
import Postgres

/// The PostgreSQL schema holding one queue's tables and functions, and the NOTIFY channels
/// derived from it. Separate schemas are separate queues (tests use one each).
public struct WorkflowQueueSchema: Sendable, Hashable {
    /// The schema name: lower-case letters, digits and `_`, at most 40 bytes.
    public let name: String

    /// The schema `public`.
    public static let `default` = WorkflowQueueSchema(checked: "public")

    /// A queue in schema `name`; throws when the name is not a plain lower-case identifier.
    public init(_ name: String) throws(WorkflowQueueError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
        guard allowed, let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")), name.utf8.count <= 40 else {
            throw .invalidArgument("queue schema name must be 1–40 lower-case letters, digits or '_' not starting with a digit, got '\(name)'")
        }
        self.name = name
    }

    private init(checked name: String) { self.name = name }

    /// `"schema"."workflow_runs"`.
    var runsTable: String { Postgres.quoteIdentifier(schema: name, "workflow_runs") }
    /// `"schema"."workflow_schema_migrations"`.
    var migrationsTable: String { Postgres.quoteIdentifier(schema: name, "workflow_schema_migrations") }
    /// `"schema"."<function>"`.
    func function(_ function: String) -> String { Postgres.quoteIdentifier(schema: name, function) }
    /// Workers listen here; payload: the task queue that got work, or `cancel`.
    var wakeChannel: String { "\(name).workflow_wake" }
    /// Result waiters listen here; payload: comma-separated ids of finished runs (those a waiter
    /// flagged with `notify_on_finish`, plus cancels of queued runs and lease time-outs), or `*`.
    var doneChannel: String { "\(name).workflow_done" }

    /// Applies missing migrations in one transaction under an advisory lock, so processes
    /// starting together do it once; returns the versions applied now (empty when up to date).
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws(WorkflowQueueError) -> [Int] {
        let schema = self
        do {
            return try await connection.transaction { connection in
                // The lock comes first: CREATE SCHEMA IF NOT EXISTS itself races between sessions.
                try connection.execute("SELECT pg_advisory_xact_lock(735701, hashtext($1))", [.string(schema.name)])
                // "already exists, skipping" notices are expected on every start but the first.
                try connection.execute("SET LOCAL client_min_messages = warning")
                try connection.execute("CREATE SCHEMA IF NOT EXISTS \(Postgres.quoteIdentifier(schema.name))")
                try connection.execute("""
                    CREATE TABLE IF NOT EXISTS \(schema.migrationsTable) (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                let rows = try connection.query("SELECT version FROM \(schema.migrationsTable)")
                var applied = Set<Int>()
                for row in rows { applied.insert(try row.decode(Int.self, at: 0)) }
                var appliedNow: [Int] = []
                for migration in WorkflowMigrations.all(for: schema) where !applied.contains(migration.version) {
                    try connection.executeScript(migration.sql)
                    try connection.execute(
                        "INSERT INTO \(schema.migrationsTable) (version, name) VALUES ($1, $2)",
                        [.int(migration.version), .string(migration.name)])
                    appliedNow.append(migration.version)
                }
                return appliedNow
            }
        } catch let error as PostgresError {
            throw .database(error)
        } catch {
            throw .database(PostgresError(code: .server, message: "migrating queue schema \(name) failed: \(error)"))
        }
    }
}
