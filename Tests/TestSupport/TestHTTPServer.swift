import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (a free port) for client tests: one thread per
/// connection, `Connection: close`, answers from a route closure, records every request
/// (with its body, read by Content-Length).
public final class TestHTTPServer: @unchecked Sendable {
    /// One request as the server read it.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        public var headers: [String: String]
        public var body: String
    }

    /// How the server answers a request.
    public indirect enum Response: Sendable {
        case json(Int, String)
        /// Any status, content type and body bytes (e.g. a body that is not JSON).
        case raw(Int, contentType: String, body: String)
        /// Waits, then answers (a slow server).
        case delayed(Double, Response)
        /// Accepts the request and never answers (until the server stops).
        case hang
        /// Closes the connection without answering.
        case drop
    }

    /// The loopback port it listens on.
    public let port: UInt16
    private let listener: Int32
    private let route: @Sendable (Request) -> Response
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var stopped = false
    private var inFlight = 0
    private var maxInFlight = 0

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request so far, in arrival order.
    public var requests: [Request] { lock.withLock { recorded } }

    /// The most requests the server was answering at the same time.
    public var peakConcurrency: Int { lock.withLock { maxInFlight } }

    /// Starts listening; `route` answers each request (on the connection's own thread).
    public init(route: @escaping @Sendable (Request) -> Response) throws {
        self.route = route
        (listener, port) = try Loopback.openListener()
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Closes the listener; hanging and delayed answers end soon after.
    public func stop() {
        let wasStopped = lock.withLock { () -> Bool in
            defer { stopped = true }
            return stopped
        }
        if !wasStopped {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in handle(client) }
            thread.start()
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        while headerEnd == nil {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, 4096, 0) }
            if n <= 0 { return }
            data.append(contentsOf: chunk[0..<n])
            headerEnd = data.headerEnd
        }
        guard let headerEnd else { return }
        let text = String(decoding: data[0..<headerEnd], as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return }
        let target = String(parts[1])
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bodyLength = Int(headers["content-length"] ?? "") ?? 0
        var body = Array(data[(headerEnd + 4)...])
        while body.count < bodyLength {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, 4096, 0) }
            if n <= 0 { break }
            body.append(contentsOf: chunk[0..<n])
        }
        let components = URLComponents(string: target)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let request = Request(method: String(parts[0]), path: components?.path ?? target, query: query, headers: headers,
                              body: String(decoding: body, as: UTF8.self))
        lock.withLock {
            recorded.append(request)
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
        }
        defer { lock.withLock { inFlight -= 1 } }
        answer(route(request), on: client)
    }

    private func answer(_ response: Response, on client: Int32) {
        switch response {
        case .hang:
            while !isStopped { usleep(20_000) }
        case .drop:
            return
        case let .delayed(seconds, inner):
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, !isStopped { usleep(10_000) }
            answer(inner, on: client)
        case let .json(status, body):
            reply(status: status, contentType: "application/json", body: body, on: client)
        case let .raw(status, contentType, body):
            reply(status: status, contentType: contentType, body: body, on: client)
        }
    }

    private func reply(status: Int, contentType: String, body: String, on client: Int32) {
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        let all = Array(head.utf8) + bytes
        var sent = 0
        while sent < all.count {
            let n = all[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}

private extension [UInt8] {
    /// The index of the blank line ending the headers ("\r\n\r\n"), if it has arrived.
    var headerEnd: Int? {
        guard count >= 4 else { return nil }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return i }
        return nil
    }
}
