import Foundation
import JSON
import Postgres

/// One row of `task_registry`: which dataset table a task reads.
public struct TaskRegistration: Sendable, Equatable {
    public var taskName: String
    public var datasetTableName: String
    public var datasetPath: String?
    public var datasetName: String?
    /// The table's split ranges when the task was registered.
    public var splits: [SplitRange]
    /// Set by the database on insert/update.
    public var registeredAt: Date?

    public init(taskName: String, datasetTableName: String, datasetPath: String? = nil, datasetName: String? = nil,
                splits: [SplitRange] = [], registeredAt: Date? = nil)
    {
        self.taskName = taskName
        self.datasetTableName = datasetTableName
        self.datasetPath = datasetPath
        self.datasetName = datasetName
        self.splits = splits
        self.registeredAt = registeredAt
    }
}

/// The `task_registry` table: create, register (upsert) and look up tasks.
public enum TaskRegistry {
    public static let tableName = "task_registry"

    /// `CREATE TABLE IF NOT EXISTS task_registry (…)`.
    public static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS task_registry (
            task_name TEXT PRIMARY KEY,
            dataset_table_name TEXT NOT NULL,
            registered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            dataset_path TEXT,
            dataset_name TEXT,
            splits JSONB NOT NULL DEFAULT '[]'::jsonb
        )
        """

    /// Creates the table when missing.
    public static func createTable(on connection: isolated PostgresConnection) async throws(DatasetError) {
        do {
            // Two workers starting together may race on CREATE TABLE IF NOT EXISTS; serialise them.
            try await connection.transaction { connection in
                try connection.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", [.int32(DatasetLoader.advisoryLockClass), .string(tableName)])
                try connection.execute(createTableSQL)
            }
        } catch {
            throw DatasetError.from(error, operation: "creating task_registry")
        }
    }

    /// Inserts or replaces the task's row (sets `registered_at` to now).
    public static func register(_ registration: TaskRegistration, on connection: isolated PostgresConnection) throws(DatasetError) {
        do {
            try connection.execute("""
                INSERT INTO task_registry (task_name, dataset_table_name, dataset_path, dataset_name, splits, registered_at)
                VALUES ($1, $2, $3, $4, $5, now())
                ON CONFLICT (task_name) DO UPDATE SET dataset_table_name = EXCLUDED.dataset_table_name,
                    dataset_path = EXCLUDED.dataset_path, dataset_name = EXCLUDED.dataset_name,
                    splits = EXCLUDED.splits, registered_at = EXCLUDED.registered_at
                """, [.string(registration.taskName), .string(registration.datasetTableName),
                      registration.datasetPath.map(PostgresValue.string) ?? .null,
                      registration.datasetName.map(PostgresValue.string) ?? .null,
                      .json(.array(registration.splits.map(\.json)))])
        } catch {
            throw .database("registering task '\(registration.taskName)'", error)
        }
    }

    /// The task's registration, or nil.
    public static func lookup(_ taskName: String, on connection: isolated PostgresConnection) throws(DatasetError) -> TaskRegistration? {
        try select("WHERE task_name = $1", [.string(taskName)], on: connection).first
    }

    /// Every registration (by task name); empty when the table does not exist yet.
    public static func all(on connection: isolated PostgresConnection) throws(DatasetError) -> [TaskRegistration] {
        try select("", [], on: connection)
    }

    /// The tasks registered to `table`, by task name.
    public static func tasks(usingTable table: String, on connection: isolated PostgresConnection) throws(DatasetError) -> [TaskRegistration] {
        try select("WHERE dataset_table_name = $1", [.string(table)], on: connection)
    }

    private static func select(_ condition: String, _ params: [PostgresValue], on connection: isolated PostgresConnection) throws(DatasetError) -> [TaskRegistration] {
        do {
            guard try connection.query("SELECT to_regclass('task_registry') IS NOT NULL").scalar(Bool.self) else { return [] }
            let rows = try connection.query("""
                SELECT task_name, dataset_table_name, dataset_path, dataset_name, splits, registered_at
                FROM task_registry \(condition) ORDER BY task_name
                """, params)
            var result: [TaskRegistration] = []
            for row in rows {
                let splits = try row.decode(JSONValue.self, at: 4).arrayValue?.compactMap(SplitRange.init(json:)) ?? []
                result.append(TaskRegistration(
                    taskName: try row.decode(String.self, at: 0), datasetTableName: try row.decode(String.self, at: 1),
                    datasetPath: try row.decode(String?.self, at: 2), datasetName: try row.decode(String?.self, at: 3),
                    splits: splits, registeredAt: try row.decode(Date.self, at: 5)))
            }
            return result
        } catch {
            throw .database("reading task_registry", error)
        }
    }
}
