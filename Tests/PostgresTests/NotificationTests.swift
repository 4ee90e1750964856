import Postgres
import TestSupport
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
        #expect(elapsed >= .milliseconds(390) && elapsed < .seconds(10), "waited \(elapsed)")
    }

    @Test func unlistenStopsDelivery() async throws {
        let listener = try await TestDatabase.connect()
        let channel = TestDatabase.uniqueName("off")
        try await listener.listen(channel)
        try await listener.unlisten(channel)
        try await listener.notify(channel, payload: "ignored")
        #expect(try await listener.waitForNotification(timeout: .milliseconds(200)) == nil)
    }

    @Test func waitingConnectionsLeaveTheCooperativePoolFree() async throws {
        // More simultaneous LISTEN waits than this machine has cooperative threads. If the waits held
        // pool threads, the notifier below could not run until they timed out and each wait would
        // return nil; on the connections' own threads, every listener gets its payload.
        let listeners = try await [TestDatabase.connect(), TestDatabase.connect(), TestDatabase.connect()]
        let channels = listeners.indices.map { _ in TestDatabase.uniqueName("free") }
        for (listener, channel) in zip(listeners, channels) { try await listener.listen(channel) }
        let notifier = try await TestDatabase.connect()
        let received = try await withThrowingTaskGroup(of: String?.self) { group in
            for listener in listeners {
                group.addTask { try await listener.waitForNotification(timeout: .seconds(10))?.payload }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(100))
                for channel in channels { try await notifier.notify(channel, payload: "woke") }
                return nil
            }
            var payloads: [String] = []
            for try await payload in group { if let payload { payloads.append(payload) } }
            return payloads
        }
        #expect(received == ["woke", "woke", "woke"])
    }
}
