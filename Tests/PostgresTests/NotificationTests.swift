@testable import Postgres
import Testing

@Suite struct NotificationTests {
    @Test func notificationFromAnotherConnectionIsDelivered() async throws {
        let listener = try await TestDatabase.connect()
        let sender = try await TestDatabase.connect()
        let channel = TestDatabase.uniqueName("Chan \"quoted\"")
        try await listener.listen(channel)
        #expect(await listener.listenedChannels == [channel])
        let payload = "payload with 'quotes', \"doubles\" and 日本 😀"
        async let received = listener.waitForNotification(timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(50))
        try await sender.notify(channel, payload: payload)
        let notification = try #require(try await received)
        #expect(notification.channel == channel)
        #expect(notification.payload == payload)
        #expect(notification.backendPID == (await sender.backendPID))
    }

    @Test func waitTimesOutWithNil() async throws {
        let listener = try await TestDatabase.connect()
        try await listener.listen(TestDatabase.uniqueName("silent"))
        let clock = ContinuousClock()
        let started = clock.now
        let notification = try await listener.waitForNotification(timeout: .milliseconds(400))
        let elapsed = started.duration(to: clock.now)
        #expect(notification == nil)
        #expect(elapsed >= .milliseconds(390) && elapsed < .seconds(3), "waited \(elapsed)")
    }

    @Test func unlistenStopsDelivery() async throws {
        let listener = try await TestDatabase.connect()
        let channel = TestDatabase.uniqueName("off")
        try await listener.listen(channel)
        try await listener.unlisten(channel)
        try await listener.notify(channel, payload: "ignored")
        #expect(try await listener.waitForNotification(timeout: .milliseconds(200)) == nil)
    }

    @Test func blockingWorkRunsOnTheConnectionsOwnThreadNotTheCooperativePool() async throws {
        // libpq calls block; on the cooperative pool (2 threads here) a few LISTEN waits would stall
        // every other task. They run on the connection's dedicated thread instead, while waiting too.
        let listeners = try await [TestDatabase.connect(), TestDatabase.connect(), TestDatabase.connect()]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for listener in listeners {
                group.addTask { _ = try await listener.waitForNotification(timeout: .milliseconds(500)) }
            }
            for listener in listeners {
                let name = await listener.executingThreadName()
                #expect(name == "pg-connection", "ran on \(name ?? "an unnamed thread")")
            }
            try await group.waitForAll()
        }
    }
}
