import Foundation
import JSON
import TestSupport
import Testbench
import Testing

/// The reference-run HTTP client against a tiny server inside the test: retries, timeouts,
/// HTTP errors, malformed bodies, slow answers and the concurrency bound.
@Suite struct OpenAIClientTests {
    static func completion(_ text: String) -> String {
        #"{"id":"c","object":"text_completion","model":"m","choices":[{"index":0,"text":"\#(text)","finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#
    }

    static func client(_ server: TestHTTPServer, api: CompletionAPI = .completions, timeout: Double = 5, retries: Int = 2,
                       concurrency: Int = 2) throws -> OpenAIClient {
        let url = try #require(OpenAIClient.url(endpoint: server.baseURL, api: api))
        return OpenAIClient(options: .init(url: url, api: api, apiKey: "secret", timeout: timeout, retries: retries, backoff: 0.05,
                                           concurrency: concurrency))
    }

    @Test func postsTheBodyAndReadsTheText() async throws {
        let server = try TestHTTPServer { _ in .json(200, Self.completion(" 42")) }
        defer { server.stop() }
        let reply = try await Self.client(server).complete(["model": "m", "prompt": "Q: 40+2\nA:", "max_tokens": 8]).get()
        #expect(reply.text == " 42")
        #expect(reply.milliseconds >= 0)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/completions")
        #expect(request.headers["authorization"] == "Bearer secret")
        #expect(request.headers["content-type"] == "application/json")
        #expect(try JSONValue.parse(request.body) == ["model": "m", "prompt": "Q: 40+2\nA:", "max_tokens": 8])
    }

    @Test func retriesHTTP500ThenSucceeds() async throws {
        let calls = Counter()
        let server = try TestHTTPServer { _ in calls.next() < 2 ? .json(500, #"{"error":"busy"}"#) : .json(200, Self.completion("ok")) }
        defer { server.stop() }
        let result = try await Self.client(server, retries: 3).complete(["prompt": "x"])
        #expect(try result.get().text == "ok")
        #expect(server.requests.count == 3)
    }

    @Test func givesUpAfterTheRetries() async throws {
        let server = try TestHTTPServer { _ in .json(503, "overloaded") }
        defer { server.stop() }
        let result = try await Self.client(server, retries: 2).complete(["prompt": "x"])
        guard case let .failure(failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.kind == .http)
        #expect(failure.attempts == 3)
        #expect(failure.statusCode == 2)
        #expect(failure.message.contains("HTTP 503"))
        #expect(server.requests.count == 3)
    }

    @Test func doesNotRetryABadRequest() async throws {
        let server = try TestHTTPServer { _ in .json(400, #"{"error":{"message":"bad"}}"#) }
        defer { server.stop() }
        let result = try await Self.client(server, retries: 3).complete(["prompt": "x"])
        guard case let .failure(failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.kind == .http)
        #expect(failure.statusCode == 4)
        #expect(server.requests.count == 1)
    }

    @Test func malformedJSONIsAFailedSampleNotACrash() async throws {
        let server = try TestHTTPServer { _ in .raw(200, contentType: "application/json", body: "{\"choices\": [") }
        defer { server.stop() }
        let result = try await Self.client(server).complete(["prompt": "x"])
        guard case let .failure(failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.kind == .badResponse)
        #expect(failure.statusCode == 2)
        #expect(failure.message.hasPrefix("Bad JSON data format (response): {\"choices\": ["))
        #expect(server.requests.count == 1)
    }

    @Test func emptyChoicesIsAFailedSample() async throws {
        let server = try TestHTTPServer { _ in .json(200, #"{"choices":[]}"#) }
        defer { server.stop() }
        let result = try await Self.client(server, api: .chatCompletions).complete(["messages": []])
        guard case let .failure(failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.statusCode == 12)
        #expect(server.requests.first?.path == "/v1/chat/completions")
    }

    @Test func timesOutAHangingServerAndRetries() async throws {
        let server = try TestHTTPServer { _ in .hang }
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = try await Self.client(server, timeout: 0.5, retries: 1).complete(["prompt": "x"])
        let elapsed = ContinuousClock.now - started
        guard case let .failure(failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.kind == .timeout)
        #expect(failure.attempts == 2)
        // Generous: under a loaded two-core test run the deadline task can be scheduled late; a hang would never end.
        #expect(elapsed < .seconds(60), "the deadline bounds each attempt (took \(elapsed))")
        // The client counts its attempts; under load the second one can time out before its request reaches the server's thread.
        #expect((1...2).contains(server.requests.count))
    }

    @Test func aSlowAnswerWithinTheTimeoutIsKept() async throws {
        let server = try TestHTTPServer { _ in .delayed(0.4, .json(200, Self.completion("slow"))) }
        defer { server.stop() }
        let reply = try await Self.client(server, timeout: 5).complete(["prompt": "x"]).get()
        #expect(reply.text == "slow")
        #expect(reply.milliseconds >= 300)
    }

    @Test func aSlowAnswerPastTheTimeoutIsATimeout() async throws {
        let server = try TestHTTPServer { _ in .delayed(3, .json(200, Self.completion("late"))) }
        defer { server.stop() }
        let result = try await Self.client(server, timeout: 0.5, retries: 0).complete(["prompt": "x"])
        guard case let .failure(failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.kind == .timeout)
    }

    @Test func aDroppedConnectionIsRetried() async throws {
        let calls = Counter()
        let server = try TestHTTPServer { _ in calls.next() == 0 ? .drop : .json(200, Self.completion("again")) }
        defer { server.stop() }
        let reply = try await Self.client(server, retries: 2).complete(["prompt": "x"]).get()
        #expect(reply.text == "again")
        #expect(server.requests.count == 2)
    }

    @Test func keepsOrderAndBoundsConcurrency() async throws {
        let server = try TestHTTPServer { request in
            let prompt = (try? JSONValue.parse(request.body))?["prompt"]?.stringValue ?? "?"
            return .delayed(0.1, .json(200, Self.completion("echo " + prompt)))
        }
        defer { server.stop() }
        let bodies: [JSONObject] = (0..<12).map { ["prompt": .string("p\($0)")] }
        let lines = LineSink()
        let progress = ProgressReporter(label: "test", total: bodies.count, terminal: false) { lines.append($0) }
        let results = try await Self.client(server, concurrency: 3).complete(bodies, progress: progress)
        #expect(try results.map { try $0.get().text } == (0..<12).map { "echo p\($0)" })
        #expect(server.peakConcurrency <= 3)
        #expect(server.peakConcurrency >= 2)
        #expect(await progress.counts == (12, 0))
        #expect(lines.all.last?.contains("12/12 requests done") == true)
    }

    @Test func terminalProgressDrawsABar() async {
        let lines = LineSink()
        let progress = ProgressReporter(label: "task", total: 2, terminal: true) { lines.append($0) }
        await progress.advance(failed: false)
        await progress.advance(failed: true)
        #expect(lines.all.first?.hasPrefix("\rtask [###############...............] 1/2") == true)
        #expect(lines.all.contains { $0.contains("2/2, 1 failed") })
        #expect(lines.all.last == "\n")
    }
}

/// A thread-safe call counter for server routes.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// The count before this call.
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

/// Collects progress output.
final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
