import Foundation
import JSON
import Testing
import YAML

/// The repository's deployment files, read from the package root found via `#filePath`.
enum RepositoryFiles {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let dependenciesCompose = "docker-compose/dependencies/docker-compose.yaml"
    static let appCompose = "docker-compose/app/docker-compose.yaml"
    static let composeFiles = [dependenciesCompose, appCompose]
    /// Merged over `appCompose` to run the workers on Temporal; not a complete file on its own.
    static let appTemporalCompose = "docker-compose/app/docker-compose.temporal.yaml"
    static let dockerfiles = ["apps/sampler/Dockerfile", "apps/evaluator/Dockerfile"]

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    static func json(_ relative: String) throws -> JSONValue {
        try JSONValue.parse(text(relative))
    }

    static func compose(_ relative: String) throws -> ComposeFile {
        let value = try YAMLLoader.load(contentsOfFile: path(relative))
        return try #require(ComposeFile(value, file: relative), "\(relative) has no services mapping")
    }

    /// The files merged by `docker-compose config`, as Compose itself merges them (volumes by
    /// container path, depends_on by key), so tests see what `up` would run; paths come out absolute.
    static func mergedCompose(_ files: [String]) async throws -> ComposeFile {
        let compose = try #require(ProcessResult.which("docker-compose"),
                                   "docker-compose is not installed: run `make deps` (Debian package docker-compose)")
        let arguments = files.flatMap { ["-f", path($0)] } + ["config"]
        let result = try await ProcessResult.run(compose, arguments)
        try #require(result.status == 0, "docker-compose \(arguments.joined(separator: " ")): \(result.stderr)")
        let name = files.joined(separator: " + ")
        return try #require(ComposeFile(try YAMLLoader.load(result.stdout, file: name), file: name), "\(name): no services")
    }

    /// Every Swift source of the product, concatenated: to check that an environment variable is really read.
    static func productSources() throws -> String {
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return "" }
        var text = ""
        for case let url as URL in walker where url.pathExtension == "swift" {
            text += try String(contentsOf: url, encoding: .utf8)
        }
        return text
    }
}

/// The parts of a Compose file the tests look at.
struct ComposeFile {
    let file: String
    let services: [(name: String, definition: YAMLMapping)]
    let root: YAMLMapping

    init?(_ value: YAMLValue, file: String) {
        guard case let .mapping(root) = value, case let .mapping(services)? = root["services"] else { return nil }
        var list: [(name: String, definition: YAMLMapping)] = []
        for (name, definition) in services.entries {
            guard case let .mapping(mapping) = definition else { return nil }
            list.append((name, mapping))
        }
        self.file = file
        self.services = list
        self.root = root
    }

    var serviceNames: [String] { services.map(\.name) }

    func service(_ name: String) -> YAMLMapping? { services.first { $0.name == name }?.definition }
}

extension YAMLValue {
    var string: String? { if case let .string(s) = self { s } else { nil } }
    var mapping: YAMLMapping? { if case let .mapping(m) = self { m } else { nil } }
    var sequence: [YAMLValue]? { if case let .sequence(s) = self { s } else { nil } }
    var strings: [String]? { sequence?.compactMap(\.string) }
}

/// Runs a program to completion and captures its output.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Runs a program to completion on a thread of its own, so its blocking wait never holds one of
    /// the few cooperative threads other tests need.
    static func run(_ executable: String, _ arguments: [String], currentDirectory: String? = nil) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, currentDirectory: currentDirectory) })
            }
        }
    }

    /// Runs a short-lived program, blocking the calling thread until it exits.
    static func runBlocking(_ executable: String, _ arguments: [String], currentDirectory: String? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        // stderr goes to a file so that neither stream can fill up and block the child while
        // the other is being read.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stacktests-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorFile.path])
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let stderr = try Data(contentsOf: errorFile)
        return ProcessResult(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Finds `name` on PATH, like the shell would.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
