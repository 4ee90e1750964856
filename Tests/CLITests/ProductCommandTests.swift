import Foundation
import JSON
import Postgres
import TestSupport
import Testing

/// The product's commands as a user runs them: the binary, a config file, a real database.
@Suite struct ProductCommandTests {
    @Test func registerThroughTheQueueWithAWorkerProcess() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let start = try await CLIHarness.run(
                ["workflow", "start", "--type", "Register", "--input", #"{"framework": "lmeh", "tasks": "bigbench_navigate,bigbench_word_sorting"}"#,
                 "--workflow-id", "register-demo"], config: config)
            #expect(start.status == 0, "stderr: \(start.stderr)")
            let worker = try Spawned(["worker"], config: config)
            let result = try await CLIHarness.run(["workflow", "result", "register-demo", "--wait", "--timeout", "60"], config: config)
            worker.signal(SIGTERM)
            _ = try await worker.wait(timeout: .seconds(15))
            #expect(result.status == 0, "stderr: \(result.stderr)\nworker: \(worker.stderr)")
            let output = try JSONValue.parse(result.stdout)
            #expect(output["tasks"]?.arrayValue?.compactMap { $0["table"]?.stringValue } == ["bigbench--navigate", "bigbench--word_sorting"])
            #expect(output["tasks"]?.arrayValue?.compactMap { $0["rows_copied"]?.intValue } == [255, 255])

            let listing = try await CLIHarness.run(["datasets", "list", "--json"], config: config)
            #expect(listing.status == 0, "stderr: \(listing.stderr)")
            let tables = try JSONValue.parse(listing.stdout).arrayValue ?? []
            #expect(tables.count == 2)
            #expect(listing.stdout.contains("bigbench_navigate"))
        }
    }

    @Test func tasksRenderJSONEqualsTheLMEvalParityFixture() async throws {
        let parity = CLIHarness.packageRoot.appendingPathComponent("Tests/LMEvalTests/Fixtures/parity")
        let output = try await CLIHarness.run(
            ["tasks", "render", "bigbench_navigate", "--data", parity.appendingPathComponent("data/bigbench/navigate").path,
             "--doc", "0,5,11", "--json"], config: nil)
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let expected = try String(contentsOf: parity.appendingPathComponent("bigbench_navigate_completion.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONValue.parse(String($0)) }
        let got = try output.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        #expect(got == [expected[0], expected[5], expected[11]])
        #expect(got.first?["prompt"]?.stringValue == expected.first?["prompt"]?.stringValue)
    }

    @Test(arguments: [
        (["tasks", "render", "no_such_task", "--data", "/tmp"], "no task, group or tag named no_such_task"),
        (["tasks", "render", "bigbench_navigate", "--data", "/nonexistent-folder"], "--data /nonexistent-folder"),
        (["tasks", "render", "bigbench_navigate", "--data", "/tmp", "--doc", "x"], "--doc: 'x' is not a document id"),
        (["tasks", "list", "--group", "bigbench_navigate"], "--group bigbench_navigate: no group of that name"),
        (["tasks", "show", "bigbench_navigate", "--include-path", "/nonexistent-folder"], "--include-path /nonexistent-folder: no such folder"),
    ])
    func tasksBadInputExitsTwoWithAClearMessage(arguments: [String], message: String) async throws {
        let output = try await CLIHarness.run(arguments, config: nil)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message), "stderr: \(output.stderr)")
    }
}
