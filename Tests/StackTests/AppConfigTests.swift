import Foundation
import JSON
import Testing
import YAML

@Suite("Worker configuration files")
struct AppConfigTests {
    /// Configs for containers on the stack's network, and samples for a worker on the host.
    static let containerConfigs = ["docker-compose/app/config/sampler.json", "docker-compose/app/config/evaluator.json"]
    static let hostConfigs = ["apps/sampler/config.sample.json", "apps/evaluator/config.sample.json"]
    /// The same workers on Temporal (docker-compose.temporal.yaml mounts them): a `temporal` block instead of `worker`.
    static let temporalConfigs = ["docker-compose/app/config/sampler-temporal.json", "docker-compose/app/config/evaluator-temporal.json"]

    @Test("app services set only environment variables the product reads, and CONFIG_PATH is the mounted file",
          arguments: ["sampler", "evaluator"])
    func environmentAndMount(service name: String) throws {
        let service = try #require(try RepositoryFiles.compose(RepositoryFiles.appCompose).service(name))
        let environment = try #require(service["environment"]?.mapping, "\(name) has no environment mapping")
        let sources = try RepositoryFiles.productSources()
        for key in environment.keys {
            #expect(sources.contains("\"\(key)\""), "\(name) sets \(key), which no file under Sources/ reads")
        }
        let configPath = try #require(environment["CONFIG_PATH"]?.string)
        let mounts = (service["volumes"]?.strings ?? []).map { $0.split(separator: ":").map(String.init) }
        let mount = try #require(mounts.first { $0.count >= 2 && $0[1] == configPath }, "nothing is mounted at CONFIG_PATH \(configPath)")
        #expect(mount.count == 3 && mount[2] == "ro", "mount the configuration read-only")
        #expect(mount[0] == "./config/\(name).json")
        #expect(FileManager.default.fileExists(atPath: RepositoryFiles.path("docker-compose/app/config/\(name).json")))
    }

    @Test("config files use only keys of config.json.example (or the temporal block), with the same value types",
          arguments: containerConfigs + hostConfigs + temporalConfigs)
    func keysMatchExample(file: String) throws {
        var example = try RepositoryFiles.json("config.json.example")
        if Self.temporalConfigs.contains(file), case var .object(object) = example {
            // The parser takes `temporal` or `worker`, never both (TestbenchConfig.parseTemporal).
            object["worker"] = nil
            object["temporal"] = Self.temporalTemplate
            example = .object(object)
        }
        let config = try RepositoryFiles.json(file)
        let problems = Self.shapeProblems(config, against: example, path: "")
        #expect(problems.isEmpty, "\(file): \(problems.joined(separator: "; "))")
    }

    @Test("each worker serves the queue named after it", arguments: zip(containerConfigs + hostConfigs, ["sampler", "evaluator", "sampler", "evaluator"]))
    func taskQueue(file: String, queue: String) throws {
        let config = try RepositoryFiles.json(file)
        #expect(config["worker"]?["task_queue"] == .array([.string(queue)]))
    }

    @Test("container configs reach the dependencies by service name and container port", arguments: containerConfigs + temporalConfigs)
    func containerHostnames(file: String) throws {
        let config = try RepositoryFiles.json(file)
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        for key in ["postgres_uri", "mongodb_uri"] {
            let uri = try #require(config[key]?.stringValue.flatMap(URLComponents.init(string:)), "\(file): \(key)")
            let host = try #require(uri.host)
            let service = try #require(dependencies.service(host), "\(file): \(key) names host \(host), not a service of \(RepositoryFiles.dependenciesCompose)")
            let containerPorts = (service["ports"]?.strings ?? []).compactMap { $0.split(separator: ":").last.map(String.init) }
            #expect(containerPorts.contains(String(uri.port ?? -1)), "\(file): \(key) port \(uri.port ?? -1) is not \(host)'s port")
            #expect(uri.path == "/pocket-ml-testbench")
        }
        let mongo = try #require(config["mongodb_uri"]?.stringValue.flatMap(URLComponents.init(string:)))
        #expect(mongo.queryItems?.contains(URLQueryItem(name: "replicaSet", value: "devRs")) == true,
                "\(file): inside the network, connect to the replica set devRs")
        #expect(config["datasets_dir"]?.stringValue == "/opt/testbench/datasets", "the image puts the bundled datasets there")
    }

    @Test("host samples reach the published loopback ports", arguments: hostConfigs)
    func hostAddresses(file: String) throws {
        let config = try RepositoryFiles.json(file)
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        for (key, service) in [("postgres_uri", "postgresql"), ("mongodb_uri", "mongodb")] {
            let uri = try #require(config[key]?.stringValue.flatMap(URLComponents.init(string:)), "\(file): \(key)")
            #expect(uri.host == "127.0.0.1")
            let published = dependencies.service(service)?["ports"]?.strings?.first?.split(separator: ":")
            #expect(published.map { String($0[1]) } == String(uri.port ?? -1), "\(file): \(key) should use \(service)'s published port")
        }
        // The replica set's member is `mongodb:27017`, which the host cannot resolve.
        let mongo = try #require(config["mongodb_uri"]?.stringValue.flatMap(URLComponents.init(string:)))
        #expect(mongo.queryItems?.contains(URLQueryItem(name: "directConnection", value: "true")) == true)
    }

    @Test("postgres credentials in the configs are the dependencies' user and database", arguments: containerConfigs + hostConfigs + temporalConfigs)
    func postgresCredentials(file: String) throws {
        let uri = try #require(try RepositoryFiles.json(file)["postgres_uri"]?.stringValue.flatMap(URLComponents.init(string:)))
        #expect(uri.user == "admin" && uri.password == "admin", "the original's credentials")
    }

    @Test("testbench config check accepts every config file", arguments: containerConfigs + hostConfigs + temporalConfigs)
    func configCheckAccepts(file: String) throws {
        let binary = try BuiltBinary.path()
        let result = try ProcessResult.runBlocking(binary, ["config", "check", "--config", RepositoryFiles.path(file)])
        #expect(result.status == 0, "testbench config check \(file): \(result.stderr)")
    }

    /// The keys of the original's `temporal` block that the worker reads, with their value types
    /// (the Python SDK's other `max_concurrent_*` limits are accepted too but unused here).
    static let temporalTemplate: JSONValue = [
        "host": "", "port": 0, "namespace": "", "task_queue": "", "max_workers": 0, "max_concurrent_activities": 0,
        "manager-result-analyzer": ["workflow_name": "", "task_queue": ""],
    ]

    /// Differences in keys and value types between a config and the example; `timeouts` entries are
    /// keyed by service name, so each is compared with the example's `default` entry.
    static func shapeProblems(_ value: JSONValue, against example: JSONValue, path: String) -> [String] {
        switch (value, example) {
        case let (.object(object), .object(exampleObject)):
            var problems: [String] = []
            for (key, child) in object {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                let template: JSONValue? = path == "timeouts" ? exampleObject["default"] : exampleObject[key]
                guard let template else {
                    problems.append("\(childPath) is not a key of config.json.example")
                    continue
                }
                problems += shapeProblems(child, against: template, path: childPath)
            }
            return problems
        case (.null, _), (_, .null):
            return []
        case (.int, .double), (.double, .int):
            return []
        default:
            return value.typeName == example.typeName ? [] : ["\(path) is \(value.typeName), the example has \(example.typeName)"]
        }
    }
}

/// The debug `testbench` binary `swift build` / `swift test` leave in `.build/debug`.
enum BuiltBinary {
    static func path() throws -> String {
        let path = RepositoryFiles.path(".build/debug/testbench")
        try #require(FileManager.default.isExecutableFile(atPath: path),
                     "\(path) is missing: run `swift build --product testbench` first")
        return path
    }
}
