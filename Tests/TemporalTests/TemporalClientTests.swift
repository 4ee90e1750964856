import Foundation
import JSON
import TemporalAPI
import TemporalClient
import TestSupport
import Testing

typealias LiveTemporal = TestTemporal

@Suite(.enabled(if: LiveTemporal.isConfigured, "skipped: TESTBENCH_TEMPORAL_ADDRESS not set"))
struct TemporalServerTests {
    // The input the sampler's README gives for `temporal workflow start --type Register`.
    static let registerInput: JSONValue = ["framework": "lmeh", "tasks": "x"]

    @Test func describeNamespaceFindsTheTestNamespace() async throws {
        let namespace = try await LiveTemporal.withClient { try await $0.describeNamespace() }
        #expect(namespace.name == LiveTemporal.namespace)
        #expect(namespace.registered)
        #expect(!namespace.id.isEmpty)
    }

    @Test func aMissingNamespaceIsNamedWithTheServer() async throws {
        let error = await #expect(throws: TemporalClientError.self) {
            try await LiveTemporal.withClient { try await $0.describeNamespace("no-such-namespace") }
        }
        let address = try TemporalAddress(parsing: try #require(LiveTemporal.address))
        #expect(error == .namespaceNotFound(namespace: "no-such-namespace", address: address))
    }

    @Test func aStartedWorkflowRunsWithItsInputAsTheFirstEventsPayload() async throws {
        let id = LiveTemporal.unique("register")
        let (runID, description, events) = try await LiveTemporal.withClient { client in
            // No worker polls sampler-local in this test, so the workflow stays RUNNING.
            let runID = try await client.startWorkflow(type: "Register", id: id, taskQueue: "sampler-local", input: Self.registerInput)
            return (runID, try await client.describeWorkflow(id: id), try await client.workflowHistory(id: id))
        }
        #expect(!runID.isEmpty)
        #expect(description.workflowID == id)
        #expect(description.runID == runID)
        #expect(description.type == "Register")
        #expect(description.taskQueue == "sampler-local")
        #expect(description.status == .running)
        #expect(description.startTime != nil && description.closeTime == nil)

        let first = try #require(events.first)
        #expect(first.eventID == 1)
        #expect(first.eventType == .workflowExecutionStarted)
        let started = first.workflowExecutionStartedEventAttributes
        #expect(started.workflowType.name == "Register")
        #expect(started.taskQueue.name == "sampler-local")
        let payloads = started.input.payloads
        #expect(payloads.count == 1)
        let payload = try #require(payloads.first)
        #expect(payload.metadata["encoding"] == Data("json/plain".utf8))
        #expect(try JSONPayload.value(of: payload) == Self.registerInput)
        // The history the server keeps is what the CLI and the SDKs would have sent: compact JSON.
        #expect(String(decoding: payload.data, as: UTF8.self) == #"{"framework":"lmeh","tasks":"x"}"#)
        // A new execution's history: started, then its first workflow task scheduled.
        #expect(events.map(\.eventType).prefix(2) == [.workflowExecutionStarted, .workflowTaskScheduled])
    }

    @Test func startingTheSameIDWhileItRunsIsRefusedAsAlreadyStarted() async throws {
        let id = LiveTemporal.unique("register")
        let address = try TemporalAddress(parsing: try #require(LiveTemporal.address))
        try await LiveTemporal.withClient { client in
            _ = try await client.startWorkflow(type: "Register", id: id, taskQueue: "sampler-local", input: Self.registerInput)
            // Even the most permissive policy refuses while the first run is open.
            let error = await #expect(throws: TemporalClientError.self) {
                try await client.startWorkflow(type: "Register", id: id, taskQueue: "sampler-local",
                                               input: Self.registerInput, idReusePolicy: .allowDuplicate)
            }
            #expect(error == .workflowAlreadyStarted(workflowID: id, namespace: LiveTemporal.namespace, address: address))
            #expect(error?.description.contains("\(address)") == true)
        }
    }

    @Test func anUnknownWorkflowIsNotFound() async throws {
        let id = LiveTemporal.unique("never-started")
        let error = await #expect(throws: TemporalClientError.self) {
            try await LiveTemporal.withClient { try await $0.describeWorkflow(id: id) }
        }
        let address = try TemporalAddress(parsing: try #require(LiveTemporal.address))
        #expect(error == .workflowNotFound(workflowID: id, namespace: LiveTemporal.namespace, address: address))
    }
}

/// Without a server.
struct TemporalClientOfflineTests {
    /// A loopback port nobody listens on: bound to learn a free number, then closed.
    static func closedPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func anUnreachableServerIsATypedErrorNamingHostAndPort() async throws {
        let address = TemporalAddress(host: "127.0.0.1", port: try Self.closedPort())
        let started = ContinuousClock.now
        let error = await #expect(throws: TemporalClientError.self) {
            try await TemporalClient.withConnection(to: address, namespace: LiveTemporal.namespace) { try await $0.describeNamespace() }
        }
        guard case .unreachable(let reported, let method, _) = error else {
            Issue.record("expected .unreachable, got \(String(describing: error))")
            return
        }
        #expect(reported == address)
        #expect(method == "DescribeNamespace")
        #expect(error?.description.contains("127.0.0.1:\(address.port)") == true)
        // Refused at once, not after the call's 10 s deadline.
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test(arguments: [
        ("127.0.0.1:7233", TemporalAddress(host: "127.0.0.1", port: 7233)),
        ("temporal:7233", TemporalAddress(host: "temporal", port: 7233)),
        ("[::1]:7233", TemporalAddress(host: "::1", port: 7233)),
    ])
    func addressesParse(text: String, expected: TemporalAddress) throws {
        #expect(try TemporalAddress(parsing: text) == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: ["7233", "host:", ":7233", "host:port", "host:0", "host:65536"])
    func badAddressesAreRefused(text: String) {
        #expect(throws: TemporalClientError.invalidAddress(text)) { try TemporalAddress(parsing: text) }
    }

    @Test func payloadsRoundTripAndOtherEncodingsAreRefused() throws {
        let value: JSONValue = ["task_id": "abc", "qty": 15, "blacklist": [11, 12]]
        let payload = JSONPayload.payload(value)
        #expect(try JSONPayload.value(of: payload) == value)

        var binary = payload
        binary.metadata["encoding"] = Data("binary/plain".utf8)
        #expect(throws: TemporalClientError.self) { try JSONPayload.value(of: binary) }
        var broken = payload
        broken.data = Data("{".utf8)
        #expect(throws: TemporalClientError.self) { try JSONPayload.value(of: broken) }
    }
}
