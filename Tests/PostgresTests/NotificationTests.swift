import Postgres
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

    @Test func waitingConnectionsDoNotBlockTheCooperativePool() async throws {
        // More simultaneous waits than the machine has cooperative threads.
        let listeners = try await [TestDatabase.connect(), TestDatabase.connect(), TestDatabase.connect()]
        let clock = ContinuousClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for listener in listeners {
                group.addTask { _ = try await listener.waitForNotification(timeout: .seconds(2)) }
            }
            try await Task.sleep(for: .milliseconds(100))
            let started = clock.now
            let spinner = Task.detached { (0..<1000).reduce(0, +) }
            #expect(await spinner.value == 499_500)
            // Blocked pool threads would hold the spinner until the 2 s waits end; anything clearly
            // shorter proves it ran beside them, even on a loaded machine.
            #expect(started.duration(to: clock.now) < .milliseconds(1800), "a cooperative task stalled behind blocking waits")
            try await group.waitForAll()
        }
    }
}
