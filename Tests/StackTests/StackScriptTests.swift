import Foundation
import Testing

@Suite("Stack scripts")
struct StackScriptTests {
    @Test("check-stack.sh validates both Compose files")
    func checkStackPasses() async throws {
        try #require(ProcessResult.which("docker-compose") != nil,
                     "docker-compose is not installed: run `make deps` (Debian package docker-compose)")
        let result = try await ProcessResult.run("/bin/bash", [RepositoryFiles.path("scripts/check-stack.sh")])
        #expect(result.status == 0, "scripts/check-stack.sh failed:\n\(result.stdout)\(result.stderr)")
        for file in RepositoryFiles.composeFiles {
            #expect(result.stdout.contains("ok      \(RepositoryFiles.path(file))"))
        }
        #expect(result.stdout.contains("ok      \(RepositoryFiles.path(RepositoryFiles.appCompose)) + \(RepositoryFiles.path(RepositoryFiles.appTemporalCompose))"))
        #expect(result.stdout.contains("ok      pgAdmin server pokt-ml-datasets (postgres_container:5432, postgres, admin)"))
    }

    @Test("check-stack.sh fails on an invalid Compose file")
    func checkStackRejects() async throws {
        try #require(ProcessResult.which("docker-compose") != nil,
                     "docker-compose is not installed: run `make deps` (Debian package docker-compose)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stacktests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("docker-compose.yaml")
        // `ports` must be a list.
        try "services:\n  db:\n    image: postgres:15.13-bookworm\n    ports: 5432\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await ProcessResult.run("/bin/bash", [RepositoryFiles.path("scripts/check-stack.sh"), file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("INVALID \(file.path)"))
    }

    @Test("shell scripts parse", arguments: ["scripts/bench-temporal.sh", "scripts/check-stack.sh", "scripts/llama-server.sh", "scripts/mongo-server.sh", "scripts/temporal-server.sh", "scripts/test.sh"])
    func shellSyntax(script: String) async throws {
        let path = RepositoryFiles.path(script)
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(script) is not executable")
        let result = try await ProcessResult.run("/bin/bash", ["-n", path])
        #expect(result.status == 0, "bash -n \(script): \(result.stderr)")
    }

    @Test("the llama server runner parses as Python")
    func serveScriptParses() async throws {
        let python = try #require(ProcessResult.which("python3"), "python3 not found")
        let result = try await ProcessResult.run(python, ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                                                    RepositoryFiles.path("scripts/llama/serve.py")])
        #expect(result.status == 0, "scripts/llama/serve.py: \(result.stderr)")
    }

    @Test("server scripts reject an unknown subcommand with their usage",
          arguments: ["scripts/llama-server.sh", "scripts/mongo-server.sh", "scripts/temporal-server.sh"])
    func serverScriptUsage(script: String) async throws {
        let result = try await ProcessResult.run("/bin/bash", [RepositoryFiles.path(script), "restart"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("usage:") && result.stderr.contains("start|stop|status"))
    }
}
