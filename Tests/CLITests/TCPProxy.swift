import Foundation
import Synchronization
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP forwarder on 127.0.0.1 (a free port) to a PostgreSQL server, which a test can cut: every
/// open connection is closed and new ones are refused, as during a server restart, until `restore()`.
final class TCPProxy: Sendable {
    let port: UInt16
    private let listener: Int32
    private let upstreamPort: UInt16
    private struct State {
        var stopped = false
        var refusing = false
        var open: [Int32] = []
    }
    private let state = Mutex(State())

    init(upstreamPort: UInt16) throws {
        self.upstreamPort = upstreamPort
        (listener, port) = try Loopback.openListener()
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// Closes every forwarded connection and refuses new ones.
    func cut() {
        let open = state.withLock { state in
            state.refusing = true
            defer { state.open = [] }
            return state.open
        }
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Forwards new connections again.
    func restore() { state.withLock { $0.refusing = false } }

    func stop() {
        let wasStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        cut()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let (stopped, refusing) = state.withLock { ($0.stopped, $0.refusing) }
            if stopped { close(client); return }
            if refusing { close(client); continue }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Loopback.address(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard upstream >= 0, connected == 0 else {
                close(client)
                if upstream >= 0 { close(upstream) }
                continue
            }
            state.withLock { $0.open.append(contentsOf: [client, upstream]) }
            Thread.detachNewThread { Self.pipe(from: client, to: upstream) }
            Thread.detachNewThread { Self.pipe(from: upstream, to: client) }
        }
    }

    /// Copies bytes until either side closes, then shuts both down. Sockets are not closed, so a
    /// descriptor number is never reused while the other direction or `cut()` may still use it.
    private static func pipe(from source: Int32, to sink: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        loop: while true {
            let n = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let m = buffer.withUnsafeBytes { send(sink, $0.baseAddress.map { $0 + sent }, n - sent, Int32(MSG_NOSIGNAL)) }
                if m <= 0 { break loop }
                sent += m
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(sink, Int32(SHUT_RDWR))
    }
}
