import ArgumentParser
import Foundation
import JSON
import LMEval
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
            Responses: --responses FILE holds JSON lines {"doc_id": N, "response": "…"}, or for multiple_choice, \
            loglikelihood and loglikelihood_rolling tasks one line per lm-eval instance {"doc_id": N, "idx": I, \
            "loglikelihood": X, "is_greedy": B} (idx as lm-eval numbers a document's instances; is_greedy optional) \
            — add "task" when several tasks run; the documents it answers are scored. --endpoint URL sends the first --limit \
            documents (all by default) to /v1/completions, or /v1/chat/completions with --chat; a loglikelihood task's \
            requests ask for the prompt's logprobs (echo) and need /v1/completions.
            lm-eval 0.4.9's spellings work with lm-eval's meaning: --tasks, --include_path, --num_fewshot, --limit (below 1 a \
            fraction of the split), --apply_chat_template, --fewshot_as_multiturn, --system_instruction, --gen_kwargs, --seed, \
            --model local-completions|local-chat-completions --model_args base_url=URL,model=NAME[,num_concurrent=N,max_retries=N,timeout=S] \
            (lm-eval's defaults 1, 3 attempts, 300 s), --output_path DIR|FILE.json [--log_samples] (lm-eval's results and samples files). lm-eval options a reference run cannot honour are refused by name (exit 2).
            Exit status: 0 when every document was scored, 1 when some request or sample failed (the table \
            and --output still cover the rest), 2 for bad tasks, data or responses, 64 for invalid options.
            """)

    @OptionGroup var source: TaskSourceOptions
    @Argument(help: "Task, group or tag names, comma-separated (TASK[,TASK…]); or --tasks.") var taskList: String?
    @Option(name: [.customLong("tasks"), .customShort("t")], help: "lm-eval's --tasks: task, group or tag names, comma-separated.") var tasksOption: String?
    @Option(help: "Datasets folder (<dataset_path>/<dataset_name>/<split>.jsonl), or one task's folder of <split>.jsonl files.") var data: String?
    @Option(help: "JSON lines of recorded responses: {\"doc_id\": N, \"response\": \"…\"[, \"task\": \"…\"]}; for loglikelihood tasks {\"doc_id\": N, \"idx\": I, \"loglikelihood\": X, \"is_greedy\": B}.") var responses: String?
    @Option(help: "OpenAI-compatible server, e.g. http://127.0.0.1:8080 (the API path is added unless the URL ends in /completions).") var endpoint: String?
    @Option(name: [.long, .customShort("m")], help: "Model name sent in request bodies; or lm-eval's model type local-completions / local-chat-completions (with --model_args).") var model: String?
    @Option(name: [.customLong("model_args"), .customShort("a")], help: "lm-eval's --model_args: base_url=URL,model=NAME[,num_concurrent=N,max_retries=N,timeout=S] or the same as a JSON object.") var modelArgs: String?
    @Option(name: .customLong("api-key-env"), help: "Environment variable holding the API key (sent as a Bearer token).") var apiKeyEnv: String?
    @Option(parsing: .unconditional, help: "Requests in flight at once.") var concurrency = 4
    @Option(parsing: .unconditional, help: "Seconds allowed per request attempt.") var timeout: Double = 120
    @Option(parsing: .unconditional, help: "Retries after a timeout, connection error, HTTP 429 or 5xx.") var retries = 3
    @Option(name: [.long, .customShort("L")], parsing: .unconditional, help: "At most this many documents per task; below 1, that fraction of the evaluation split (lm-eval's --limit).") var limit: Double?
    @Flag(help: "Chat form: messages to /v1/chat/completions (lm-eval's apply_chat_template).") var chat = false
    @Flag(name: .customLong("apply_chat_template"), help: "lm-eval's --apply_chat_template: the chat form (the server applies its own template).") var applyChatTemplate = false
    @Flag(name: [.customLong("fewshot-as-multiturn"), .customLong("fewshot_as_multiturn")], help: "Few-shot examples as user/assistant turns (needs --chat).") var fewshotAsMultiturn = false
    @Option(name: [.customLong("system-instruction"), .customLong("system_instruction")], help: "System instruction.") var systemInstruction: String?
    @Option(name: [.customLong("num-fewshot"), .customLong("num_fewshot"), .customShort("f")], parsing: .unconditional, help: "Number of few-shot examples (ignored when the YAML says num_fewshot: 0).") var numFewshot: Int?
    @Option(name: .customLong("max-gen-toks"), parsing: .unconditional, help: "Replace the task's max_gen_toks (lm-eval --gen_kwargs max_gen_toks=N).") var maxGenToks: Int?
    @Option(name: .customLong("gen_kwargs"), help: "lm-eval's --gen_kwargs: key=value,… or a JSON object, updating a generate_until task's generation kwargs.") var genKwargs: String?
    @Option(name: .customLong("seed"), help: "lm-eval's --seed: N, or random,numpy,torch,fewshot seeds (the few-shot seed, default 1234, picks the examples).") var seed: String?
    @Option(name: [.customLong("output_path"), .customShort("o")], help: "lm-eval's --output_path: a folder (results_<date>.json in a subfolder named after the model) or a FILE.json (FILE_<date>.json).") var outputPath: String?
    @Flag(name: [.customLong("log_samples"), .customShort("s")], help: "lm-eval's --log_samples: also samples_<task>_<date>.jsonl per task (needs --output_path).") var logSamples = false
    @Option(help: "Write {\"results\": […], \"samples\": […], \"failures\": […]} to this file.") var output: String?
    @OptionGroup var unsupported: LMEvalUnsupportedOptions

    /// The task names, from the argument or `--tasks`.
    var taskNames: String? { tasksOption ?? taskList }
    /// lm-eval's `--model TYPE` (rather than our `--model NAME`).
    var lmEvalModelType: String? { modelArgs != nil ? model : model.flatMap { LMEvalArguments.modelTypes[$0] == nil ? nil : $0 } }
    var chatForm: Bool { chat || applyChatTemplate }

    func validate() throws {
        if taskList != nil && tasksOption != nil { throw ValidationError("give the tasks either as the argument or with --tasks, not both (--apply_chat_template takes no template name)") }
        if taskNames == nil { throw ValidationError("name the tasks: testbench run TASK[,TASK…] or --tasks TASK[,TASK…]") }
        let live = endpoint != nil || modelArgs != nil
        if (responses == nil) == !live { throw ValidationError("give exactly one of --responses FILE and --endpoint URL (or lm-eval's --model_args base_url=URL)") }
        if endpoint != nil && modelArgs != nil { throw ValidationError("give the server either with --endpoint or with --model_args base_url=URL, not both") }
        if endpoint != nil, model == nil { throw ValidationError("--endpoint needs --model NAME") }
        if responses != nil, apiKeyEnv != nil { throw ValidationError("--api-key-env only applies to --endpoint") }
        if fewshotAsMultiturn && !chatForm { throw ValidationError("--fewshot-as-multiturn needs --chat") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if retries < 0 { throw ValidationError("--retries must not be negative") }
        if let limit, DocumentLimit(lmEval: limit) == nil { throw ValidationError("--limit must be positive") }
        if let numFewshot, numFewshot < 0 { throw ValidationError("--num-fewshot must not be negative") }
        if let maxGenToks, maxGenToks < 1 { throw ValidationError("--max-gen-toks must be at least 1") }
        if logSamples && outputPath == nil { throw ValidationError("--log_samples needs --output_path (as lm-eval's does)") }
    }

    /// Refuses what lm-eval accepts but a reference run cannot do, naming the option.
    func checkLMEvalOptions() throws {
        if let name = unsupported.given.first {
            throw CommandFailure.badInput("lm-eval's --\(name) is not supported by testbench run")
        }
        if modelArgs != nil, model == nil { throw CommandFailure.badInput("--model_args needs lm-eval's --model local-completions or local-chat-completions") }
        if let type = lmEvalModelType {
            guard let api = LMEvalArguments.modelTypes[type] else {
                throw CommandFailure.badInput("lm-eval's --model \(type) is not supported by testbench run (it runs local-completions and local-chat-completions)")
            }
            if modelArgs == nil, endpoint != nil { throw CommandFailure.badInput("--model \(type) names lm-eval's model type: give the server as --model_args base_url=URL,model=NAME") }
            if api == .chatCompletions && !chatForm { throw CommandFailure.badInput("--model local-chat-completions needs --apply_chat_template (as lm-eval's does)") }
            if api == .completions && chatForm {
                throw CommandFailure.badInput("--model local-completions with --apply_chat_template needs the model's tokenizer to render the template; use --model local-chat-completions")
            }
        }
    }

    func run() async throws {
        var failed = false
        try await reportingFailures {
            try checkLMEvalOptions()
            let index = try source.index()
            let config = try source.loadConfig()
            let names = (taskNames ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw CommandFailure.badInput("name at least one task") }
            let datasetsDir = config?.datasetsDir ?? ReferenceData.bundledDatasetsFolder() ?? "datasets"
            let lmEvalModel: LMEvalArguments.ModelArgs?
            let kwargs: JSONObject?
            let fewshotSeed: Int
            do {
                lmEvalModel = try modelArgs.map(LMEvalArguments.modelArgs)
                kwargs = try genKwargs.map(LMEvalArguments.genKwargs)
                fewshotSeed = try seed.map(LMEvalArguments.fewshotSeed) ?? PromptOptions().fewshotSeed
            } catch {
                throw CommandFailure.badInput("\(error)")
            }
            let modelName = (lmEvalModelType == nil ? model : lmEvalModel?.model) ?? "testbench-model"
            let options = ReferenceRunOptions(
                tasks: names, data: data, datasetsDir: datasetsDir, limit: limit.flatMap(DocumentLimit.init(lmEval:)), chat: chatForm,
                fewshotAsMultiturn: fewshotAsMultiturn, systemInstruction: systemInstruction, numFewshot: numFewshot, maxGenToks: maxGenToks,
                genKwargs: kwargs, fewshotSeed: fewshotSeed, model: modelName)
            let source: ReferenceResponses
            if let lmEvalModel {
                guard let url = OpenAIClient.url(endpoint: lmEvalModel.baseURL, api: options.api), url.scheme == "http" || url.scheme == "https" else {
                    throw CommandFailure.badInput("--model_args base_url=\(lmEvalModel.baseURL): not an http(s) URL")
                }
                // lm-eval's max_retries counts attempts, the first included.
                source = .endpoint(OpenAIClient.Options(url: url, api: options.api, apiKey: try apiKey(), timeout: lmEvalModel.timeout,
                                                        retries: lmEvalModel.maxRetries - 1, concurrency: lmEvalModel.numConcurrent))
            } else if let responses {
                do { source = .file(try ResponsesFile(path: responses)) } catch let error as ReferenceRunError { throw CommandFailure.badInput(error.message) }
            } else if let endpoint {
                guard let url = OpenAIClient.url(endpoint: endpoint, api: options.api), url.scheme == "http" || url.scheme == "https" else {
                    throw CommandFailure.badInput("--endpoint \(endpoint): not an http(s) URL")
                }
                source = .endpoint(OpenAIClient.Options(url: url, api: options.api, apiKey: try apiKey(), timeout: timeout, retries: retries,
                                                        concurrency: concurrency))
            } else {
                throw CommandFailure.badInput("give --responses FILE or --endpoint URL")
            }
            let record = LMEvalRunRecord(
                modelSource: lmEvalModelType ?? (responses != nil ? "responses" : options.chat ? "local-chat-completions" : "local-completions"),
                modelArgs: modelArgs ?? [endpoint.map { "base_url=\($0)" }, "model=\(modelName)"].compactMap { $0 }.joined(separator: ","),
                limit: limit, genKwargs: options.genKwargsOverride, seeds: try lmEvalSeeds(), systemInstruction: systemInstruction,
                applyChatTemplate: chatForm, fewshotAsMultiturn: fewshotAsMultiturn)
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
                // A token across the context/continuation boundary is counted with the continuation
                // (EchoLogprobs.score); how often that happened says how far the split is from lm-eval's.
                let scores = task.samples.compactMap(\.loglikelihoods).joined()
                if endpoint != nil || modelArgs != nil, !scores.isEmpty {
                    print("\(task.task): \(scores.filter(\.straddles).count) of \(scores.count) continuations share their first token with the context (a token across the boundary, counted with the continuation)")
                }
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
            if let outputPath {
                do {
                    for path in try LMEvalOutput.write(report, record: record, outputPath: outputPath, logSamples: logSamples, gitHash: Self.gitDescribe()) {
                        printError("wrote \(path)")
                    }
                } catch {
                    throw CommandFailure.badInput("\(error)")
                }
            }
            failed = report.failureCount > 0
        }
        if failed { throw ExitCode(ExitStatus.failed.rawValue) }
    }

    private func lmEvalSeeds() throws -> [Int?] {
        do { return try seed.map(LMEvalArguments.seeds) ?? [0, 1234, 1234, 1234] } catch { throw CommandFailure.badInput("\(error)") }
    }

    /// lm-eval's `git_hash`: `git describe --always` in the working directory, nil outside a repository.
    static func gitDescribe() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "describe", "--always"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    private func apiKey() throws -> String? {
        guard let apiKeyEnv else { return nil }
        guard let value = ProcessInfo.processInfo.environment[apiKeyEnv], !value.isEmpty else {
            throw CommandFailure.badInput("--api-key-env \(apiKeyEnv): the variable is not set")
        }
        return value
    }
}

/// lm-eval 0.4.9 options a reference run does not support, parsed only to refuse them by name.
struct LMEvalUnsupportedOptions: ParsableArguments {
    @Option(name: [.customLong("batch_size"), .customShort("b")], help: .hidden) var batchSize: String?
    @Option(name: .customLong("max_batch_size"), help: .hidden) var maxBatchSize: String?
    @Option(name: .customLong("device"), help: .hidden) var device: String?
    @Option(name: [.customLong("samples"), .customShort("E")], help: .hidden) var samples: String?
    @Option(name: [.customLong("use_cache"), .customShort("c")], help: .hidden) var useCache: String?
    @Option(name: .customLong("cache_requests"), help: .hidden) var cacheRequests: String?
    @Flag(name: .customLong("check_integrity"), help: .hidden) var checkIntegrity = false
    @Flag(name: [.customLong("write_out"), .customShort("w")], help: .hidden) var writeOut = false
    @Flag(name: .customLong("show_config"), help: .hidden) var showConfig = false
    @Option(name: [.customLong("verbosity"), .customShort("v")], help: .hidden) var verbosity: String?
    @Option(name: .customLong("wandb_args"), help: .hidden) var wandbArgs: String?
    @Option(name: .customLong("wandb_config_args"), help: .hidden) var wandbConfigArgs: String?
    @Option(name: .customLong("hf_hub_log_args"), help: .hidden) var hfHubLogArgs: String?
    @Flag(name: [.customLong("predict_only"), .customShort("x")], help: .hidden) var predictOnly = false
    @Flag(name: .customLong("trust_remote_code"), help: .hidden) var trustRemoteCode = false
    @Flag(name: .customLong("confirm_run_unsafe_code"), help: .hidden) var confirmRunUnsafeCode = false
    @Option(name: .customLong("metadata"), help: .hidden) var metadata: String?

    /// The lm-eval names of the options given, in `LMEvalArguments.unsupportedOptions` order.
    var given: [String] {
        let set: [String: Bool] = [
            "batch_size": batchSize != nil, "max_batch_size": maxBatchSize != nil, "device": device != nil, "samples": samples != nil,
            "use_cache": useCache != nil, "cache_requests": cacheRequests != nil, "check_integrity": checkIntegrity, "write_out": writeOut,
            "show_config": showConfig, "verbosity": verbosity != nil, "wandb_args": wandbArgs != nil, "wandb_config_args": wandbConfigArgs != nil,
            "hf_hub_log_args": hfHubLogArgs != nil, "predict_only": predictOnly, "trust_remote_code": trustRemoteCode,
            "confirm_run_unsafe_code": confirmRunUnsafeCode, "metadata": metadata != nil,
        ]
        return LMEvalArguments.unsupportedOptions.filter { set[$0] == true }
    }
}
