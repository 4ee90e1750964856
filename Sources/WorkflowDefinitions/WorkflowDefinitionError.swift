/// Why a definition or a start was refused before any backend saw it.
public enum WorkflowDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The type is not in the registry; `known` lists the registered types.
    case unknownWorkflowType(String, known: [String])
    /// The input was rejected before anything was started.
    case invalidInput(type: String, reason: String)
    /// An argument (type name, workflow id, task queue, option) is not acceptable.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .unknownWorkflowType(type, known):
            "unknown workflow type '\(type)'; known types: \(known.joined(separator: ", "))"
        case let .invalidInput(type, reason):
            "invalid input for workflow type \(type): \(reason)"
        case let .invalidArgument(reason):
            reason
        }
    }
}
