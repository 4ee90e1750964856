import JSON

/// One workflow definition, run alike by the PostgreSQL queue (`WorkflowWorker`) and Temporal
/// (`TemporalWorker`): one activity with its options, then the follow-up.
public struct WorkflowRegistration: Sendable {
    public let type: String
    public let options: WorkflowOptions
    public let activity: any WorkflowActivity
    /// The activity's name in a Temporal history, from the input (the original's Python activity
    /// names: `register_task`, `lmeh_sample`, `sign_sample`, …).
    public let activityType: @Sendable (JSONValue) -> String
    public let followUp: WorkflowFollowUp
}

/// The workflow types a client may start and a worker may run, by type name. The client
/// validates type names, options and inputs against it before anything is queued.
public struct WorkflowRegistry: Sendable {
    private var registrations: [String: WorkflowRegistration] = [:]

    /// An empty registry.
    public init() {}

    /// Registers (or replaces) `type`; throws when the options are invalid. `activityType` names the
    /// activity in Temporal histories (default: the workflow type's name).
    public mutating func register(
        _ type: String, options: WorkflowOptions = WorkflowOptions(), activity: any WorkflowActivity,
        activityType: (@Sendable (JSONValue) -> String)? = nil, followUp: WorkflowFollowUp = .none
    ) throws(WorkflowDefinitionError) {
        guard !type.isEmpty, type.utf8.count <= 200 else { throw .invalidArgument("workflow type name must be 1–200 bytes") }
        try options.validate()
        registrations[type] = WorkflowRegistration(
            type: type, options: options, activity: activity, activityType: activityType ?? { _ in type }, followUp: followUp)
    }

    /// The registration of `type`, if any.
    public subscript(type: String) -> WorkflowRegistration? { registrations[type] }

    /// Registered type names, sorted.
    public var typeNames: [String] { registrations.keys.sorted() }

    /// The registration of `type` after checking that `input` is an object the activity accepts.
    public func validated(type: String, input: JSONValue) throws(WorkflowDefinitionError) -> WorkflowRegistration {
        guard let registration = registrations[type] else { throw .unknownWorkflowType(type, known: typeNames) }
        do {
            try registration.validate(input)
        } catch {
            throw .invalidInput(type: type, reason: error.message)
        }
        return registration
    }
}

extension WorkflowRegistration {
    /// Checks an input as a client does before starting a run: an object that PostgreSQL's jsonb
    /// can store and the activity accepts. Failures are non-retryable: no retry fixes the input.
    public func validate(_ input: JSONValue) throws(ApplicationError) {
        guard case .object = input else {
            throw ApplicationError(message: "the input must be a JSON object, got \(input.typeName)", type: "InvalidInput", nonRetryable: true)
        }
        if let problem = input.jsonbProblem {
            throw ApplicationError(message: problem, type: "InvalidInput", nonRetryable: true)
        }
        try activity.validate(input)
    }
}

extension JSONValue {
    /// Why PostgreSQL's jsonb would refuse this value (NaN/Infinity, NUL characters), or nil: inputs,
    /// results and progress must be storable by the PostgreSQL queue and the document store alike.
    public var jsonbProblem: String? {
        switch self {
        case .null, .bool, .int: return nil
        case let .double(value): return value.isFinite ? nil : "\(value) is not a JSON number"
        case let .string(text): return text.utf8.contains(0) ? "strings must not contain \\u0000" : nil
        case let .array(elements):
            for element in elements { if let problem = element.jsonbProblem { return problem } }
            return nil
        case let .object(object):
            for (key, value) in object {
                if key.utf8.contains(0) { return "keys must not contain \\u0000" }
                if let problem = value.jsonbProblem { return problem }
            }
            return nil
        }
    }
}
