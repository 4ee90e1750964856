import Foundation

/// A serial executor backed by one dedicated thread, so the blocking libpq calls of a
/// connection never occupy a thread of Swift's cooperative pool.
final class ConnectionThreadExecutor: SerialExecutor, @unchecked Sendable {
    // All mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var isShutDown = false

    init(name: String) {
        // Named from inside the thread: on Linux a name set before start() does not reach the OS thread.
        let thread = Thread { [self] in
            Thread.current.name = name
            runLoop()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the queued jobs and exit; the thread holds the last reference.
    func shutDown() {
        condition.lock()
        isShutDown = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !isShutDown { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            let executor = asUnownedSerialExecutor()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}
