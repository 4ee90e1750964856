import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import JSON
import SwiftProtobuf
import TemporalAPI

/// A client of one namespace on a Temporal frontend, over HTTP/2 without TLS (the local and
/// in-cluster deployments the original runs in use plaintext on port 7233).
///
/// It lives only inside `withConnection`, which runs the gRPC connection for the closure's
/// duration and shuts it down gracefully afterwards — gRPC Swift 2's structured form, so no
/// connection outlives its task. Every call has a deadline. By default calls fail fast when the
/// server is not there (no wait-for-ready), so an unreachable server is an error naming its
/// address, not a hang; a worker instead waits (within each call's deadline) for a dropped
/// connection to come back (`waitsForConnection`). DescribeNamespace never waits: it is how a
/// caller learns whether the server is there now.
public struct TemporalClient: Sendable {
    public let address: TemporalAddress
    public let namespace: String
    /// Recorded by the server as who started or cancelled a workflow (the SDKs use `pid@host`).
    public let identity: String
    /// Deadline of each unary call.
    public let callTimeout: Duration
    /// Whether calls wait for a connection that is down (gRPC's wait-for-ready) instead of failing.
    public let waitsForConnection: Bool
    let service: Temporal_Api_Workflowservice_V1_WorkflowService.Client<HTTP2ClientTransport.Posix>

    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.processIdentifier)@\(ProcessInfo.processInfo.hostName)"
    }

    /// Connects to `address`, runs `body` with a client of `namespace`, then closes the connection.
    /// Connecting is lazy: an unreachable server shows as the first call's `.unreachable`.
    public static func withConnection<Result: Sendable>(
        to address: TemporalAddress,
        namespace: String,
        identity: String = TemporalClient.defaultIdentity(),
        callTimeout: Duration = .seconds(10),
        waitsForConnection: Bool = false,
        _ body: (TemporalClient) async throws -> Result
    ) async throws -> Result {
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: address.host, port: address.port),
                transportSecurity: .plaintext
            )
        } catch {
            throw TemporalClientError.unreachable(address: address, method: "connect", detail: "\(error)")
        }
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(TemporalClient(
                address: address, namespace: namespace, identity: identity, callTimeout: callTimeout,
                waitsForConnection: waitsForConnection, service: Temporal_Api_Workflowservice_V1_WorkflowService.Client(wrapping: grpc)
            ))
        }
    }

    private init(
        address: TemporalAddress, namespace: String, identity: String, callTimeout: Duration, waitsForConnection: Bool,
        service: Temporal_Api_Workflowservice_V1_WorkflowService.Client<HTTP2ClientTransport.Posix>
    ) {
        self.address = address
        self.namespace = namespace
        self.identity = identity
        self.callTimeout = callTimeout
        self.waitsForConnection = waitsForConnection
        self.service = service
    }

    // MARK: Calls

    /// The namespace as the server has it; `.namespaceNotFound` when it does not exist.
    public func describeNamespace(_ name: String? = nil) async throws(TemporalClientError) -> NamespaceDescription {
        let name = name ?? namespace
        var request = Temporal_Api_Workflowservice_V1_DescribeNamespaceRequest()
        request.namespace = name
        let response = try await call("DescribeNamespace", notFound: .namespaceNotFound(namespace: name, address: address)) {
            try await service.describeNamespace(request, options: options(timeout: callTimeout, waitForReady: false))
        }
        return NamespaceDescription(
            name: response.namespaceInfo.name, id: response.namespaceInfo.id,
            registered: response.namespaceInfo.state == .registered
        )
    }

    /// Starts a workflow of `type` with one JSON argument (`input`, a `json/plain` payload, as
    /// `temporal workflow start --input` sends it) and returns its run id.
    /// `.workflowAlreadyStarted` when `idReusePolicy` (or a running execution) forbids the id.
    public func startWorkflow(
        type: String,
        id workflowID: String,
        taskQueue: String,
        input: JSONValue,
        idReusePolicy: WorkflowIDReusePolicy = .allowDuplicate
    ) async throws(TemporalClientError) -> String {
        var request = Temporal_Api_Workflowservice_V1_StartWorkflowExecutionRequest()
        request.namespace = namespace
        request.workflowID = workflowID
        request.workflowType.name = type
        request.taskQueue = .normal(taskQueue)
        request.input = JSONPayload.payloads([input])
        request.identity = identity
        // The server deduplicates on request_id, so a retried start cannot start two executions.
        request.requestID = UUID().uuidString.lowercased()
        request.workflowIDReusePolicy = idReusePolicy.proto
        let response = try await call(
            "StartWorkflowExecution",
            alreadyExists: .workflowAlreadyStarted(workflowID: workflowID, namespace: namespace, address: address)
        ) {
            try await service.startWorkflowExecution(request, options: options)
        }
        return response.runID
    }

    /// The execution's current state; the latest run when `runID` is nil.
    public func describeWorkflow(id workflowID: String, runID: String? = nil) async throws(TemporalClientError) -> WorkflowDescription {
        var request = Temporal_Api_Workflowservice_V1_DescribeWorkflowExecutionRequest()
        request.namespace = namespace
        request.execution.workflowID = workflowID
        request.execution.runID = runID ?? ""
        let response = try await call(
            "DescribeWorkflowExecution",
            notFound: .workflowNotFound(workflowID: workflowID, namespace: namespace, address: address)
        ) {
            try await service.describeWorkflowExecution(request, options: options)
        }
        return WorkflowDescription(response.workflowExecutionInfo)
    }

    /// Every event of the execution's history so far, in order, across all pages.
    public func workflowHistory(id workflowID: String, runID: String? = nil) async throws(TemporalClientError) -> [Temporal_Api_History_V1_HistoryEvent] {
        var request = Temporal_Api_Workflowservice_V1_GetWorkflowExecutionHistoryRequest()
        request.namespace = namespace
        request.execution.workflowID = workflowID
        request.execution.runID = runID ?? ""
        var events: [Temporal_Api_History_V1_HistoryEvent] = []
        repeat {
            let page = request
            let response = try await call(
                "GetWorkflowExecutionHistory",
                notFound: .workflowNotFound(workflowID: workflowID, namespace: namespace, address: address)
            ) {
                try await service.getWorkflowExecutionHistory(page, options: options)
            }
            events += response.history.events
            request.nextPageToken = response.nextPageToken
        } while !request.nextPageToken.isEmpty
        return events
    }

    /// Executions matching a visibility `query` (Temporal's list filter; empty lists all), newest first.
    public func listWorkflows(query: String, limit: Int) async throws(TemporalClientError) -> [WorkflowDescription] {
        var request = Temporal_Api_Workflowservice_V1_ListWorkflowExecutionsRequest()
        request.namespace = namespace
        request.query = query
        request.pageSize = Int32(clamping: min(max(limit, 1), 1000))
        var found: [WorkflowDescription] = []
        repeat {
            let page = request
            let response = try await call("ListWorkflowExecutions", notFound: .namespaceNotFound(namespace: namespace, address: address)) {
                try await service.listWorkflowExecutions(page, options: options)
            }
            found += response.executions.map(WorkflowDescription.init)
            request.nextPageToken = response.nextPageToken
        } while !request.nextPageToken.isEmpty && found.count < limit
        return Array(found.prefix(limit))
    }

    /// Asks the latest run of `workflowID` to cancel; its workflow code decides what that means.
    public func requestCancel(workflowID: String, reason: String) async throws(TemporalClientError) {
        var request = Temporal_Api_Workflowservice_V1_RequestCancelWorkflowExecutionRequest()
        request.namespace = namespace
        request.workflowExecution.workflowID = workflowID
        request.identity = identity
        request.requestID = UUID().uuidString.lowercased()
        request.reason = reason
        _ = try await call(
            "RequestCancelWorkflowExecution", notFound: .workflowNotFound(workflowID: workflowID, namespace: namespace, address: address)
        ) {
            try await service.requestCancelWorkflowExecution(request, options: options)
        }
    }

    // MARK: Errors

    var options: CallOptions { options(timeout: callTimeout) }

    /// A long poll waits up to a minute on the server, so its deadline is longer than `callTimeout`.
    func options(timeout: Duration, waitForReady: Bool? = nil) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = waitForReady ?? waitsForConnection
        return options
    }

    /// Runs one RPC and sorts its failure into TemporalClientError; `notFound` and `alreadyExists`
    /// are what NOT_FOUND and ALREADY_EXISTS mean for this method.
    func call<Response: Sendable>(
        _ method: String,
        notFound: TemporalClientError? = nil,
        alreadyExists: TemporalClientError? = nil,
        _ body: () async throws -> Response
    ) async throws(TemporalClientError) -> Response {
        do {
            return try await body()
        } catch let error as RPCError {
            switch (error.code, notFound, alreadyExists) {
            case (.unavailable, _, _): throw .unreachable(address: address, method: method, detail: error.message)
            case (.deadlineExceeded, _, _): throw .timedOut(address: address, method: method)
            case (.notFound, let meaning?, _), (.alreadyExists, _, let meaning?): throw meaning
            default: throw .rejected(address: address, method: method, code: "\(error.code)", message: error.message)
            }
        } catch {
            // The generated client throws RPCError only; anything else is reported as it is.
            throw .rejected(address: address, method: method, code: "unknown", message: "\(error)")
        }
    }
}

/// What DescribeNamespace says of a namespace.
public struct NamespaceDescription: Sendable, Equatable {
    public let name: String
    public let id: String
    /// False once the namespace is deprecated or deleted.
    public let registered: Bool
}

/// What happens when a workflow id has been used before (Temporal's WorkflowIdReusePolicy); a
/// running execution with the id always refuses a new start, whatever the policy.
public enum WorkflowIDReusePolicy: Sendable, Equatable {
    /// Start again after any earlier run closed (the Go manager's Sampler and LookupTasks' Evaluators).
    case allowDuplicate
    /// Start again only if the earlier run did not complete (the result-analysis child workflow).
    case allowDuplicateFailedOnly
    /// Never start a second run with this id.
    case rejectDuplicate

    var proto: Temporal_Api_Enums_V1_WorkflowIdReusePolicy {
        switch self {
        case .allowDuplicate: .allowDuplicate
        case .allowDuplicateFailedOnly: .allowDuplicateFailedOnly
        case .rejectDuplicate: .rejectDuplicate
        }
    }
}

/// A workflow execution's state as DescribeWorkflowExecution reports it.
public struct WorkflowDescription: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        // Spelled as `temporal workflow describe` prints them.
        case running = "Running", completed = "Completed", failed = "Failed", canceled = "Canceled"
        case terminated = "Terminated", continuedAsNew = "ContinuedAsNew", timedOut = "TimedOut"
        case paused = "Paused", unspecified = "Unspecified"
    }

    public let workflowID: String
    public let runID: String
    public let type: String
    public let taskQueue: String
    public let status: Status
    public let historyLength: Int64
    public let startTime: Date?
    public let closeTime: Date?

    init(_ info: Temporal_Api_Workflow_V1_WorkflowExecutionInfo) {
        workflowID = info.execution.workflowID
        runID = info.execution.runID
        type = info.type.name
        taskQueue = info.taskQueue
        status = switch info.status {
        case .running: .running
        case .completed: .completed
        case .failed: .failed
        case .canceled: .canceled
        case .terminated: .terminated
        case .continuedAsNew: .continuedAsNew
        case .timedOut: .timedOut
        case .paused: .paused
        case .unspecified, .UNRECOGNIZED: .unspecified
        }
        historyLength = info.historyLength
        startTime = info.hasStartTime ? info.startTime.date : nil
        closeTime = info.hasCloseTime ? info.closeTime.date : nil
    }
}
