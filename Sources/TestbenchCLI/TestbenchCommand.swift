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
            throw CommandFailure.badInput(error.description)
        }
    }
}

/// Refuses a count option below `minimum` as bad input. Count options parse `.unconditional`, so
/// `--limit -1` reaches this check as `--limit=-1` does instead of reading as an option named `-1`.
func requireCount(_ option: String, _ value: Int, atLeast minimum: Int) throws {
    guard value >= minimum else {
        throw CommandFailure.badInput(minimum == 0 ? "\(option) must not be negative, got \(value)" : "\(option) must be at least \(minimum), got \(value)")
    }
}

/// Prints one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
