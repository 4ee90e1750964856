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

/// Prints one line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
