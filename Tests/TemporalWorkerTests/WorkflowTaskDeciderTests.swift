import Foundation
import JSON
import TemporalAPI
import TemporalClient
import Testbench
import Testing
import WorkflowDefinitions
@testable import TemporalWorker

/// The workflow side on Temporal without a server: histories written event by event, and the
/// commands the decider answers them with.
@Suite struct WorkflowTaskDeciderTests {
    static let analyzer = TestbenchWorkflows.ResultAnalyzer(workflowName: "Manager-ResultAnalyzer", taskQueue: "manager-local")
    static let decider = WorkflowTaskDecider(registry: (try? TestbenchWorkflows.registry(TestbenchWorkflows.validators, resultAnalyzer: analyzer)) ?? WorkflowRegistry())
    static let samplerInput: JSONValue = [
        "framework": "lmeh", "tasks": "bigbench_word_sorting", "requester_args": ["address": "A", "service": "0001"], "blacklist": [11, 12], "qty": 15,
    ]

    /// A history: the started event, then `more`, numbered from 1.
    static func history(input: JSONValue?, queue: String = "sampler-local", _ more: [Temporal_Api_History_V1_HistoryEvent.OneOf_Attributes] = []) -> [Temporal_Api_History_V1_HistoryEvent] {
        var started = Temporal_Api_History_V1_WorkflowExecutionStartedEventAttributes()
        started.taskQueue.name = queue
        if let input { started.input = JSONPayload.payloads([input]) }
        return ([.workflowExecutionStartedEventAttributes(started)] + more).enumerated().map { index, attributes in
            var event = Temporal_Api_History_V1_HistoryEvent()
            event.eventID = Int64(index + 1)
            event.attributes = attributes
            return event
        }
    }

    static func scheduled() -> Temporal_Api_History_V1_HistoryEvent.OneOf_Attributes {
        var attributes = Temporal_Api_History_V1_ActivityTaskScheduledEventAttributes()
        attributes.activityID = "1"
        attributes.activityType.name = "activity"
        return .activityTaskScheduledEventAttributes(attributes)
    }

    static func completed(_ result: JSONValue) -> Temporal_Api_History_V1_HistoryEvent.OneOf_Attributes {
        var attributes = Temporal_Api_History_V1_ActivityTaskCompletedEventAttributes()
        attributes.result = JSONPayload.payloads([result])
        attributes.scheduledEventID = 2
        return .activityTaskCompletedEventAttributes(attributes)
    }

    static func failed(_ error: ApplicationError) -> Temporal_Api_History_V1_HistoryEvent.OneOf_Attributes {
        var attributes = Temporal_Api_History_V1_ActivityTaskFailedEventAttributes()
        attributes.failure = TemporalConversions.failure(error)
        attributes.scheduledEventID = 2
        attributes.startedEventID = 3
        attributes.retryState = .nonRetryableFailure
        return .activityTaskFailedEventAttributes(attributes)
    }

    static func commands(_ answer: WorkflowTaskAnswer) throws -> [Temporal_Api_Command_V1_Command] {
        guard case let .commands(commands) = answer else {
            Issue.record("expected commands, got \(answer)")
            return []
        }
        return commands
    }

    /// Each product type schedules its activity under the original's name with the original's
    /// options, on the workflow's own queue, passing the input through.
    @Test(arguments: [
        ("Register", ["framework": "lmeh", "tasks": "bigbench_word_sorting"] as JSONValue, "register_task", 3600, 2),
        ("Sampler", samplerInput, "lmeh_sample", 300, 2),
        ("Sampler", ["framework": "signatures", "tasks": "tokenizer", "requester_args": ["address": "A", "service": "0001"], "qty": 1] as JSONValue, "sign_sample", 300, 2),
        ("Evaluator", ["task_id": "0123456789abcdef01234567"] as JSONValue, "evaluate", 300, 2),
        ("LookupTasks", nil, "lookup_tasks", 60, 1),
    ] as [(String, JSONValue?, String, Int64, Int32)])
    func theFirstTaskSchedulesTheActivity(type: String, input: JSONValue?, activity: String, startToClose: Int64, attempts: Int32) throws {
        let commands = try Self.commands(Self.decider.decide(workflowType: type, events: Self.history(input: input)))
        let command = try #require(commands.first)
        #expect(commands.count == 1)
        #expect(command.commandType == .scheduleActivityTask)
        let attributes = command.scheduleActivityTaskCommandAttributes
        #expect(attributes.activityType.name == activity)
        #expect(attributes.taskQueue.name == "sampler-local")
        #expect(attributes.startToCloseTimeout.seconds == startToClose)
        #expect(attributes.heartbeatTimeout.seconds == 60)
        #expect(attributes.retryPolicy.maximumAttempts == attempts)
        let passed = try TemporalConversions.argument(attributes.input)
        #expect(passed == (input ?? .object([:])))
    }

    @Test func whileTheActivityRunsThereIsNothingToDo() throws {
        let answer = Self.decider.decide(workflowType: "Sampler", events: Self.history(input: Self.samplerInput, [Self.scheduled()]))
        #expect(try Self.commands(answer).isEmpty)
    }

    @Test func aCompletedActivityCompletesTheWorkflowWithItsResult() throws {
        let result: JSONValue = ["task_id": "abc", "instances": 15]
        let commands = try Self.commands(Self.decider.decide(
            workflowType: "Sampler", events: Self.history(input: Self.samplerInput, [Self.scheduled(), Self.completed(result)])))
        let command = try #require(commands.first)
        #expect(commands.count == 1)
        #expect(command.commandType == .completeWorkflowExecution)
        #expect(try TemporalConversions.argument(command.completeWorkflowExecutionCommandAttributes.result) == result)
    }

    @Test func aFailedActivityFailsTheWorkflowWithTheActivitysFailureAsCause() throws {
        let error = ApplicationError(message: "task not found", type: "TaskNotFound", nonRetryable: true)
        let commands = try Self.commands(Self.decider.decide(
            workflowType: "Sampler", events: Self.history(input: Self.samplerInput, [Self.scheduled(), Self.failed(error)])))
        let command = try #require(commands.first)
        #expect(command.commandType == .failWorkflowExecution)
        let failure = command.failWorkflowExecutionCommandAttributes.failure
        #expect(failure.activityFailureInfo.activityID == "1")
        #expect(failure.activityFailureInfo.retryState == .nonRetryableFailure)
        #expect(TemporalConversions.applicationError(failure) == error)
    }

    /// The Evaluator starts the manager's result analysis whether the evaluation succeeded or not,
    /// and closes only once the child's start is answered.
    @Test(arguments: [true, false])
    func theEvaluatorStartsTheResultAnalysisThenCloses(succeeded: Bool) throws {
        let taskID = "0123456789abcdef01234567"
        let end = succeeded ? Self.completed(["status": 0]) : Self.failed(ApplicationError(message: "bad", type: "EvalError", nonRetryable: true))
        let first = try Self.commands(Self.decider.decide(
            workflowType: "Evaluator", events: Self.history(input: ["task_id": .string(taskID)], [Self.scheduled(), end])))
        let start = try #require(first.first)
        #expect(first.count == 1)
        #expect(start.commandType == .startChildWorkflowExecution)
        let child = start.startChildWorkflowExecutionCommandAttributes
        #expect(child.workflowID == "result-analysis-\(taskID)")
        #expect(child.workflowType.name == "Manager-ResultAnalyzer")
        #expect(child.taskQueue.name == "manager-local")
        #expect(child.workflowIDReusePolicy == .allowDuplicateFailedOnly)
        #expect(child.parentClosePolicy == .abandon)
        #expect(child.workflowExecutionTimeout.seconds == 300)
        #expect(child.retryPolicy.maximumAttempts == 1)
        #expect(try TemporalConversions.argument(child.input) == ["task_id": .string(taskID)])

        var initiated = Temporal_Api_History_V1_StartChildWorkflowExecutionInitiatedEventAttributes()
        initiated.workflowID = child.workflowID
        let waiting = Self.history(input: ["task_id": .string(taskID)], [Self.scheduled(), end, .startChildWorkflowExecutionInitiatedEventAttributes(initiated)])
        #expect(try Self.commands(Self.decider.decide(workflowType: "Evaluator", events: waiting)).isEmpty, "the start is not answered yet")

        var startedChild = Temporal_Api_History_V1_ChildWorkflowExecutionStartedEventAttributes()
        startedChild.initiatedEventID = 4
        let answered = waiting + Self.history(input: nil, [.childWorkflowExecutionStartedEventAttributes(startedChild)]).dropFirst().map { event in
            var event = event
            event.eventID = 5
            return event
        }
        let last = try Self.commands(Self.decider.decide(workflowType: "Evaluator", events: answered))
        #expect(last.map(\.commandType) == [succeeded ? .completeWorkflowExecution : .failWorkflowExecution])
    }

    /// LookupTasks starts one Evaluator per task found (id = task id, on the parent's queue) and
    /// returns how many it found.
    @Test func lookupTasksStartsAnEvaluatorPerTaskAndReturnsTheCount() throws {
        let ids: JSONValue = ["aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb"]
        let commands = try Self.commands(Self.decider.decide(
            workflowType: "LookupTasks", events: Self.history(input: nil, queue: "evaluate", [Self.scheduled(), Self.completed(ids)])))
        #expect(commands.map(\.commandType) == [.startChildWorkflowExecution, .startChildWorkflowExecution])
        let children = commands.map(\.startChildWorkflowExecutionCommandAttributes)
        #expect(children.map(\.workflowID) == ["aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb"])
        #expect(children.allSatisfy { $0.workflowType.name == "Evaluator" && $0.taskQueue.name == "evaluate" && $0.workflowIDReusePolicy == .allowDuplicate })

        // One start refused (a run with that id is open), one started: the lookup completes with 2.
        var events = Self.history(input: nil, queue: "evaluate", [Self.scheduled(), Self.completed(ids)])
        for (offset, id) in ["aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb"].enumerated() {
            var initiated = Temporal_Api_History_V1_StartChildWorkflowExecutionInitiatedEventAttributes()
            initiated.workflowID = id
            var event = Temporal_Api_History_V1_HistoryEvent()
            event.eventID = Int64(4 + offset)
            event.attributes = .startChildWorkflowExecutionInitiatedEventAttributes(initiated)
            events.append(event)
        }
        var refused = Temporal_Api_History_V1_StartChildWorkflowExecutionFailedEventAttributes()
        refused.initiatedEventID = 4
        refused.cause = .workflowAlreadyExists
        var started = Temporal_Api_History_V1_ChildWorkflowExecutionStartedEventAttributes()
        started.initiatedEventID = 5
        for (offset, attributes) in [Temporal_Api_History_V1_HistoryEvent.OneOf_Attributes.startChildWorkflowExecutionFailedEventAttributes(refused),
                                     .childWorkflowExecutionStartedEventAttributes(started)].enumerated() {
            var event = Temporal_Api_History_V1_HistoryEvent()
            event.eventID = Int64(6 + offset)
            event.attributes = attributes
            events.append(event)
        }
        let last = try Self.commands(Self.decider.decide(workflowType: "LookupTasks", events: events))
        let command = try #require(last.first)
        #expect(command.commandType == .completeWorkflowExecution)
        #expect(try TemporalConversions.argument(command.completeWorkflowExecutionCommandAttributes.result) == .int(2))
    }

    /// Bad input fails the workflow at once, non-retryable, naming what is wrong; nothing is scheduled.
    @Test(arguments: [
        ("Register", ["framework": 5, "tasks": "x"] as JSONValue, "framework"),
        ("Sampler", ["framework": "lmeh", "tasks": "x", "qty": "many", "requester_args": ["address": "A", "service": "0001"]] as JSONValue, "qty"),
        ("Evaluator", ["task_id": "not-hex"] as JSONValue, "Task ID"),
        ("Sampler", ["not", "an", "object"] as JSONValue, "JSON object"),
    ] as [(String, JSONValue, String)])
    func badInputFailsTheWorkflowNonRetryably(type: String, input: JSONValue, named: String) throws {
        let commands = try Self.commands(Self.decider.decide(workflowType: type, events: Self.history(input: input)))
        let command = try #require(commands.first)
        #expect(commands.count == 1)
        #expect(command.commandType == .failWorkflowExecution)
        let failure = command.failWorkflowExecutionCommandAttributes.failure
        #expect(failure.applicationFailureInfo.nonRetryable)
        #expect(failure.message.contains(named), "\(failure.message)")
        #expect(failure.message.hasPrefix("\(type): "))
    }

    @Test func aPayloadThatIsNotJSONFailsTheWorkflow() throws {
        var started = Temporal_Api_History_V1_WorkflowExecutionStartedEventAttributes()
        var payload = Temporal_Api_Common_V1_Payload()
        payload.metadata = ["encoding": Data("binary/protobuf".utf8)]
        started.input.payloads = [payload]
        var event = Temporal_Api_History_V1_HistoryEvent()
        event.eventID = 1
        event.attributes = .workflowExecutionStartedEventAttributes(started)
        let command = try #require(try Self.commands(Self.decider.decide(workflowType: "Register", events: [event])).first)
        #expect(command.commandType == .failWorkflowExecution)
        #expect(command.failWorkflowExecutionCommandAttributes.failure.message.contains("json/plain"))
    }

    @Test func aCancelRequestBeforeTheActivityEndsCancelsTheWorkflow() throws {
        let events = Self.history(input: Self.samplerInput, [
            Self.scheduled(), .workflowExecutionCancelRequestedEventAttributes(Temporal_Api_History_V1_WorkflowExecutionCancelRequestedEventAttributes()),
        ])
        #expect(try Self.commands(Self.decider.decide(workflowType: "Sampler", events: events)).map(\.commandType) == [.cancelWorkflowExecution])
    }

    @Test func anUnknownTypeFailsTheWorkflowTaskNamingIt() {
        guard case let .fail(cause, message) = Self.decider.decide(workflowType: "NoSuchWorkflow", events: Self.history(input: [:])) else {
            Issue.record("expected a failed workflow task")
            return
        }
        #expect(cause == .workflowWorkerUnhandledFailure)
        #expect(message.contains("\"NoSuchWorkflow\" is not registered"))
        #expect(message.contains("Sampler"))
    }
}
