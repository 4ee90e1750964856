import Foundation
import JSON
import TestSupport
import Testing

/// `testbench run` and `testbench leaderboard` as a user runs them.
@Suite struct RunCommandTests {
    static let datasets = CLIHarness.packageRoot.appendingPathComponent("datasets")

    static func targets(_ dataset: String, field: String = "target") throws -> [String] {
        let text = try String(contentsOf: datasets.appendingPathComponent("bigbench/\(dataset)/test.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try #require(JSONValue.parse(String($0))[field]?.stringValue) }
    }

    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)\(suffix)").path
    }

    @Test func scoresAResponsesFileAndWritesJSON() async throws {
        let targets = try Self.targets("navigate")
        let responses = Self.temporaryPath(".jsonl")
        let lines = [
            #"{"doc_id": 0, "response": " \#(targets[0])\nmore"}"#, #"{"doc_id": 1, "response": " maybe"}"#,
            #"{"doc_id": 2, "response": "\#(targets[2])"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: responses))
        let output = Self.temporaryPath(".json")
        let run = try await CLIHarness.run(["run", "bigbench_navigate", "--responses", responses, "--output", output], config: nil)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.hasPrefix("|      Tasks      |Version|   Filter    |n-shot|  Metric   |   |Value |   |Stderr|\n"), "\(run.stdout)")
        #expect(run.stdout.contains("|bigbench_navigate|      1|direct-answer|     3|exact_match|↑  |0.6667|±  |0.3333|"))
        #expect(run.stdout.contains("bigbench_navigate: 3 documents scored; per-sample score direct-answer/exact_match"))
        let json = try JSONValue.parse(try String(contentsOfFile: output, encoding: .utf8))
        #expect(json["results"]?.arrayValue?.count == 1)
        #expect(json["results"]?.arrayValue?.first?["n"] == 3)
        #expect(json["samples"]?.arrayValue?.map { $0["filtered"] } == [.string(targets[0]), "maybe", .string(targets[2])])
        #expect(json["samples"]?.arrayValue?.first?.objectValue?.keys == ["task", "doc_id", "filter", "response", "filtered", "metrics"])
        #expect(json["failures"] == [])
    }

    @Test func failedRequestsExitOneAndTheRestIsScored() async throws {
        let failing = try Self.targets("navigate", field: "input")[1] + "\nA:"
        let server = try TestHTTPServer { request in
            let prompt = (try? JSONValue.parse(request.body))?["prompt"]?.stringValue ?? ""
            // The second document's prompt ends with its question: answer it with HTTP 500 every time.
            if prompt.hasSuffix(failing) { return .json(500, "{}") }
            return .json(200, #"{"choices":[{"index":0,"text":" True"}]}"#)
        }
        defer { server.stop() }
        let targets = try Self.targets("navigate")
        let output = Self.temporaryPath(".json")
        let run = try await CLIHarness.run(["run", "bigbench_navigate", "--endpoint", server.baseURL, "--model", "m", "--limit", "4",
                                            "--retries", "1", "--concurrency", "2", "--output", output], config: nil)
        let json = try JSONValue.parse(try String(contentsOfFile: output, encoding: .utf8))
        let failures = json["failures"]?.arrayValue ?? []
        let failed = Set(failures.compactMap { $0["doc_id"]?.intValue })
        #expect(failed == [1])
        #expect(run.status == 1, "stderr: \(run.stderr)")
        #expect(server.requests.count == 5, "doc 1 tried twice (one retry)")
        #expect(failures.allSatisfy { $0["status_code"] == 2 && ($0["error"]?.stringValue ?? "").contains("HTTP 500") })
        let samples = json["samples"]?.arrayValue ?? []
        #expect(samples.count + failed.count == 4)
        for sample in samples {
            let docID = try #require(sample["doc_id"]?.intValue)
            #expect(sample["metrics"]?["exact_match"] == .double(targets[docID] == "True" ? 1 : 0))
        }
        #expect(run.stderr.contains("bigbench_navigate: 4/4 requests done"), "progress lines on a non-terminal: \(run.stderr)")
        #expect(server.requests.allSatisfy { $0.path == "/v1/completions" })
        #expect(server.requests.first.map { (try? JSONValue.parse($0.body))?["model"] } == .string("m"))
    }

    static let badInputs: [([String], Int32)] = [
        (["run", "bigbench_navigate"], 64),
        (["run", "bigbench_navigate", "--endpoint", "http://127.0.0.1:9"], 64),
        (["run", "no_such_task", "--responses", "/dev/null"], 2),
        (["run", "bigbench_navigate", "--responses", "/no/such/file.jsonl"], 2),
        (["run", "bigbench_navigate", "--endpoint", "ftp://x", "--model", "m"], 2),
        (["run", "bigbench_navigate", "--data", "/no/such/folder", "--endpoint", "http://127.0.0.1:9", "--model", "m"], 2),
    ]

    @Test(arguments: badInputs)
    func badInputIsAClearError(_ arguments: [String], _ status: Int32) async throws {
        let run = try await CLIHarness.run(arguments, config: nil)
        #expect(run.status == status, "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!run.stderr.isEmpty)
    }

    @Test func leaderboardOfAnEmptyStore() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let table = try await CLIHarness.run(["leaderboard"], config: config)
            #expect(table.status == 0, "stderr: \(table.stderr)")
            #expect(table.stdout == "no results in the postgres document store\n")
            let json = try await CLIHarness.run(["leaderboard", "--task", "bigbench_navigate", "--json"], config: config)
            #expect(json.status == 0)
            #expect(try JSONValue.parse(json.stdout) == [])
        }
    }
}
