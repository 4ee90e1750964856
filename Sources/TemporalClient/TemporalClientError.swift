/// What a call to a Temporal frontend can fail with. gRPC status codes are sorted into the cases a
/// caller acts on (retry later, refuse, report), and every case that involves the server names its
/// address.
public enum TemporalClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not `host:port`.
    case invalidAddress(String)
    /// No connection: nothing listens there, the name does not resolve, or the connection dropped
    /// (gRPC UNAVAILABLE). Worth retrying later.
    case unreachable(address: TemporalAddress, method: String, detail: String)
    /// The call's deadline passed without an answer (gRPC DEADLINE_EXCEEDED).
    case timedOut(address: TemporalAddress, method: String)
    /// The namespace does not exist on that server.
    case namespaceNotFound(namespace: String, address: TemporalAddress)
    /// No such workflow execution in the namespace.
    case workflowNotFound(workflowID: String, namespace: String, address: TemporalAddress)
    /// A workflow with that id is running (or, per the id reuse policy, has run) already.
    case workflowAlreadyStarted(workflowID: String, namespace: String, address: TemporalAddress)
    /// The server no longer has the activity attempt a worker answers for: it timed out and was
    /// handed on, or its workflow closed. The attempt's work must stop; its result is not wanted.
    case activityGone(address: TemporalAddress)
    /// Any other refusal, with the server's gRPC status code and message.
    case rejected(address: TemporalAddress, method: String, code: String, message: String)
    /// A payload this module cannot read as JSON (not `json/plain`, or not valid JSON).
    case invalidPayload(String)

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            "invalid Temporal address \"\(text)\" (expected host:port)"
        case .unreachable(let address, let method, let detail):
            "Temporal server at \(address) is unreachable (\(method)): \(detail)"
        case .timedOut(let address, let method):
            "Temporal server at \(address) did not answer \(method) in time"
        case .namespaceNotFound(let namespace, let address):
            "namespace \"\(namespace)\" not found on the Temporal server at \(address)"
        case .workflowNotFound(let workflowID, let namespace, let address):
            "workflow \"\(workflowID)\" not found in namespace \"\(namespace)\" on the Temporal server at \(address)"
        case .workflowAlreadyStarted(let workflowID, let namespace, let address):
            "workflow \"\(workflowID)\" already started in namespace \"\(namespace)\" on the Temporal server at \(address)"
        case .activityGone(let address):
            "the Temporal server at \(address) no longer has this activity attempt (timed out, or its workflow closed)"
        case .rejected(let address, let method, let code, let message):
            "Temporal server at \(address) refused \(method) (\(code)): \(message)"
        case .invalidPayload(let detail):
            "invalid Temporal payload: \(detail)"
        }
    }
}
