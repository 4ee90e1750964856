import Foundation
import JSON
import TestSupport
import Testing

/// `testbench run` spelled as lm-eval 0.4.9's command line.
@Suite struct RunLMEvalFlagsTests {
    static let completion = #"{"choices":[{"index":0,"text":" True"}]}"#
    static let chatCompletion = #"{"choices":[{"index":0,"message":{"role":"assistant","content":" True"}}]}"#

    static func bodies(_ server: TestHTTPServer) -> [JSONValue] {
        server.requests.compactMap { try? JSONValue.parse($0.body) }
    }

    @Test func lmEvalCompletionsFlagsMeanWhatLMEvalMeans() async throws {
        let server = try TestHTTPServer { _ in .json(200, Self.completion) }
        defer { server.stop() }
        let run = try await CLIHarness.run([
            "run", "--model", "local-completions",
            "--model_args", "base_url=\(server.baseURL)/v1/completions,model=m,num_concurrent=2,max_retries=1,timeout=30",
            "--tasks", "bigbench_navigate", "--limit", "0.01", "--num_fewshot", "1", "--gen_kwargs", "max_gen_toks=7,temperature=0.5",
        ], config: nil)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        // lm-eval's --limit below 1 is a fraction of the split, rounded up: 250 × 0.01 = 2.5 → 3.
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.path == "/v1/completions" })
        let bodies = Self.bodies(server)
        #expect(bodies.allSatisfy { $0["model"] == "m" && $0["max_tokens"] == 7 && $0["temperature"] == .double(0.5) })
        #expect(run.stdout.contains("|bigbench_navigate|      1|direct-answer|     1|exact_match|"), "\(run.stdout)")
    }

    @Test func lmEvalSpellingSendsWhatOurSpellingSends() async throws {
        let server = try TestHTTPServer { _ in .json(200, Self.completion) }
        defer { server.stop() }
        let ours = try await CLIHarness.run(["run", "bigbench_navigate", "--endpoint", server.baseURL, "--model", "m", "--limit", "2",
                                             "--num-fewshot", "2", "--max-gen-toks", "9", "--concurrency", "1"], config: nil)
        #expect(ours.status == 0, "stderr: \(ours.stderr)")
        let oursBodies = Self.bodies(server)
        let lmEval = try await CLIHarness.run(["run", "-m", "local-completions", "-a", #"{"base_url": "\#(server.baseURL)", "model": "m"}"#,
                                               "-t", "bigbench_navigate", "-L", "2", "-f", "2", "--gen_kwargs", #"{"max_gen_toks": 9}"#],
                                              config: nil)
        #expect(lmEval.status == 0, "stderr: \(lmEval.stderr)")
        let lmEvalBodies = Array(Self.bodies(server).dropFirst(oursBodies.count))
        #expect(oursBodies.count == 2)
        #expect(Set(lmEvalBodies.map { $0.serialized() }) == Set(oursBodies.map { $0.serialized() }))
    }

    @Test func seedPicksTheFewshotExamples() async throws {
        let server = try TestHTTPServer { _ in .json(200, Self.completion) }
        defer { server.stop() }
        var prompts: [String: [String]] = [:]
        for seed in ["1234", "0,1234,1234,1234", "7", "1,2,3,7"] {
            let before = server.requests.count
            let run = try await CLIHarness.run(["run", "--tasks", "bigbench_navigate", "--endpoint", server.baseURL, "--model", "m",
                                                "--limit", "1", "--num_fewshot", "3", "--seed", seed], config: nil)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            prompts[seed] = Self.bodies(server).dropFirst(before).compactMap { $0["prompt"]?.stringValue }
        }
        #expect(prompts["1234"]?.count == 1)
        #expect(prompts["1234"] == prompts["0,1234,1234,1234"], "one value sets all four seeds")
        #expect(prompts["7"] == prompts["1,2,3,7"], "the fourth value is the few-shot seed")
        #expect(prompts["7"] != prompts["1234"])
    }

    @Test func lmEvalMaxRetriesCountsAttempts() async throws {
        let server = try TestHTTPServer { _ in .json(500, "{}") }
        defer { server.stop() }
        let run = try await CLIHarness.run(["run", "--model", "local-completions", "--model_args", "base_url=\(server.baseURL),model=m,max_retries=2",
                                            "--tasks", "bigbench_navigate", "--limit", "2"], config: nil, timeout: .seconds(120))
        #expect(run.status == 1, "stderr: \(run.stderr)")
        #expect(server.requests.count == 4, "two documents, two attempts each")
    }

    @Test func lmEvalChatFlags() async throws {
        let server = try TestHTTPServer { _ in .json(200, Self.chatCompletion) }
        defer { server.stop() }
        let run = try await CLIHarness.run([
            "run", "--model", "local-chat-completions", "--model_args", "base_url=\(server.baseURL)/v1/chat/completions,model=c",
            "--tasks", "bigbench_navigate", "--limit", "1", "--apply_chat_template", "--fewshot_as_multiturn",
            "--system_instruction", "Answer briefly.",
        ], config: nil)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(server.requests.map(\.path) == ["/v1/chat/completions"])
        let messages = try #require(Self.bodies(server).first?["messages"]?.arrayValue)
        #expect(messages.first?["role"] == "system")
        #expect(messages.first?["content"]?.stringValue?.hasPrefix("Answer briefly.") == true)
        // Three few-shot examples as turns, then the question.
        #expect(messages.filter { $0["role"] == "assistant" }.count == 3)
        #expect(messages.last?["role"] == "user")
    }

    @Test func outputPathWritesLMEvalsFiles() async throws {
        let server = try TestHTTPServer { _ in .json(200, Self.completion) }
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lmeval-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await CLIHarness.run([
            "run", "--model", "local-completions", "--model_args", "base_url=\(server.baseURL)/v1/completions,model=org/m",
            "--tasks", "bigbench_navigate", "--limit", "2", "--output_path", folder.path, "--log_samples",
        ], config: nil)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        // A folder gets a subfolder named after the sanitized model, as lm-eval's does.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("org__m").path).sorted()
        #expect(files.count == 2, "\(files)")
        let results = try #require(files.first { $0.hasPrefix("results_") && $0.hasSuffix(".json") })
        let samples = try #require(files.first { $0.hasPrefix("samples_bigbench_navigate_") && $0.hasSuffix(".jsonl") })
        #expect(results.dropFirst("results_".count).dropLast(".json".count) == samples.dropFirst("samples_bigbench_navigate_".count).dropLast(".jsonl".count),
                "one timestamp for both")
        let document = try JSONValue.parse(String(contentsOfFile: folder.appendingPathComponent("org__m/\(results)").path, encoding: .utf8))
        #expect(document["model_name"] == "org/m")
        #expect(document["n-samples"]?["bigbench_navigate"]?["effective"] == 2)
        #expect(document["task_hashes"]?["bigbench_navigate"]?.stringValue?.count == 64)
        let lines = try String(contentsOfFile: folder.appendingPathComponent("org__m/\(samples)").path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(try JSONValue.parse(String(lines[0]))["resps"] == [[" True"]])
    }

    @Test func outputPathEndingInJSONNamesTheResultsFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lmeval-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let responses = folder.appendingPathComponent("responses.jsonl")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"doc_id": 0, "response": "Yes"}"#.utf8).write(to: responses)
        let run = try await CLIHarness.run(["run", "--tasks", "bigbench_navigate", "--responses", responses.path,
                                            "--output_path", folder.appendingPathComponent("run.json").path, "--log_samples"], config: nil)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.contains { $0.hasPrefix("run_") && $0.hasSuffix(".json") }, "\(files)")
        #expect(files.contains { $0.hasPrefix("samples_bigbench_navigate_") && $0.hasSuffix(".jsonl") }, "\(files)")
    }

    @Test func logSamplesNeedsOutputPath() async throws {
        let run = try await CLIHarness.run(["run", "--tasks", "bigbench_navigate", "--responses", "/dev/null", "--log_samples"], config: nil)
        #expect(run.status == 64, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("--output_path"), "stderr: \(run.stderr)")
    }

    static let refused: [([String], String)] = [
        (["--batch_size", "8"], "--batch_size"), (["-b", "auto"], "--batch_size"), (["--max_batch_size", "8"], "--max_batch_size"),
        (["--device", "cuda"], "--device"), (["--samples", "{}"], "--samples"), (["--use_cache", "x.db"], "--use_cache"),
        (["--cache_requests", "true"], "--cache_requests"), (["--check_integrity"], "--check_integrity"), (["--write_out"], "--write_out"),
        (["--show_config"], "--show_config"), (["--verbosity", "DEBUG"], "--verbosity"), (["--wandb_args", "project=x"], "--wandb_args"),
        (["--wandb_config_args", "lr=1"], "--wandb_config_args"), (["--hf_hub_log_args", "x=y"], "--hf_hub_log_args"),
        (["--predict_only"], "--predict_only"), (["--trust_remote_code"], "--trust_remote_code"),
        (["--confirm_run_unsafe_code"], "--confirm_run_unsafe_code"), (["--metadata", "{}"], "--metadata"),
        (["--seed", "1,2,3,None"], "None"), (["--seed", "1,2"], "--seed"), (["--gen_kwargs", "{bad"], "--gen_kwargs"),
    ]

    @Test(arguments: refused)
    func unsupportedLMEvalOptionsAreRefusedByName(_ extra: [String], _ named: String) async throws {
        let run = try await CLIHarness.run(["run", "--tasks", "bigbench_navigate", "--responses", "/dev/null"] + extra, config: nil)
        #expect(run.status == 2, "stderr: \(run.stderr)")
        #expect(run.stderr.contains(named), "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    static let refusedModels: [([String], String)] = [
        (["--model", "hf", "--model_args", "pretrained=gpt2"], "--model hf"),
        (["--model", "local-completions", "--model_args", "base_url=http://127.0.0.1:9,tokenizer=gpt2"], "tokenizer"),
        (["--model", "local-completions", "--model_args", "model=m"], "base_url"),
        (["--model", "local-completions", "--model_args", "base_url=http://127.0.0.1:9,num_concurrent=0"], "num_concurrent"),
        (["--model", "local-completions", "--model_args", "base_url=http://127.0.0.1:9", "--apply_chat_template"], "local-chat-completions"),
        (["--model", "local-chat-completions", "--model_args", "base_url=http://127.0.0.1:9"], "--apply_chat_template"),
        (["--model", "local-completions", "--endpoint", "http://127.0.0.1:9"], "--model_args"),
        (["--model_args", "base_url=http://127.0.0.1:9"], "--model local-completions"),
    ]

    @Test(arguments: refusedModels)
    func unsupportedModelsAreRefusedByName(_ extra: [String], _ named: String) async throws {
        let run = try await CLIHarness.run(["run", "--tasks", "bigbench_navigate"] + extra, config: nil)
        #expect(run.status == 2, "stderr: \(run.stderr)")
        #expect(run.stderr.contains(named), "stderr: \(run.stderr)")
    }

    @Test func tasksAsArgumentAndOptionIsAnError() async throws {
        let run = try await CLIHarness.run(["run", "bigbench_navigate", "--tasks", "bigbench_navigate", "--responses", "/dev/null"], config: nil)
        #expect(run.status == 64, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("--tasks"))
    }
}
