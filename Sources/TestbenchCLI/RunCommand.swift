import ArgumentParser
import Foundation
import JSON
import Testbench

/// `testbench run`: a reference run of lm-eval tasks against recorded responses or a live server.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Score tasks locally: build lm-eval's prompts, take generations from a JSONL file or an OpenAI-compatible server, print lm-eval's table.",
        discussion: """
            Documents: --data DIR is a datasets folder laid out <dataset_path>/<dataset_name>/<split>.jsonl \
            (default: the configured datasets_dir, else the bundled datasets/); with one task, DIR may also be \
            that task's folder of <split>.jsonl files.
            Responses: --responses FILE holds JSON lines {"doc_id": N, "response": "…"} (add "task" when \
            several tasks run); the documents it answers are scored. --endpoint URL sends the first --limit \
            documents (all by default) to /v1/completions, or /v1/chat/completions with --chat.
            Exit status: 0 when every document was scored, 1 when some request or sample failed (the table \
            and --output still cover the rest), 2 for bad tasks, data or responses, 64 for invalid options.
            """)

    @OptionGroup var source: TaskSourceOptions
    @Argument(help: "Task, group or tag names, comma-separated (TASK[,TASK…]).") var tasks: String
    @Option(help: "Datasets folder (<dataset_path>/<dataset_name>/<split>.jsonl), or one task's folder of <split>.jsonl files.") var data: String?
    @Option(help: "JSON lines of recorded responses: {\"doc_id\": N, \"response\": \"…\"[, \"task\": \"…\"]}.") var responses: String?
    @Option(help: "OpenAI-compatible server, e.g. http://127.0.0.1:8080 (the API path is added unless the URL ends in /completions).") var endpoint: String?
    @Option(help: "Model name sent in request bodies.") var model: String?
    @Option(name: .customLong("api-key-env"), help: "Environment variable holding the API key (sent as a Bearer token).") var apiKeyEnv: String?
    @Option(parsing: .unconditional, help: "Requests in flight at once.") var concurrency = 4
    @Option(parsing: .unconditional, help: "Seconds allowed per request attempt.") var timeout: Double = 120
    @Option(parsing: .unconditional, help: "Retries after a timeout, connection error, HTTP 429 or 5xx.") var retries = 3
    @Option(parsing: .unconditional, help: "At most this many documents per task.") var limit: Int?
    @Flag(help: "Chat form: messages to /v1/chat/completions (lm-eval's apply_chat_template).") var chat = false
    @Flag(name: .customLong("fewshot-as-multiturn"), help: "Few-shot examples as user/assistant turns (needs --chat).") var fewshotAsMultiturn = false
    @Option(name: .customLong("system-instruction"), help: "System instruction.") var systemInstruction: String?
    @Option(name: .customLong("num-fewshot"), parsing: .unconditional, help: "Number of few-shot examples (ignored when the YAML says num_fewshot: 0).") var numFewshot: Int?
    @Option(name: .customLong("max-gen-toks"), parsing: .unconditional, help: "Replace the task's max_gen_toks (lm-eval --gen_kwargs max_gen_toks=N).") var maxGenToks: Int?
    @Option(help: "Write {\"results\": […], \"samples\": […], \"failures\": […]} to this file.") var output: String?

    func validate() throws {
        if (responses == nil) == (endpoint == nil) { throw ValidationError("give exactly one of --responses FILE and --endpoint URL") }
        if endpoint != nil, model == nil { throw ValidationError("--endpoint needs --model NAME") }
        if responses != nil, apiKeyEnv != nil { throw ValidationError("--api-key-env only applies to --endpoint") }
        if fewshotAsMultiturn && !chat { throw ValidationError("--fewshot-as-multiturn needs --chat") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if retries < 0 { throw ValidationError("--retries must not be negative") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let numFewshot, numFewshot < 0 { throw ValidationError("--num-fewshot must not be negative") }
        if let maxGenToks, maxGenToks < 1 { throw ValidationError("--max-gen-toks must be at least 1") }
    }

    func run() async throws {
        var failed = false
        try await reportingFailures {
            let index = try source.index()
            let config = try source.loadConfig()
            let names = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw CommandFailure.badInput("name at least one task") }
            let datasetsDir = config?.datasetsDir ?? ReferenceData.bundledDatasetsFolder() ?? "datasets"
            let options = ReferenceRunOptions(
                tasks: names, data: data, datasetsDir: datasetsDir, limit: limit, chat: chat, fewshotAsMultiturn: fewshotAsMultiturn,
                systemInstruction: systemInstruction, numFewshot: numFewshot, maxGenToks: maxGenToks, model: model ?? "testbench-model")
            let source: ReferenceResponses
            if let responses {
                do { source = .file(try ResponsesFile(path: responses)) } catch let error as ReferenceRunError { throw CommandFailure.badInput(error.message) }
            } else if let endpoint {
                guard let url = OpenAIClient.url(endpoint: endpoint, api: options.api), url.scheme == "http" || url.scheme == "https" else {
                    throw CommandFailure.badInput("--endpoint \(endpoint): not an http(s) URL")
                }
                var key: String?
                if let apiKeyEnv {
                    guard let value = ProcessInfo.processInfo.environment[apiKeyEnv], !value.isEmpty else {
                        throw CommandFailure.badInput("--api-key-env \(apiKeyEnv): the variable is not set")
                    }
                    key = value
                }
                source = .endpoint(OpenAIClient.Options(url: url, api: options.api, apiKey: key, timeout: timeout, retries: retries,
                                                        concurrency: concurrency))
            } else {
                throw CommandFailure.badInput("give --responses FILE or --endpoint URL")
            }
            let report: ReferenceRunReport
            do {
                report = try await ReferenceRunner(index: index, options: options).run(source) { task, total in
                    ProgressReporter(label: task, total: total)
                }
            } catch let error as ReferenceRunError {
                throw CommandFailure.badInput(error.message)
            }
            print(report.table, terminator: "")
            for task in report.tasks {
                let scored = Set(task.samples.map(\.docID)).count
                let failures = task.failures.isEmpty ? "" : ", \(task.failures.count) failed"
                print("\(task.task): \(scored) documents scored\(failures); per-sample score \(task.selection)")
            }
            for failure in report.tasks.flatMap(\.failures).prefix(10) {
                printError("failed: \(failure.task) doc \(failure.docID) (status \(failure.statusCode)): \(failure.message)")
            }
            if let output {
                let text = report.json.serialized(JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)) + "\n"
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                    throw CommandFailure.badInput("--output \(output): \(error.localizedDescription)")
                }
            }
            failed = report.failureCount > 0
        }
        if failed { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}
