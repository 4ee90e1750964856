import ArgumentParser
import JSON
import Testbench

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the configuration file and print it resolved.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await reportingFailures {
                let config = try options.load()
                print(config.summary.serialized(JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)))
            }
        }
    }
}
