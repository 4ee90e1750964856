import Foundation
import LMEval
import Logging
import Mongo
import Postgres
import WorkflowDefinitions

/// What the activities and CLI commands share: the configuration and its connections.
/// Built once per process; every member is safe to use from many tasks.
public struct TestbenchServices: Sendable {
    public let config: TestbenchConfig
    public let postgres: PostgresConnectionPool
    public let documents: any DocumentStore
    /// Include paths beyond the configuration's (e.g. `--include-path`).
    public let extraIncludePaths: [String]
    public let logger: Logger
    /// The per-task table in force; nil reads it (`TaskSettingsTable.load`) at each use.
    public let taskSettingsTable: TaskSettingsTable?

    public init(config: TestbenchConfig, postgres: PostgresConnectionPool, documents: any DocumentStore,
                extraIncludePaths: [String] = [], logger: Logger = Logger(label: "testbench"), taskSettingsTable: TaskSettingsTable? = nil) {
        self.taskSettingsTable = taskSettingsTable
        self.config = config
        self.postgres = postgres
        self.documents = documents
        self.extraIncludePaths = extraIncludePaths
        self.logger = logger
    }

    /// Connects to what `config` names: PostgreSQL always, MongoDB when `mongodb_uri` is set
    /// (otherwise documents go to PostgreSQL JSONB tables); prepares the document store.
    public static func connect(config: TestbenchConfig, maxConnections: Int? = nil, extraIncludePaths: [String] = [],
                               logger: Logger = Logger(label: "testbench")) async throws(ServicesError) -> TestbenchServices {
        guard let uri = config.postgresURI else { throw .missingPostgresURI }
        let pool = PostgresConnectionPool(uri: uri, maxConnections: maxConnections ?? max(4, config.worker.maxWorkers + 2))
        let documents: any DocumentStore
        if let mongoURI = config.mongodbURI {
            do {
                documents = MongoDocumentStore(pool: try MongoClientPool(uri: mongoURI, appName: "testbench"))
            } catch {
                throw .documentStore("mongodb_uri: \(error)")
            }
        } else {
            documents = PostgresDocumentStore(pool: pool)
        }
        do { try await documents.prepare() } catch {
            throw error.isRetryable ? .documentStoreUnavailable(error.description) : .documentStore(error.description)
        }
        return TestbenchServices(config: config, postgres: pool, documents: documents, extraIncludePaths: extraIncludePaths, logger: logger)
    }

    /// The task index over the bundled tasks and every include path.
    public func taskIndex() throws(LMEvalError) -> TaskIndex {
        try TaskCatalog.index(includePaths: config.includePath + extraIncludePaths)
    }

    /// The original's per-task table: the injected one, else `$TESTBENCH_TASK_CONFIG_FILE` or the shipped file.
    public func taskSettings() throws(ApplicationError) -> TaskSettingsTable {
        if let taskSettingsTable { return taskSettingsTable }
        return try TaskSettingsTable.load()
    }

    /// The table's settings for `taskName`, falling back to the groups the task index puts it in
    /// (indexed only then: most tasks have an entry of their own).
    public func taskSettings(for taskName: String) throws(ApplicationError) -> TaskSettings {
        try taskSettings().settings(for: taskName, groups: (try? taskIndex())?.groupsContaining(taskName) ?? [])
    }
}

/// Why the services could not be set up.
public enum ServicesError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPostgresURI
    case documentStore(String)
    /// The document store could not be reached (or failed transiently) while being prepared.
    case documentStoreUnavailable(String)

    public var description: String {
        switch self {
        case .missingPostgresURI: "postgres_uri is not set in the configuration"
        case let .documentStore(message), let .documentStoreUnavailable(message): "document store: \(message)"
        }
    }
}
