import Foundation
import JSON
import TestSupport
import Testing

/// `workflow result --wait` across a lost database connection: it reconnects within
/// `--reconnect-timeout`, and otherwise exits 4, which a caller can tell from a failed workflow (1).
@Suite struct WorkflowResultOutageTests {
    /// A configuration whose `postgres_uri` goes through `proxy` to the test database.
    static func proxiedConfig(_ uri: String) throws -> (config: String, proxy: TCPProxy) {
        var components = try #require(URLComponents(string: uri), "the test server URI must be a URL: \(uri)")
        let proxy = try TCPProxy(upstreamPort: UInt16(try #require(components.port)))
        components.host = "127.0.0.1"
        components.port = Int(proxy.port)
        return (try CLIHarness.writeConfig(postgresURI: try #require(components.url).absoluteString), proxy)
    }

    @Test func waitRidesOutAConnectionLossAndPrintsTheResult() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let direct = try CLIHarness.writeConfig(postgresURI: database.uri)
            let (proxied, proxy) = try Self.proxiedConfig(database.uri)
            let start = try await CLIHarness.run(["workflow", "start", "--type", "Sleep", "--input", #"{"seconds": 4}"#, "--workflow-id", "blip"],
                                                 config: direct)
            #expect(start.status == 0, "stderr: \(start.stderr)")
            let worker = try Spawned(["worker"], config: direct)
            let waiting = try Spawned(["workflow", "result", "blip", "--wait", "--timeout", "60", "--reconnect-timeout", "30"], config: proxied)
            try await Task.sleep(for: .seconds(1))
            proxy.cut()
            try await Task.sleep(for: .seconds(2))
            #expect(waiting.process.isRunning, "still waiting during the outage; stderr: \(waiting.stderr)")
            proxy.restore()
            let status = try await waiting.wait(timeout: .seconds(60))
            worker.signal(SIGTERM)
            _ = try await worker.wait(timeout: .seconds(15))
            proxy.stop()
            #expect(status == 0, "stderr: \(waiting.stderr)")
            #expect((try? JSONValue.parse(waiting.stdout)) != nil, "the result as JSON: \(waiting.stdout)")
        }
    }

    @Test func anOutageLongerThanTheReconnectTimeoutExitsFour() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let direct = try CLIHarness.writeConfig(postgresURI: database.uri)
            let (proxied, proxy) = try Self.proxiedConfig(database.uri)
            let start = try await CLIHarness.run(["workflow", "start", "--type", "Sleep", "--input", #"{"seconds": 60}"#, "--workflow-id", "down"],
                                                 config: direct)
            #expect(start.status == 0, "stderr: \(start.stderr)")
            let waiting = try Spawned(["workflow", "result", "down", "--wait", "--reconnect-timeout", "2"], config: proxied)
            try await Task.sleep(for: .seconds(1))
            proxy.cut()
            let clock = ContinuousClock()
            let cutAt = clock.now
            let status = try await waiting.wait(timeout: .seconds(30))
            #expect(status == 4, "stderr: \(waiting.stderr)")
            #expect(clock.now - cutAt >= .seconds(2), "it kept trying for --reconnect-timeout")
            #expect(waiting.stderr.contains("could not reach the database"), "stderr: \(waiting.stderr)")
            #expect(waiting.stdout.isEmpty)

            // Without --wait nothing is retried: an unreachable database is exit 4 at once, for every command.
            let commands = [["workflow", "result", "down"], ["workflow", "list"], ["workflow", "start", "--type", "Noop"], ["datasets", "list"],
                            ["documents", "list"], ["leaderboard"], ["requester", "--endpoint", "http://127.0.0.1:9"]]
            for arguments in commands {
                let output = try await CLIHarness.run(arguments, config: proxied)
                #expect(output.status == 4, "\(arguments): \(output.stderr)")
                #expect(output.stderr.hasPrefix("error: ") && output.stderr.filter(\.isNewline).count == 1, "one line: \(output.stderr)")
            }
            proxy.stop()
        }
    }
}
