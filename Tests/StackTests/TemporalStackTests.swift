import Foundation
import JSON
import Testing
import YAML

/// The Temporal alternative: the dependencies' `temporal` profile, the app override and the
/// workers' `temporal` configs agree on the server's name, port and namespace.
@Suite("Temporal stack")
struct TemporalStackTests {
    static let namespace = "pocket-ml-testbench"
    static let temporalServices = ["temporal-schema", "temporal", "temporal-namespace", "temporal-ui"]

    @Test("Temporal runs only with the profile `temporal`, so the default stack is unchanged")
    func profile() throws {
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        for (name, service) in dependencies.services {
            let profiles = service["profiles"]?.strings
            #expect(profiles == (Self.temporalServices.contains(name) ? ["temporal"] : nil), "\(name): profiles \(profiles ?? [])")
        }
    }

    @Test("schema setup, then the server on the stack's PostgreSQL, then the namespace and the UI")
    func startOrder() throws {
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        func waits(_ name: String) throws -> [String: String] {
            let dependsOn = try #require(dependencies.service(name)?["depends_on"]?.mapping, "\(name) has no depends_on")
            return Dictionary(uniqueKeysWithValues: dependsOn.entries.map { ($0.key, $0.value.mapping?["condition"]?.string ?? "") })
        }
        #expect(try waits("temporal-schema") == ["postgresql": "service_healthy"])
        #expect(try waits("temporal") == ["temporal-schema": "service_completed_successfully"])
        #expect(try waits("temporal-namespace") == ["temporal": "service_healthy"])
        #expect(try waits("temporal-ui") == ["temporal": "service_healthy"])

        let server = try #require(dependencies.service("temporal")?["environment"]?.mapping)
        let postgres = try #require(dependencies.service("postgresql")?["environment"]?.mapping)
        #expect(server["DB"]?.string == "postgres12")
        #expect(server["POSTGRES_SEEDS"]?.string == "postgresql", "the stack's PostgreSQL service")
        #expect(server["POSTGRES_USER"]?.string == postgres["POSTGRES_USER"]?.string)
        #expect(server["POSTGRES_PWD"]?.string == postgres["POSTGRES_PASSWORD"]?.string)
        let schema = try #require(dependencies.service("temporal-schema"))
        let setup = try #require(schema["command"]?.strings).joined(separator: " ")
        for database in [server["DBNAME"]?.string, server["VISIBILITY_DBNAME"]?.string] {
            let database = try #require(database)
            #expect(setup.contains("\(database):"), "temporal-schema does not set up database \(database)")
        }
        #expect(setup.contains("-u \(postgres["POSTGRES_USER"]?.string ?? "?")"))
        #expect(schema["environment"]?.mapping?["SQL_PASSWORD"]?.string == postgres["POSTGRES_PASSWORD"]?.string)

        // The dynamic config the server is told to read is the file mounted for it.
        let dynamicConfig = try #require(server["DYNAMIC_CONFIG_FILE_PATH"]?.string)
        let mount = try #require(dependencies.service("temporal")?["volumes"]?.strings?.first?.split(separator: ":").map(String.init))
        #expect(mount.count == 3 && mount[1] == "/etc/temporal/config/dynamicconfig" && mount[2] == "ro")
        let file = "docker-compose/dependencies/\(mount[0].dropFirst(2))/\(URL(fileURLWithPath: dynamicConfig).lastPathComponent)"
        let loaded = try YAMLLoader.load(contentsOfFile: RepositoryFiles.path(file))
        #expect(loaded.mapping?["limit.maxIDLength"] != nil, "\(file)")
    }

    @Test("the namespace the configs poll is the one created at start and the UI opens")
    func namespace() throws {
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        let create = try #require(dependencies.service("temporal-namespace")?["command"]?.strings).joined(separator: " ")
        #expect(create.contains("namespace create --address temporal:7233 --namespace \(Self.namespace)"))
        let ui = try #require(dependencies.service("temporal-ui")?["environment"]?.mapping)
        #expect(ui["TEMPORAL_ADDRESS"]?.string == "temporal:7233")
        #expect(ui["TEMPORAL_DEFAULT_NAMESPACE"]?.string == Self.namespace)
        let ready = try #require(try RepositoryFiles.compose(RepositoryFiles.appTemporalCompose).service("temporal-ready"))
        #expect(ready["command"]?.strings?.joined(separator: " ").contains("--address temporal:7233 --namespace \(Self.namespace)") == true)
        #expect(ready["image"]?.string == dependencies.service("temporal-namespace")?["image"]?.string, "one admin-tools image")
        #expect(ready["restart"]?.string == "no")
    }

    @Test("the Temporal configs name the server, the namespace and the original's queues",
          arguments: zip(AppConfigTests.temporalConfigs, ["sampler", "evaluate"]))
    func temporalBlock(file: String, queue: String) throws {
        let config = try RepositoryFiles.json(file)
        #expect(config["worker"] == nil, "give `temporal` or `worker`, not both")
        let temporal = try #require(config["temporal"])
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        let host = try #require(temporal["host"]?.stringValue)
        let server = try #require(dependencies.service(host), "\(file): temporal.host \(host) is not a service of the dependencies")
        let containerPorts = (server["ports"]?.strings ?? []).compactMap { $0.split(separator: ":").last.map(String.init) }
        #expect(containerPorts.contains(String(temporal["port"]?.intValue ?? -1)))
        #expect(temporal["namespace"]?.stringValue == Self.namespace)
        #expect(temporal["task_queue"]?.stringValue == queue)
        // The original's evaluator starts the Manager's result analysis; the sampler does not.
        let analyzer = temporal["manager-result-analyzer"]
        if queue == "evaluate" {
            #expect(analyzer?["workflow_name"]?.stringValue == "Manager-ResultAnalyzer")
            #expect(analyzer?["task_queue"]?.stringValue == "manager-local")
        } else {
            #expect(analyzer == nil)
        }
    }

    @Test("testbench config check resolves the Temporal configs to a Temporal worker", arguments: AppConfigTests.temporalConfigs)
    func configCheckResolves(file: String) throws {
        let result = try ProcessResult.runBlocking(try BuiltBinary.path(), ["config", "check", "--config", RepositoryFiles.path(file)])
        #expect(result.status == 0, "testbench config check \(file): \(result.stderr)")
        let printed = try JSONValue.parse(result.stdout)
        let written = try RepositoryFiles.json(file)["temporal"]
        for key in ["host", "port", "namespace", "task_queue", "manager-result-analyzer"] {
            #expect(printed["temporal"]?[key] == written?[key], "\(file): temporal.\(key) as resolved by config check")
        }
        #expect(printed["worker"]?["task_queue"] == .array([written?["task_queue"] ?? .null]))
        #expect(printed["worker"]?["max_workers"] == written?["max_workers"])
    }

    @Test("merged with the override, the workers mount the Temporal configs and also wait for the namespace",
          arguments: ["sampler", "evaluator"])
    func mergedWorkers(service name: String) async throws {
        let merged = try await RepositoryFiles.mergedCompose([RepositoryFiles.appCompose, RepositoryFiles.appTemporalCompose])
        let service = try #require(merged.service(name))
        let mounts = (service["volumes"]?.strings ?? []).filter { $0.contains(":/etc/testbench/config.json") }
        #expect(mounts.count == 1 && mounts.first?.hasSuffix("/docker-compose/app/config/\(name)-temporal.json:/etc/testbench/config.json:ro") == true,
                "\(name) mounts \(mounts)")
        #expect(service["depends_on"]?.mapping?.keys.sorted() == ["mongodb-ready", "postgresql-ready", "temporal-ready"])
        // Without the override nothing changes: the PostgreSQL-queue configs stay the default.
        let plain = try await RepositoryFiles.mergedCompose([RepositoryFiles.appCompose])
        #expect(plain.service(name)?["volumes"]?.strings?.first?.hasSuffix("/config/\(name).json:/etc/testbench/config.json:ro") == true)
    }
}
