import Foundation
import JSON
import Testing

/// Where `tasks render` and `run` find documents without `--data`: a task's own
/// `dataset_kwargs.data_files`, else the bundled datasets whatever folder the configuration is in.
@Suite struct TaskDataRulesTests {
    /// A folder outside the repository holding a task in lm-eval's local form and a configuration file.
    struct Folder {
        let path: String
        var config: String { path + "/config.json" }

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("data-rules-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path + "/tasks/data", withIntermediateDirectories: true)
            let yaml = """
                task: local_arith
                dataset_path: json
                dataset_kwargs:
                  data_files:
                    test: data/questions.jsonl
                output_type: generate_until
                test_split: test
                doc_to_text: "Q: {{question}}\\nA:"
                doc_to_target: "{{answer}}"
                generation_kwargs:
                  until: ["\\n"]
                metric_list:
                  - metric: exact_match
                metadata:
                  version: 1.0

                """
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: path + "/tasks/local_arith.yaml"))
            let rows = [#"{"question": "1+1", "answer": "2"}"#, #"{"question": "2+3", "answer": "5"}"#]
            try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path + "/tasks/data/questions.jsonl"))
            try Data("{}".utf8).write(to: URL(fileURLWithPath: config))
        }

        func write(_ name: String, _ lines: [String]) throws -> String {
            let file = path + "/" + name
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
            return file
        }
    }

    @Test func renderReadsTheTasksOwnDataFiles() async throws {
        let folder = try Folder()
        let run = try await CLIHarness.run(["tasks", "render", "local_arith", "--include-path", folder.path + "/tasks", "--json"], config: nil)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.map { $0["prompt"] } == [.string("Q: 1+1\nA:"), .string("Q: 2+3\nA:")])
    }

    @Test func runScoresTheTasksOwnDataFiles() async throws {
        let folder = try Folder()
        let responses = try folder.write("responses.jsonl", [#"{"doc_id": 0, "response": "2"}"#, #"{"doc_id": 1, "response": "4"}"#])
        let run = try await CLIHarness.run(["run", "--tasks", "local_arith", "--include_path", folder.path + "/tasks", "--responses", responses],
                                           config: folder.config)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("|local_arith|      1|none  |     0|exact_match|↑  |  0.5|±  |   0.5|"), "\(run.stdout)")
    }

    @Test func aMissingDataFileIsNamed() async throws {
        let folder = try Folder()
        try FileManager.default.removeItem(atPath: folder.path + "/tasks/data/questions.jsonl")
        let run = try await CLIHarness.run(["tasks", "render", "local_arith", "--include-path", folder.path + "/tasks"], config: nil)
        #expect(run.status == 2, "stderr: \(run.stderr)")
        #expect(run.stderr.contains("questions.jsonl"), "stderr: \(run.stderr)")
    }

    @Test func bundledDatasetsAreFoundFromAConfigurationElsewhere() async throws {
        let folder = try Folder()
        let render = try await CLIHarness.run(["tasks", "render", "bigbench_navigate", "--doc", "0", "--json"], config: folder.config)
        #expect(render.status == 0, "stderr: \(render.stderr)")
        #expect(render.stdout.split(separator: "\n").count == 1)
        let responses = try folder.write("navigate.jsonl", [#"{"doc_id": 0, "response": " True"}"#])
        let run = try await CLIHarness.run(["run", "bigbench_navigate", "--responses", responses], config: folder.config)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("bigbench_navigate: 1 documents scored"))
        let check = try await CLIHarness.run(["config", "check"], config: folder.config)
        #expect(check.status == 0, "stderr: \(check.stderr)")
        #expect(check.stdout.contains("\"datasets_dir\": \"\(CLIHarness.packageRoot.appendingPathComponent("datasets").path)\""), "\(check.stdout)")
    }
}
