import ArgumentParser
import Foundation
import Logging
import Testbench

/// `testbench requester`: answers pending prompts from one endpoint, as the original's requester would.
struct RequesterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requester",
        abstract: "Send pending prompts to an OpenAI-compatible endpoint and store the responses (a local stand-in for the Go requester).",
        discussion: """
            Every task not yet done (of --supplier, when given) has its pending prompts' `data` POSTed to \
            the endpoint plus the task's requester_args.path; the answers become `responses` documents and \
            the prompts, instances and tasks are marked done, so the Evaluator can score them.
            """)

    @OptionGroup var options: ConfigOptions
    @Option(help: "Server address, e.g. http://127.0.0.1:8080.") var endpoint: String
    @Option(help: "Only the tasks of this supplier address.") var supplier: String?
    @Option(name: .customLong("api-key-env"), help: "Environment variable holding a bearer token.") var apiKeyEnv: String?
    @Option(parsing: .unconditional, help: "Requests in flight at once.") var concurrency = 2

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard URL(string: endpoint)?.scheme?.hasPrefix("http") == true else { throw ValidationError("--endpoint must be an http(s) URL") }
    }

    func run() async throws {
        try await reportingFailures {
            let services = try await DocumentsCommand.connect(options)
            let apiKey = apiKeyEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
            if let apiKeyEnv, apiKey == nil { throw CommandFailure.badInput("--api-key-env \(apiKeyEnv): the variable is not set") }
            let requester = LocalRequester(documents: services.documents, endpoint: endpoint, apiKey: apiKey, concurrency: concurrency)
            let summaries: [RequesterSummary]
            do {
                summaries = try await requester.run(supplier: supplier, logger: Logger(label: "requester"))
            } catch {
                await services.postgres.close()
                throw error
            }
            await services.postgres.close()
            if summaries.isEmpty { print("no pending prompts") }
            for summary in summaries {
                print("\(summary.taskID.hex)  \(summary.task): \(summary.sent) prompts sent, \(summary.failed) failed")
            }
        }
    }
}
