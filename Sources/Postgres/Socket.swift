#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waiting for a libpq socket to become readable.
enum Socket {
    enum WaitResult {
        case readable
        case timedOut
        case failed(String)
    }

    static func waitReadable(_ fd: Int32, timeoutMilliseconds: Int32) -> WaitResult {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMilliseconds)
        if ready > 0 { return .readable }
        if ready == 0 { return .timedOut }
        let code = errno
        if code == EINTR { return .timedOut }
        return .failed(String(cString: strerror(code)))
    }

    static func isReadable(_ fd: Int32, timeoutMilliseconds: Int32) -> Bool {
        guard fd >= 0 else { return false }
        if case .readable = waitReadable(fd, timeoutMilliseconds: timeoutMilliseconds) { return true }
        return false
    }
}
