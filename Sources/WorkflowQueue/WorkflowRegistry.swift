import JSON

/// One registered workflow type: its options and its activity.
public struct WorkflowRegistration: Sendable {
    public let type: String
    public let options: WorkflowOptions
    public let activity: any WorkflowActivity
}

/// The workflow types a client may start and a worker may run, by type name. The client
/// validates type names, options and inputs against it before anything is queued.
public struct WorkflowRegistry: Sendable {
    private var registrations: [String: WorkflowRegistration] = [:]

    /// An empty registry.
    public init() {}

    /// Registers (or replaces) `type`; throws when the options are invalid.
    public mutating func register(_ type: String, options: WorkflowOptions = WorkflowOptions(), activity: any WorkflowActivity) throws(WorkflowQueueError) {
        guard !type.isEmpty, type.utf8.count <= 200 else { throw .invalidArgument("workflow type name must be 1–200 bytes") }
        try options.validate()
        registrations[type] = WorkflowRegistration(type: type, options: options, activity: activity)
    }

    /// The registration of `type`, if any.
    public subscript(type: String) -> WorkflowRegistration? { registrations[type] }

    /// Registered type names, sorted.
    public var typeNames: [String] { registrations.keys.sorted() }

    /// The registration of `type` after checking that `input` is an object the activity accepts.
    public func validated(type: String, input: JSONValue) throws(WorkflowQueueError) -> WorkflowRegistration {
        guard let registration = registrations[type] else { throw .unknownWorkflowType(type, known: typeNames) }
        guard case .object = input else {
            throw .invalidInput(type: type, reason: "the input must be a JSON object, got \(input.typeName)")
        }
        if let problem = input.jsonbProblem {
            throw .invalidInput(type: type, reason: problem)
        }
        do {
            try registration.activity.validate(input)
        } catch {
            throw .invalidInput(type: type, reason: error.message)
        }
        return registration
    }
}

extension JSONValue {
    /// Why PostgreSQL's jsonb would refuse this value (NaN/Infinity, NUL characters), or nil.
    var jsonbProblem: String? {
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
