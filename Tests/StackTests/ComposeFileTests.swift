import Foundation
import Testing
import YAML

@Suite("Compose files")
struct ComposeFileTests {
    @Test("every service's image names a tag, never latest", arguments: RepositoryFiles.composeFiles + [RepositoryFiles.appTemporalCompose])
    func imagesArePinned(file: String) throws {
        let compose = try RepositoryFiles.compose(file)
        #expect(!compose.services.isEmpty)
        for (name, service) in compose.services {
            // The override's workers take their image from docker-compose.yaml.
            if file == RepositoryFiles.appTemporalCompose, ["sampler", "evaluator"].contains(name) {
                #expect(service["image"] == nil && service["build"] == nil, "\(file): \(name) should only change the configuration")
                continue
            }
            let image = try #require(service["image"]?.string, "\(file): service \(name) has no image")
            #expect(ImageReference(image).isPinned, "\(file): service \(name) uses \(image); pin a version tag")
        }
    }

    @Test("the workers' image carries the package version", arguments: ["sampler", "evaluator"])
    func workerImageTagIsPackageVersion(service name: String) throws {
        let source = try RepositoryFiles.text("Sources/Testbench/TestbenchVersion.swift")
        let version = try #require(source.firstMatch(of: /current = "([^"]+)"/)?.1, "TestbenchVersion.current not found")
        let service = try #require(try RepositoryFiles.compose(RepositoryFiles.appCompose).service(name))
        let image = try #require(service["image"]?.string)
        #expect(ImageReference(image).tag == String(version))
        let build = try #require(service["build"]?.mapping, "\(name) must be buildable from the repository")
        #expect(build["context"]?.string == "../..")
        #expect(build["dockerfile"]?.string == "apps/\(name)/Dockerfile")
    }

    @Test("published ports are bound to 127.0.0.1 only", arguments: RepositoryFiles.composeFiles + [RepositoryFiles.appTemporalCompose])
    func portsAreLoopback(file: String) throws {
        for (name, service) in try RepositoryFiles.compose(file).services {
            for port in service["ports"]?.sequence ?? [] {
                let text = try #require(port.string, "\(file): \(name) ports must be quoted strings (YAML 1.1 reads 5432:5432 as a number)")
                #expect(text.hasPrefix("127.0.0.1:") && text.split(separator: ":").count == 3,
                        "\(file): \(name) publishes \(text); use 127.0.0.1:HOST:CONTAINER")
            }
        }
    }

    @Test("dependencies publish the documented ports and the long-running ones have healthchecks")
    func dependenciesPortsAndHealthchecks() throws {
        let compose = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        #expect(compose.serviceNames.sorted() == ["mongodb", "pgadmin", "postgresql", "temporal", "temporal-namespace", "temporal-schema", "temporal-ui"])
        let expected = ["postgresql": "127.0.0.1:5432:5432", "mongodb": "127.0.0.1:27017:27017", "pgadmin": "127.0.0.1:5050:80",
                        "temporal": "127.0.0.1:7233:7233", "temporal-ui": "127.0.0.1:8080:8080"]
        // One-shot setup containers publish nothing and are waited on by completion, not health;
        // the UI has no healthcheck because nothing waits on it (see the file).
        let oneShot: Set = ["temporal-schema", "temporal-namespace"]
        for (name, service) in compose.services {
            if oneShot.contains(name) {
                #expect(service["ports"] == nil && service["restart"]?.string == "no", "\(name) is a one-shot setup step")
                continue
            }
            #expect(service["ports"]?.strings == [expected[name] ?? "?"], "\(name)")
            if name == "temporal-ui" { continue }
            let test = try #require(service["healthcheck"]?.mapping?["test"]?.strings, "\(name) has no healthcheck test")
            #expect(test.first == "CMD" && test.count > 1, "\(name): healthcheck test should be an exec form [\"CMD\", …]")
        }
        let readme = try RepositoryFiles.text("docker-compose/README.md")
        for address in ["127.0.0.1:5432", "127.0.0.1:27017", "127.0.0.1:5050", "127.0.0.1:7233", "127.0.0.1:8080"] {
            #expect(readme.contains(address), "docker-compose/README.md does not document \(address)")
        }
    }

    @Test("MongoDB runs and initiates replica set devRs with its service name as member")
    func mongoReplicaSet() throws {
        let mongo = try #require(try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose).service("mongodb"))
        let command = try #require(mongo["command"]?.strings)
        let replSet = try #require(command.firstIndex(of: "--replSet"))
        #expect(command.indices.contains(replSet + 1) && command[replSet + 1] == "devRs")
        #expect(command.contains("--bind_ip_all"))
        let check = try #require(mongo["healthcheck"]?.mapping?["test"]?.strings).joined(separator: " ")
        #expect(check.contains(#"rs.initiate({_id: "devRs""#))
        #expect(check.contains(#"host: "mongodb:27017""#))
        #expect(check.contains("isWritablePrimary"))
    }

    @Test("PostgreSQL credentials match the configs and pgAdmin's registered server")
    func postgresCredentials() throws {
        let postgres = try #require(try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose).service("postgresql"))
        let environment = try #require(postgres["environment"]?.mapping)
        #expect(environment["POSTGRES_USER"]?.string == "admin")
        #expect(environment["POSTGRES_PASSWORD"]?.string == "admin")
        #expect(environment["POSTGRES_DB"]?.string == "pocket-ml-testbench")
        // What the original's sampler README tells users to type into pgAdmin's "Add New Server".
        #expect(postgres["container_name"]?.string == "postgres_container")
        let servers = try RepositoryFiles.json("docker-compose/dependencies/pgadmin/servers.json")
        let server = try #require(servers["Servers"]?.objectValue?.pairs.first?.value)
        #expect(server["Name"]?.stringValue == "pokt-ml-datasets")
        #expect(server["Host"]?.stringValue == "postgres_container")
        #expect(server["Port"]?.intValue == 5432)
        #expect(server["MaintenanceDB"]?.stringValue == "postgres")
        #expect(server["Username"]?.stringValue == "admin")
    }

    @Test("the app file joins the dependencies' network as an external network")
    func sharedNetwork() throws {
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        let app = try RepositoryFiles.compose(RepositoryFiles.appCompose)
        let created = try #require(dependencies.root["networks"]?.mapping?["testbench"]?.mapping)
        let joined = try #require(app.root["networks"]?.mapping?["testbench"]?.mapping)
        #expect(created["name"]?.string == joined["name"]?.string)
        #expect(joined["external"] == .bool(true))
        let override = try RepositoryFiles.compose(RepositoryFiles.appTemporalCompose)
        for compose in [dependencies, app, override] {
            for (name, service) in compose.services where !(compose.file == override.file && ["sampler", "evaluator"].contains(name)) {
                #expect(service["networks"]?.strings == ["testbench"], "\(compose.file): \(name)")
            }
        }
    }

    @Test("workers start only after one-shot checks of each dependency succeed", arguments: ["sampler", "evaluator"])
    func workersWaitForDependencies(service name: String) throws {
        let app = try RepositoryFiles.compose(RepositoryFiles.appCompose)
        let dependencies = try RepositoryFiles.compose(RepositoryFiles.dependenciesCompose)
        let service = try #require(app.service(name))
        let dependsOn = try #require(service["depends_on"]?.mapping)
        #expect(dependsOn.keys.sorted() == ["mongodb-ready", "postgresql-ready"])
        for (waiter, condition) in dependsOn.entries {
            #expect(condition.mapping?["condition"]?.string == "service_completed_successfully")
            let target = String(waiter.dropLast("-ready".count))
            #expect(dependencies.serviceNames.contains(target), "\(waiter) waits for \(target), which the dependencies file does not define")
            let checker = try #require(app.service(waiter))
            #expect(checker["restart"]?.string == "no")
            #expect(checker["command"]?.strings?.joined(separator: " ").contains(target) == true, "\(waiter) never contacts \(target)")
            #expect(checker["image"]?.string == dependencies.service(target)?["image"]?.string,
                    "\(waiter) should use \(target)'s image (same client tools, one pull)")
        }
    }
}

/// `repository[:tag][@digest]`, split the way Docker does (a colon after the last slash starts the tag).
struct ImageReference {
    let repository: String
    let tag: String?
    let digest: String?

    init(_ reference: String) {
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        } else {
            digest = nil
        }
        let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[lastSlash...].lastIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            repository = String(rest[..<colon])
        } else {
            tag = nil
            repository = String(rest)
        }
    }

    /// A digest, or a tag other than `latest` that names a version (contains a digit).
    var isPinned: Bool {
        if digest != nil { return true }
        guard let tag, tag != "latest" else { return false }
        return tag.contains(where: \.isNumber)
    }
}
