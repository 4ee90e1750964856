import Foundation
import TestSupport
import Testing

/// Runs the built `testbench` binary and gives each test its own database.
enum CLIHarness {
    /// `testbench` next to the test bundle (both live in the build folder, e.g. .build/debug).
    static func binary() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug"),
        ].map { $0.appendingPathComponent("testbench") }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "the testbench binary was not found next to the tests (looked at \(candidates.map(\.path))); run `swift build` first")
    }

    /// Creates a database for one test; returns its name and URI.
    static func createDatabase() async throws -> (name: String, uri: String) {
        try await TestDatabase.createDatabase(prefix: "cli")
    }

    static func dropDatabase(_ name: String) async {
        await TestDatabase.dropDatabase(name)
    }

    /// Writes a configuration file for the CLI and returns its path.
    /// The repository root, where the bundled tasks/ and datasets/ live.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func writeConfig(postgresURI: String?, pollInterval: Double = 0.2, maxWorkers: Int = 2, includePath: String? = nil) throws -> String {
        var fields = ["\"worker\": {\"task_queue\": [\"default\", \"sampler\", \"evaluator\"], \"max_workers\": \(maxWorkers), \"poll_interval\": \(pollInterval)}",
                      "\"datasets_dir\": \"\(packageRoot.appendingPathComponent("datasets").path)\""]
        if let postgresURI { fields.append("\"postgres_uri\": \"\(postgresURI)\"") }
        if let includePath { fields.append("\"include_path\": \"\(includePath)\"") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).json").path
        try Data("{\(fields.joined(separator: ", "))}".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `testbench args…` to completion (at most `timeout`).
    static func run(_ arguments: [String], config: String?, timeout: Duration = .seconds(60)) async throws -> Output {
        let process = try Spawned(arguments, config: config)
        let status = try await process.wait(timeout: timeout)
        return Output(status: status, stdout: process.stdout, stderr: process.stderr)
    }
}

/// A running `testbench` process with its output captured in files.
final class Spawned {
    let process: Process
    private let stdoutURL: URL
    private let stderrURL: URL

    init(_ arguments: [String], config: String?, environment extra: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try CLIHarness.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["CONFIG_PATH"] = config
        process.environment = environment
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        stdoutURL = base.appendingPathExtension("out")
        stderrURL = base.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        self.process = process
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit status; kills the process and fails when it takes longer than `timeout`.
    func wait(timeout: Duration) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while process.isRunning {
            if clock.now >= deadline {
                signal(SIGKILL)
                Issue.record("testbench \(process.arguments ?? []) did not exit within \(timeout); stderr:\n\(stderr)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }
}
