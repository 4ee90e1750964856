import Postgres
import TestSupport
import Testing

private actor ConcurrencyMeter {
    private(set) var current = 0
    private(set) var peak = 0
    private(set) var pids: Set<Int32> = []

    func enter(_ pid: Int32) {
        current += 1
        peak = max(peak, current)
        pids.insert(pid)
    }

    func leave() { current -= 1 }
}

@Suite struct PoolTests {
    @Test(arguments: [1, 2, 3])
    func handsOutAtMostMaxConnections(limit: Int) async throws {
        let pool = PostgresConnectionPool(uri: try TestDatabase.uri(), maxConnections: limit)
        let meter = ConcurrencyMeter()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await pool.withConnection { connection in
                        await meter.enter(await connection.backendPID)
                        let value = try await connection.query("SELECT $1::int FROM pg_sleep(0.05)", [.int(index)]).scalar(Int.self)
                        await meter.leave()
                        return value
                    }
                }
            }
            var results: [Int] = []
            for try await value in group { results.append(value) }
            #expect(results.sorted() == Array(0..<8))
        }
        #expect(await meter.peak <= limit)
        #expect(await meter.peak >= 1)
        #expect(await meter.pids.count <= limit)
        let statistics = await pool.statistics
        #expect(statistics.open <= limit && statistics.leased == 0 && statistics.waiting == 0)
        await pool.close()
    }

    @Test func replacesAKilledConnection() async throws {
        let pool = PostgresConnectionPool(uri: try TestDatabase.uri(), maxConnections: 1)
        let firstPID = try await pool.withConnection { await $0.backendPID }
        try await TestDatabase.terminate(firstPID)
        let (secondPID, value) = try await pool.withConnection { connection in
            (await connection.backendPID, try await connection.query("SELECT 7").scalar(Int.self))
        }
        #expect(value == 7)
        #expect(secondPID != firstPID)
        #expect(await pool.statistics.open == 1)
        await pool.close()
    }

    @Test func connectionLostInsideBodyIsDiscarded() async throws {
        let pool = PostgresConnectionPool(uri: try TestDatabase.uri(), maxConnections: 1)
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { connection in
                try await TestDatabase.terminate(await connection.backendPID)
                _ = try await connection.query("SELECT 1")
            }
        }
        #expect(error?.code == .connectionLost)
        #expect(try await pool.withConnection { try await $0.query("SELECT 1").scalar(Int.self) } == 1)
        await pool.close()
    }

    @Test func returnedConnectionIsClean() async throws {
        let pool = PostgresConnectionPool(uri: try TestDatabase.uri(), maxConnections: 1)
        try await pool.withConnection { connection in
            try await connection.execute("BEGIN")
            try await connection.listen(TestDatabase.uniqueName("left_over"))
        }
        let (inTransaction, channels) = try await pool.withConnection { connection in
            (await connection.isInTransaction, await connection.listenedChannels)
        }
        #expect(!inTransaction)
        #expect(channels.isEmpty)
        await pool.close()
    }

    @Test func cancelledWaiterLeavesThePoolWorking() async throws {
        let pool = PostgresConnectionPool(uri: try TestDatabase.uri(), maxConnections: 1)
        let (held, heldContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await pool.withConnection { _ in
                heldContinuation.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        let waiter = Task { try await pool.withConnection { _ in 1 } }
        while await pool.statistics.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        waiter.cancel()
        let error = await #expect(throws: PostgresError.self) { try await waiter.value }
        #expect(error?.code == .cancelled)
        releaseContinuation.yield()
        try await holder.value
        #expect(try await pool.withConnection { try await $0.query("SELECT 5").scalar(Int.self) } == 5)
        let statistics = await pool.statistics
        #expect(statistics.open == 1 && statistics.idle == 1 && statistics.leased == 0 && statistics.waiting == 0)
        await pool.close()
    }

    @Test func closedPoolRefusesLeases() async throws {
        let pool = PostgresConnectionPool(uri: try TestDatabase.uri(), maxConnections: 1)
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in } }
        #expect(error?.code == .poolClosed)
    }
}
