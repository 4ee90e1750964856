import Foundation
import JSON
import Logging
import Postgres

/// The worker's and CLI's configuration, read from the JSON file named by `CONFIG_PATH` or `--config`.
public struct TestbenchConfig: Sendable, Equatable {
    /// PostgreSQL URI; nil means "use the embedded local database" (the demo starts one).
    public var postgresURI: String?
    /// MongoDB URI; nil means documents are stored as PostgreSQL JSONB collections.
    public var mongodbURI: String?
    public var logLevel: Logger.Level
    /// Extra folders of lm-eval task configs, searched after the repository's tasks/.
    public var includePath: [String]
    /// Root of local datasets laid out `<dataset_path>/<dataset_name>/<split>.jsonl`.
    public var datasetsDir: String
    /// Hugging Face token for the datasets-server rows API.
    public var hfToken: String?
    public var worker: WorkerSettings
    /// Per-service prompt timeouts; the key `default` applies to services without their own.
    public var timeouts: [String: ServiceTimeouts]
    /// The Temporal server to work for instead of the PostgreSQL queue (the `temporal` block with a `host`).
    public var temporal: TemporalSettings?

    public init(
        postgresURI: String? = nil, mongodbURI: String? = nil, logLevel: Logger.Level = .info,
        includePath: [String] = [], datasetsDir: String = "datasets", hfToken: String? = nil,
        worker: WorkerSettings = WorkerSettings(), timeouts: [String: ServiceTimeouts] = [:]
    ) {
        self.postgresURI = postgresURI
        self.mongodbURI = mongodbURI
        self.logLevel = logLevel
        self.includePath = includePath
        self.datasetsDir = datasetsDir
        self.hfToken = hfToken
        self.worker = worker
        self.timeouts = timeouts
    }
}

/// The original's `temporal` block when it names a server: the worker polls Temporal.
public struct TemporalSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var namespace: String
    /// The one queue the worker polls (`worker.taskQueues` holds it too).
    public var taskQueue: String
    /// `manager-result-analyzer`: started by every Evaluator when given.
    public var resultAnalyzer: TestbenchWorkflows.ResultAnalyzer?

    public init(host: String, port: Int = 7233, namespace: String = "default", taskQueue: String, resultAnalyzer: TestbenchWorkflows.ResultAnalyzer? = nil) {
        self.host = host
        self.port = port
        self.namespace = namespace
        self.taskQueue = taskQueue
        self.resultAnalyzer = resultAnalyzer
    }
}

/// How a worker claims and runs jobs.
public struct WorkerSettings: Sendable, Equatable {
    /// Queue names this worker serves.
    public var taskQueues: [String]
    /// Jobs run at once.
    public var maxWorkers: Int
    /// Fallback polling interval when no notification arrives.
    public var pollInterval: Duration

    public init(taskQueues: [String] = ["sampler", "evaluator"], maxWorkers: Int = 4, pollInterval: Duration = .seconds(1)) {
        self.taskQueues = taskQueues
        self.maxWorkers = maxWorkers
        self.pollInterval = pollInterval
    }
}

/// The original's timeout model for one service: a quadratic time-to-first-token fit through
/// `(prompt_lenght, sla_time)` points, a time per output token, and a queue allowance.
public struct ServiceTimeouts: Sendable, Equatable {
    public var promptLength: [Double]
    public var slaTime: [Double]
    /// Seconds per output token.
    public var tpot: Double
    /// Seconds added for queueing.
    public var queue: Double

    public init(promptLength: [Double], slaTime: [Double], tpot: Double, queue: Double) {
        self.promptLength = promptLength
        self.slaTime = slaTime
        self.tpot = tpot
        self.queue = queue
    }
}

/// Why a configuration could not be loaded.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case noConfigGiven
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case invalidJSON(path: String, JSONParseError)
    case invalidField(path: String, JSONFieldError)

    public var description: String {
        switch self {
        case .noConfigGiven:
            "no configuration: set CONFIG_PATH or pass --config FILE (see config.json.example)"
        case let .fileNotFound(path): "configuration file not found: \(path)"
        case let .unreadable(path, reason): "cannot read configuration file \(path): \(reason)"
        case let .invalidJSON(path, error): "configuration file \(path) is not valid JSON: \(error)"
        case let .invalidField(path, error): "configuration file \(path): \(error)"
        }
    }
}

extension TestbenchConfig {
    /// The environment variable naming the configuration file.
    public static let environmentVariable = "CONFIG_PATH"

    /// Loads the file given explicitly, else the one in `CONFIG_PATH`.
    public static func load(explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> TestbenchConfig {
        guard let path = explicitPath ?? environment[environmentVariable], !path.isEmpty else { throw .noConfigGiven }
        return try load(path: path)
    }

    /// Loads and validates the file at `path`; relative paths inside it are taken relative to the file's folder.
    public static func load(path: String) throws(ConfigError) -> TestbenchConfig {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .fileNotFound(path: path) }
        guard !isFolder.boolValue else { throw .unreadable(path: path, reason: "it is a folder; name the configuration file (e.g. config.json) inside it") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let value: JSONValue
        do { value = try JSONValue.parse(Array(data)) } catch { throw .invalidJSON(path: path, error) }
        let baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do { return try parse(value, baseDirectory: baseDirectory) } catch { throw .invalidField(path: path, error) }
    }

    /// Validates a parsed configuration document.
    public static func parse(_ value: JSONValue, baseDirectory: String) throws(JSONFieldError) -> TestbenchConfig {
        var root = try JSONFieldReader(value)
        var config = TestbenchConfig()
        config.postgresURI = try root.string("postgres_uri")
        config.mongodbURI = try root.string("mongodb_uri")
        if let level = try root.string("log_level") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) ?? (level.lowercased() == "warn" ? .warning : nil) else {
                throw root.invalid("log_level", "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
            }
            config.logLevel = parsed
        }
        config.includePath = try (root.stringList("include_path") ?? []).map { resolve($0, against: baseDirectory) }
        config.datasetsDir = try root.string("datasets_dir").map { resolve($0, against: baseDirectory) } ?? defaultDatasetsDir(beside: baseDirectory)
        config.hfToken = try root.string("hf_token")
        if var worker = try root.nested("worker") {
            config.worker = try parseWorker(&worker)
            try worker.finish()
        }
        // The original's Temporal block: with a host the worker polls that server; without one its
        // queue and concurrency apply to the PostgreSQL queue.
        if var temporal = try root.nested("temporal") {
            if root.object.contains("worker") {
                throw root.invalid("temporal", "give either 'worker' or the original's 'temporal' block, not both")
            }
            try parseTemporal(&temporal, into: &config)
            try temporal.finish()
        }
        if let timeouts = try root.objectValue("timeouts") {
            for (service, value) in timeouts {
                var reader = try JSONFieldReader(value, path: "timeouts.\(service)")
                config.timeouts[service] = try parseTimeouts(&reader)
                try reader.finish()
            }
        }
        try root.finish()
        // After the unknown-key check, so a misspelt key is named before a value's problem.
        if let uri = config.postgresURI, let problem = PostgresConnection.connectionStringProblem(uri) {
            throw root.invalid("postgres_uri", "not a PostgreSQL URI or key=value connection string (\(problem))")
        }
        return config
    }

    private static func parseTemporal(_ temporal: inout JSONFieldReader, into config: inout TestbenchConfig) throws(JSONFieldError) {
        let queue = try temporal.string("task_queue")
        if let queue {
            guard !queue.isEmpty else { throw temporal.invalid("task_queue", "must not be empty") }
            config.worker.taskQueues = [queue]
        }
        // The Python worker's max_concurrent_activities bounds its activities; max_workers its process pool.
        let maxWorkers = try temporal.int("max_workers")
        let maxActivities = try temporal.int("max_concurrent_activities")
        for (key, value) in [("max_workers", maxWorkers), ("max_concurrent_activities", maxActivities)] {
            if let value, value < 1 { throw temporal.invalid(key, "must be at least 1") }
        }
        if let max = maxActivities ?? maxWorkers { config.worker.maxWorkers = max }
        // The Python SDK's poller and workflow-task limits: accepted, with no meaning here.
        for key in ["max_concurrent_workflow_tasks", "max_concurrent_workflow_task_polls", "max_concurrent_activity_task_polls"] {
            if let value = try temporal.int(key), value < 1 { throw temporal.invalid(key, "must be at least 1") }
        }
        let port = try temporal.int("port")
        let namespace = try temporal.string("namespace")
        var analyzer: TestbenchWorkflows.ResultAnalyzer?
        if var block = try temporal.nested("manager-result-analyzer") {
            analyzer = TestbenchWorkflows.ResultAnalyzer(
                workflowName: try block.require(block.string("workflow_name"), "workflow_name"),
                taskQueue: try block.require(block.string("task_queue"), "task_queue"))
            try block.finish()
        }
        guard let host = try temporal.string("host") else {
            if port != nil || namespace != nil || analyzer != nil {
                throw temporal.invalid("host", "is needed with port, namespace or manager-result-analyzer (the Temporal server to poll)")
            }
            return
        }
        guard !host.isEmpty else { throw temporal.invalid("host", "must not be empty") }
        if let port, !(1...65535).contains(port) { throw temporal.invalid("port", "must be 1–65535, got \(port)") }
        guard let queue else { throw temporal.invalid("task_queue", "is needed with host: the queue this worker polls") }
        config.temporal = TemporalSettings(host: host, port: port ?? 7233, namespace: namespace ?? "default", taskQueue: queue, resultAnalyzer: analyzer)
    }

    private static func parseWorker(_ reader: inout JSONFieldReader) throws(JSONFieldError) -> WorkerSettings {
        var settings = WorkerSettings()
        if let queues = try reader.stringList("task_queue") {
            guard !queues.isEmpty, queues.allSatisfy({ !$0.isEmpty }) else { throw reader.invalid("task_queue", "must name at least one non-empty queue") }
            settings.taskQueues = queues
        }
        if let max = try reader.int("max_workers") {
            guard max > 0 else { throw reader.invalid("max_workers", "must be at least 1") }
            settings.maxWorkers = max
        }
        if let interval = try reader.double("poll_interval") {
            guard interval > 0 else { throw reader.invalid("poll_interval", "must be a positive number of seconds") }
            settings.pollInterval = .milliseconds(Int64((interval * 1000).rounded()))
        }
        return settings
    }

    private static func parseTimeouts(_ reader: inout JSONFieldReader) throws(JSONFieldError) -> ServiceTimeouts {
        var ttft = try reader.require(reader.nested("ttft"), "ttft")
        // The original spells it "prompt_lenght"; both spellings are accepted.
        var lengths = try ttft.doubleList("prompt_lenght")
        if lengths == nil { lengths = try ttft.doubleList("prompt_length") }
        let promptLength = try ttft.require(lengths, "prompt_lenght")
        let slaTime = try ttft.require(ttft.doubleList("sla_time"), "sla_time")
        guard promptLength.count == slaTime.count, promptLength.count >= 1 else {
            throw ttft.invalid("sla_time", "needs as many points as prompt_lenght (at least one)")
        }
        try ttft.finish()
        let tpot = try reader.require(reader.double("tpot"), "tpot")
        let queue = try reader.require(reader.double("queue"), "queue")
        guard tpot >= 0, queue >= 0 else { throw reader.invalid("tpot", "tpot and queue must not be negative") }
        return ServiceTimeouts(promptLength: promptLength, slaTime: slaTime, tpot: tpot, queue: queue)
    }

    /// Without `datasets_dir`: `datasets/` beside the file when there is one, else the bundled
    /// datasets (found as the bundled tasks are), so a configuration kept elsewhere still finds them.
    static func defaultDatasetsDir(beside base: String) -> String {
        let beside = resolve("datasets", against: base)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: beside, isDirectory: &isDirectory), isDirectory.boolValue { return beside }
        return TaskCatalog.bundledDatasetsFolder() ?? beside
    }

    private static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }
}

extension TestbenchConfig {
    /// The configuration as JSON with secrets masked, for `testbench config check`.
    public var summary: JSONValue {
        var object = JSONObject()
        object["postgres_uri"] = postgresURI.map { .string(Self.maskPassword($0)) } ?? .string("(embedded)")
        object["mongodb_uri"] = mongodbURI.map { .string(Self.maskPassword($0)) } ?? .string("(PostgreSQL JSONB document store)")
        object["log_level"] = .string(logLevel.rawValue)
        object["include_path"] = .array(includePath.map { .string($0) })
        object["datasets_dir"] = .string(datasetsDir)
        object["hf_token"] = hfToken == nil ? .null : .string("***")
        object["worker"] = [
            "task_queue": .array(worker.taskQueues.map { .string($0) }),
            "max_workers": .int(worker.maxWorkers),
            "poll_interval": .double(Double(worker.pollInterval.components.seconds) + Double(worker.pollInterval.components.attoseconds) / 1e18),
        ]
        var timeoutObject = JSONObject()
        for service in timeouts.keys.sorted() {
            guard let t = timeouts[service] else { continue }
            timeoutObject[service] = [
                "ttft": ["prompt_lenght": .array(t.promptLength.map { .double($0) }), "sla_time": .array(t.slaTime.map { .double($0) })],
                "tpot": .double(t.tpot), "queue": .double(t.queue),
            ]
        }
        object["timeouts"] = .object(timeoutObject)
        // Shown only when set, so a PostgreSQL-queue configuration prints as before; with it the
        // worker polls this server, which is what a reader of the output needs to see.
        if let temporal {
            var block: JSONObject = [
                "host": .string(temporal.host), "port": .int(temporal.port),
                "namespace": .string(temporal.namespace), "task_queue": .string(temporal.taskQueue),
            ]
            if let analyzer = temporal.resultAnalyzer {
                block["manager-result-analyzer"] = ["workflow_name": .string(analyzer.workflowName), "task_queue": .string(analyzer.taskQueue)]
            }
            object["temporal"] = .object(block)
        }
        return .object(object)
    }

    /// Replaces the password of a `scheme://user:password@host` URI with `***`.
    static func maskPassword(_ uri: String) -> String {
        guard let schemeEnd = uri.range(of: "://"), let at = uri.range(of: "@", range: schemeEnd.upperBound..<uri.endIndex),
              let colon = uri.range(of: ":", range: schemeEnd.upperBound..<at.lowerBound)
        else { return uri }
        return uri.replacingCharacters(in: colon.upperBound..<at.lowerBound, with: "***")
    }
}
