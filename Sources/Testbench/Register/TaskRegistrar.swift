import Datasets
import Foundation
import JSON
import LMEval
import Logging
import Postgres
import Synchronization
import WorkflowDefinitions

/// What Register did for one task.
public struct RegisteredTask: Sendable, Equatable {
    public enum Status: String, Sendable {
        case registered
        case alreadyRegistered = "already_registered"
    }

    public var task: String
    public var table: String
    public var status: Status
    /// Rows copied; 0 when the table already held the dataset.
    public var rowsCopied: Int

    public init(task: String, table: String, status: Status, rowsCopied: Int) {
        self.task = task
        self.table = table
        self.status = status
        self.rowsCopied = rowsCopied
    }

    public var json: JSONValue {
        ["task": .string(task), "table": .string(table), "status": .string(status.rawValue), "rows_copied": .int(rowsCopied)]
    }
}

/// Loads each task's dataset into PostgreSQL and records it in `task_registry`, one transaction
/// per task, so a failure leaves nothing half-registered and a retry starts clean.
public struct TaskRegistrar: Sendable {
    public let services: TestbenchServices
    public var hooks: DatasetHooks = .standard
    /// Where the datasets-server lives; nil keeps registration offline (local data only).
    public var huggingFace: HFRowsClient.Configuration?

    public init(services: TestbenchServices, hooks: DatasetHooks = .standard, huggingFace: HFRowsClient.Configuration?) {
        self.services = services
        self.hooks = hooks
        self.huggingFace = huggingFace
    }

    /// The registrar the worker uses: the datasets-server with the configured token as the last resort.
    public init(services: TestbenchServices) {
        self.init(services: services, huggingFace: HFRowsClient.Configuration(token: services.config.hfToken))
    }

    /// Registers every task the names expand to; `progress` receives rows copied so far. Throws an
    /// `ApplicationError` (retryable when the database or datasets-server failed transiently), or
    /// what `progress` throws.
    public func register(
        _ input: RegisterInput, logger: Logger, progress: @escaping @Sendable (JSONValue) async throws -> Void = { _ in }
    ) async throws -> [RegisteredTask] {
        var logger = logger
        if let level = input.verbosity { logger.logLevel = level }
        for key in input.ignoredKeys { logger.warning("ignoring Register input key", metadata: ["key": "\(key)"]) }
        let tasks = try expand(input)
        var outcomes: [RegisteredTask] = []
        for (position, task) in tasks.enumerated() {
            let reference = task.reference
            let outcome = try await translating {
                try await register(task, logger: logger) { copied in
                    try await progress(["task": .string(reference.name), "task_number": .int(position + 1),
                                        "tasks": .int(tasks.count), "rows_copied": .int(copied)])
                }
            }
            outcomes.append(outcome)
            try await progress(["task": .string(reference.name), "task_number": .int(position + 1), "tasks": .int(tasks.count),
                                "status": .string(outcome.status.rawValue)])
        }
        return outcomes
    }

    /// Leaf tasks of the input's names, resolved; unknown or unsupported tasks fail before anything is loaded.
    func expand(_ input: RegisterInput) throws(ApplicationError) -> [ResolvedTask] {
        let index: TaskIndex
        do {
            index = try TaskCatalog.index(includePaths: services.config.includePath + services.extraIncludePaths + input.includePaths)
        } catch {
            throw ApplicationError(message: "cannot index task configs: \(error)", type: "TaskIndex", nonRetryable: true)
        }
        let missing = input.tasks.filter { index.entry($0) == nil }
        guard missing.isEmpty else {
            // A name a broken config might define carries that file's error: fixing the file is the way out.
            let causes = missing.map { index.unknown($0) }.filter { $0.file != nil }.map { "\($0)." }
            throw ApplicationError(message: (["Tasks not found: \(missing.joined(separator: ", "))."] + causes + ["List them with `testbench tasks list`."])
                                       .joined(separator: " "),
                                   type: "TaskNotFound", nonRetryable: true)
        }
        var references: [TaskReference] = []
        var problems: [String] = []
        do {
            references = try index.expand(input.tasks)
        } catch {
            throw ApplicationError(message: "\(error)", type: "TaskConfig", nonRetryable: true)
        }
        let resolver = TaskResolver()
        var tasks: [ResolvedTask] = []
        for reference in references {
            do { tasks.append(try resolver.resolve(reference)) } catch { problems.append("\(error)") }
        }
        guard problems.isEmpty else {
            throw ApplicationError(message: "unsupported tasks: " + problems.joined(separator: "; "), type: "UnsupportedTask", nonRetryable: true)
        }
        return tasks
    }

    /// A task whose `process_docs` only keeps rows by a field's value (lm-eval's `mmlu_pro_<category>`)
    /// has its table hold those rows alone, numbered as lm-eval numbers its documents.
    static func processDocsFilter(_ task: ResolvedTask) -> RowFilter? {
        guard let keeps = task.processDocsKeeps else { return nil }
        return .keepRows(where: keeps.key, equals: keeps.value)
    }

    private func register(
        _ task: ResolvedTask, logger: Logger, progress: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> RegisteredTask {
        let reference = task.reference
        let name = reference.name
        let config = task.config
        if let existing = try await withConnection({ connection in try await TaskRegistry.lookup(name, on: connection) }) {
            logger.info("task already registered", metadata: ["task": "\(name)", "table": "\(existing.datasetTableName)"])
            return RegisteredTask(task: name, table: existing.datasetTableName, status: .alreadyRegistered, rowsCopied: 0)
        }
        guard let path = config.datasetPath else {
            throw ApplicationError(message: "task \(name) has no dataset_path", type: "TaskConfig", nonRetryable: true)
        }
        let dataset = DatasetReference(path: path, name: config.datasetName, kwargs: config.datasetKwargs?.json ?? JSONObject())
        let filter = hooks.rowFilter(for: name) ?? Self.processDocsFilter(task)
        let table = DatasetTableName.make(path: path, name: config.datasetName, variant: filter?.name)
        let options = DatasetSourceOptions(
            datasetsDir: services.config.datasetsDir,
            // lm-eval reads data_files relative to the working directory; relative to the task's own YAML is what a
            // task folder shipped with its data needs, and what the bundled tasks use.
            dataFilesBaseDir: reference.file.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path },
            huggingFace: huggingFace)
        let local = try await DatasetSource.resolve(dataset, options: options).materialize()
        defer { local.removeTemporaryFiles() }
        logger.info("loading dataset", metadata: ["task": "\(name)", "table": "\(table)", "source": "\(local.origin)"])

        let latest = LatestProgress()
        let heartbeat = Task {
            // The loader reports synchronously from inside its COPY loop; forward to the workflow at a calm pace.
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                if let copied = latest.take() { try await progress(copied) }
            }
        }
        defer { heartbeat.cancel() }

        let plan = try DatasetPlan.make(local, filter: filter)
        let (result, registeredMeanwhile) = try await withConnection { connection in
            try await TaskRegistry.createTable(on: connection)
            return try await connection.transaction { connection in
                let result = try await DatasetLoader.load(plan, into: table, on: connection, progressEvery: 10_000) { update in
                    latest.set(update.rowsCopied)
                }
                // A racing run (e.g. one being cancelled) may have committed this task while we waited for its table.
                let registeredMeanwhile = try result.outcome == .alreadyLoaded && TaskRegistry.lookup(name, on: connection) != nil
                try TaskRegistry.register(
                    TaskRegistration(taskName: name, datasetTableName: table, datasetPath: path, datasetName: config.datasetName,
                                     splits: result.splits),
                    on: connection)
                return (result, registeredMeanwhile)
            }
        }
        if registeredMeanwhile {
            logger.info("task registered meanwhile by another run", metadata: ["task": "\(name)", "table": "\(table)"])
            return RegisteredTask(task: name, table: table, status: .alreadyRegistered, rowsCopied: 0)
        }
        let copied: Int
        switch result.outcome {
        case let .loaded(rows): copied = rows
        case .alreadyLoaded: copied = 0
        }
        logger.info("task registered", metadata: ["task": "\(name)", "table": "\(table)", "rows_copied": "\(copied)"])
        return RegisteredTask(task: name, table: table, status: .registered, rowsCopied: copied)
    }

    private func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await services.postgres.withConnection { connection in try await body(connection) }
    }

    /// Maps dataset and database errors to application errors the workflow layer can act on,
    /// retryable exactly when the engine calls them transient (as the Sampler's).
    private func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatasetError {
            throw ApplicationError(error.description, type: "Dataset", cause: error)
        } catch let error as PostgresError {
            throw ApplicationError(error.description, type: "Postgres", cause: error)
        }
    }
}

/// The newest progress figure, handed from the loader's synchronous callback to the heartbeat task.
final class LatestProgress: Sendable {
    private let value = Mutex<Int?>(nil)

    func set(_ rows: Int) { value.withLock { $0 = rows } }

    func take() -> Int? { value.withLock { value in defer { value = nil }; return value } }
}
