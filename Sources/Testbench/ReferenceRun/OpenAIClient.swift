import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JSON

/// Why a request produced no generation after its retries.
public struct RequestFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// No complete answer within the per-request timeout.
        case timeout
        /// The server could not be reached or dropped the connection.
        case connection
        /// An HTTP status other than 2xx.
        case http
        /// A 2xx answer that is not a completion (not JSON, no choices, an `error` object).
        case badResponse
    }

    public var kind: Kind
    public var message: String
    /// Attempts made (1 + retries).
    public var attempts: Int
    /// The original's status code for such a sample (2 for a body that is not JSON, 12 for a wrong shape…).
    public var statusCode: Int

    public init(kind: Kind, message: String, attempts: Int, statusCode: Int) {
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.statusCode = statusCode
    }

    public var description: String { "\(kind.rawValue) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(message)" }
}

/// A generation and how long the successful request took.
public struct CompletionReply: Sendable, Equatable {
    /// `choices[0].text` / `choices[0].message.content` ("[invalidanswer]" when empty).
    public var text: String
    /// The raw body, as the requester would store it in `responses.response`.
    public var body: String
    public var milliseconds: Int
}

/// A client for an OpenAI-compatible server (`/v1/completions` or `/v1/chat/completions`): a
/// total deadline per request, retries with exponential backoff on timeouts, connection errors,
/// HTTP 429 and 5xx, and at most `concurrency` requests in flight.
public struct OpenAIClient: Sendable {
    public struct Options: Sendable, Equatable {
        /// The full URL requests are POSTed to.
        public var url: URL
        public var api: CompletionAPI
        /// Sent as `Authorization: Bearer <key>` when set.
        public var apiKey: String?
        /// Seconds allowed for one attempt, connection to last byte.
        public var timeout: Double
        /// Retries after the first attempt.
        public var retries: Int
        /// Seconds before the first retry; doubles each retry, at most 30 s.
        public var backoff: Double
        /// Requests in flight at once.
        public var concurrency: Int

        public init(url: URL, api: CompletionAPI, apiKey: String? = nil, timeout: Double = 120, retries: Int = 3,
                    backoff: Double = 1, concurrency: Int = 4) {
            self.url = url
            self.api = api
            self.apiKey = apiKey
            self.timeout = timeout
            self.retries = retries
            self.backoff = backoff
            self.concurrency = max(1, concurrency)
        }
    }

    public let options: Options
    private let session: URLSession

    public init(options: Options) {
        self.options = options
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = options.timeout
        configuration.timeoutIntervalForResource = options.timeout
        configuration.httpMaximumConnectionsPerHost = options.concurrency
        session = URLSession(configuration: configuration)
    }

    /// The request URL for a server address: a URL already ending in `/completions` is kept;
    /// otherwise the API's path is appended (without doubling a trailing `/v1`).
    public static func url(endpoint: String, api: CompletionAPI) -> URL? {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/completions") { return URL(string: base) }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        return URL(string: base + api.rawValue)
    }

    /// Sends every body (at most `concurrency` at once); results come back in the bodies' order.
    /// `progress` is told about every finished request.
    public func complete(_ bodies: [JSONObject], progress: ProgressReporter? = nil) async -> [Result<CompletionReply, RequestFailure>] {
        var results = [Result<CompletionReply, RequestFailure>?](repeating: nil, count: bodies.count)
        await withTaskGroup(of: (Int, Result<CompletionReply, RequestFailure>).self) { group in
            var next = 0
            func launch() {
                let index = next
                let body = bodies[index]
                next += 1
                group.addTask { (index, await self.complete(body)) }
            }
            while next < min(options.concurrency, bodies.count) { launch() }
            for await (index, result) in group {
                results[index] = result
                if let progress {
                    if case .failure = result { await progress.advance(failed: true) } else { await progress.advance(failed: false) }
                }
                if next < bodies.count { launch() }
            }
        }
        return results.map { $0 ?? .failure(RequestFailure(kind: .connection, message: "not sent", attempts: 0, statusCode: 1)) }
    }

    /// One body, with retries.
    public func complete(_ body: JSONObject) async -> Result<CompletionReply, RequestFailure> {
        let payload = Data(JSONValue.object(body).serialized().utf8)
        var attempt = 0
        while true {
            attempt += 1
            let outcome = await send(payload, attempt: attempt)
            switch outcome {
            case let .success(reply):
                return .success(reply)
            case let .failure(failure):
                let retryable = failure.kind == .timeout || failure.kind == .connection || failure.retryableHTTP
                if !retryable || attempt > options.retries || Task.isCancelled {
                    return .failure(RequestFailure(kind: failure.kind, message: failure.message, attempts: attempt, statusCode: failure.statusCode))
                }
                let delay = min(30, options.backoff * pow(2, Double(attempt - 1)))
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    private struct AttemptFailure: Error {
        var kind: RequestFailure.Kind
        var message: String
        var statusCode: Int
        var retryableHTTP = false
    }

    private func send(_ payload: Data, attempt: Int) async -> Result<CompletionReply, AttemptFailure> {
        var request = URLRequest(url: options.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: options.timeout)
        request.httpMethod = "POST"
        request.httpBody = payload
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = options.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let started = ContinuousClock.now
        let answer: (Data, URLResponse)
        let prepared = request
        do {
            answer = try await withDeadline(seconds: options.timeout) { [session] in try await session.data(for: prepared) }
        } catch is DeadlineExceeded {
            return .failure(AttemptFailure(kind: .timeout, message: "no answer from \(options.url.absoluteString) within \(Self.seconds(options.timeout))",
                                           statusCode: 1))
        } catch let error as URLError where error.code == .timedOut {
            return .failure(AttemptFailure(kind: .timeout, message: "no answer from \(options.url.absoluteString) within \(Self.seconds(options.timeout))",
                                           statusCode: 1))
        } catch {
            return .failure(AttemptFailure(kind: .connection, message: "\(options.url.absoluteString): \(error.localizedDescription)", statusCode: 1))
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let (data, response) = answer
        let text = String(decoding: data, as: UTF8.self)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            // The requester's mapping: 4xx is a bad request (code 4), anything else a supplier error (code 2).
            return .failure(AttemptFailure(kind: .http, message: "HTTP \(status): \(Self.excerpt(text))",
                                           statusCode: (400..<500).contains(status) ? 4 : 2,
                                           retryableHTTP: status == 429 || status >= 500))
        }
        switch CompletionBody.parse(text, api: options.api) {
        case let .text(generation):
            return .success(CompletionReply(text: generation, body: text, milliseconds: milliseconds))
        case let .failed(code, error):
            return .failure(AttemptFailure(kind: .badResponse, message: Self.excerpt(error), statusCode: code))
        }
    }

    static func excerpt(_ text: String) -> String {
        text.count <= 300 ? text : String(text.prefix(300)) + "…"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.2f s", value)
    }
}

struct DeadlineExceeded: Error {}

/// Runs `body`, cancelling it once `seconds` have passed (URLSession's own timeout on Linux is an
/// idle timeout, so a server that trickles bytes would never time out).
func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
        return value
    }
}
