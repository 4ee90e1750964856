import ArgumentParser
import Foundation
import JSON
import Testbench

/// `testbench leaderboard`: suppliers ranked per task by their stored scores.
struct LeaderboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Rank suppliers (address, service) per task by mean score over their stored results.",
        discussion: """
            Mean score is over every stored sample (a failed one counts 0, as stored); mean ms is the \
            response time of the scored samples; results with status 1 (nothing to score) count as \
            results without samples.
            """)

    @OptionGroup var options: ConfigOptions
    @Option(help: "Only this task (the task document's 'tasks').") var task: String?
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    func run() async throws {
        try await reportingFailures {
            let services = try await DocumentsCommand.connect(options)
            let entries: [LeaderboardEntry]
            do {
                entries = try await Leaderboard.load(from: services.documents, task: task)
            } catch {
                await services.postgres.close()
                throw error
            }
            await services.postgres.close()
            if json {
                print(Leaderboard.json(entries).serialized(.pretty))
            } else if entries.isEmpty {
                print("no results\(task.map { " for task \($0)" } ?? "") in the \(services.documents.kind) document store")
            } else {
                print(Leaderboard.render(entries), terminator: "")
            }
        }
    }
}
