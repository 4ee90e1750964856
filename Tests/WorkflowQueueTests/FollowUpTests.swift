import Foundation
import JSON
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

/// A definition's follow-up on the PostgreSQL queue: children queued after the activity (one the
/// queue refuses is passed over), the result mapped, and on failure children only once no retry follows.
@Suite struct FollowUpTests {
    /// `Parent` sleeps (failing as asked), then starts a Noop child per `children` entry and one of
    /// an unregistered type; its result is how many children it asked for.
    static func register(_ registry: inout WorkflowRegistry) throws {
        try registry.register("Parent", options: TestQueue.fastOptions, activity: ParentActivity(), followUp: WorkflowFollowUp(
            children: { input, outcome in
                let names = input["children"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let suffix = if case .failed = outcome { "-after-failure" } else { "" }
                return names.map { ChildWorkflowStart(type: "Noop", workflowID: $0 + suffix, input: ["from": "parent"], idReuse: .allowDuplicate) }
                    + [ChildWorkflowStart(type: "NotRegistered", workflowID: "stray" + suffix, input: [:], idReuse: .allowDuplicate)]
            },
            result: { _ in .int(2) }))
    }

    @Test func childrenAreQueuedAndTheResultMapped() async throws {
        try await TestQueue.with(registry: Self.register) { queue in
            _ = try await queue.client.start(type: "Parent", input: ["seconds": 0, "children": ["a", "b"]], workflowID: "parent")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let parent = try await queue.finished("parent")
            let a = try await queue.finished("a")
            let b = try await queue.finished("b")
            try await queue.stop(worker, task)
            #expect(parent.status == .completed)
            #expect(parent.result == .int(2))
            #expect(a.status == .completed && a.type == "Noop" && a.result == ["from": "parent"])
            #expect(b.status == .completed)
            await #expect(throws: WorkflowQueueError.self) { _ = try await queue.client.describe("stray") }
        }
    }

    /// Attempts 1 and 2 fail (retryable), 3 of 3 fails too: children start once, after the last.
    @Test func aFailedRunStartsItsChildrenOnceNoRetryFollows() async throws {
        try await TestQueue.with(registry: Self.register) { queue in
            _ = try await queue.client.start(type: "Parent", input: ["seconds": 0, "fail_times": 5, "children": ["c"]], workflowID: "failing")
            let worker = try queue.worker()
            let task = queue.launch(worker)
            let parent = try await queue.finished("failing")
            let child = try await queue.finished("c-after-failure")
            try await queue.stop(worker, task)
            #expect(parent.status == .failed && parent.attempt == 3)
            #expect(child.status == .completed && child.attempt == 1)
            #expect(try await queue.client.list(type: "Noop").count == 1, "no child after the retried attempts")
        }
    }
}

/// Sleep, with the children's names beside its own input.
struct ParentActivity: WorkflowActivity {
    static func sleepInput(_ input: JSONValue) -> JSONValue {
        guard case var .object(object) = input else { return input }
        object["children"] = nil
        return .object(object)
    }

    func validate(_ input: JSONValue) throws(ApplicationError) { try SleepActivity().validate(Self.sleepInput(input)) }

    func run(_ input: JSONValue, context: ActivityContext) async throws -> JSONValue {
        try await SleepActivity().run(Self.sleepInput(input), context: context)
    }
}
