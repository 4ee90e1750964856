import ArgumentParser
import Foundation
import Testbench

@main
struct TestbenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testbench",
        abstract: "Pocket ML test-bench sampler and evaluator: lm-eval tasks, datasets in PostgreSQL, prompts and scores.",
        version: TestbenchVersion.current,
        subcommands: [ConfigCommand.self, WorkerCommand.self, WorkflowCommand.self, TasksCommand.self, DatasetsCommand.self, DocumentsCommand.self, RunCommand.self, RequesterCommand.self, LeaderboardCommand.self]
    )
}

/// Options every command that needs the configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $CONFIG_PATH).")
    var config: String?

    /// Loads the configuration or exits with code 2 and a message naming the problem.
    func load() throws -> TestbenchConfig {
        do {
            return try TestbenchConfig.load(explicitPath: config)
        } catch {
            throw UsageFailure(message: error.description)
        }
    }
}

/// A user error: printed as one line, exit code 2, nothing done.
struct UsageFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning user errors into a message on standard error and exit code 2.
    func reportingUsageFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as UsageFailure {
            printError("error: \(failure.message)")
            throw ExitCode(2)
        }
    }
}

/// Prints one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
