import Foundation
import JSON
import SwiftProtobuf
import TemporalAPI
import TemporalClient
import WorkflowDefinitions

/// Our values in Temporal's messages and back: failures, retry policies, durations, arguments.
enum TemporalConversions {
    /// Recorded as each failure's `source`, as the SDKs record theirs ("PythonSDK", "GoSDK").
    static let failureSource = "testbench"

    /// An application failure, the form the SDKs give an `ApplicationError`: the server's retry
    /// policy reads `type` and `non_retryable` from it.
    static func failure(_ error: ApplicationError) -> Temporal_Api_Failure_V1_Failure {
        var failure = Temporal_Api_Failure_V1_Failure()
        failure.message = error.message
        failure.source = failureSource
        var info = Temporal_Api_Failure_V1_ApplicationFailureInfo()
        info.type = error.type
        info.nonRetryable = error.nonRetryable
        failure.applicationFailureInfo = info
        return failure
    }

    /// The application error a failure stands for, following causes to the innermost application
    /// failure (an activity failure wraps the activity's own); other kinds keep their message.
    static func applicationError(_ failure: Temporal_Api_Failure_V1_Failure) -> ApplicationError {
        if case let .applicationFailureInfo(info)? = failure.failureInfo {
            return ApplicationError(message: failure.message, type: info.type.isEmpty ? "ApplicationError" : info.type, nonRetryable: info.nonRetryable)
        }
        if failure.hasCause { return applicationError(failure.cause) }
        switch failure.failureInfo {
        case .timeoutFailureInfo?: return ApplicationError(message: failure.message, type: "Timeout", nonRetryable: true)
        case .canceledFailureInfo?: return ApplicationError(message: failure.message, type: "Canceled", nonRetryable: true)
        default: return ApplicationError(message: failure.message, type: "Failure", nonRetryable: true)
        }
    }

    static func duration(_ value: Duration) -> Google_Protobuf_Duration {
        let (seconds, attoseconds) = value.components
        return Google_Protobuf_Duration(seconds: seconds, nanos: Int32(attoseconds / 1_000_000_000))
    }

    static func duration(_ value: Google_Protobuf_Duration) -> Duration {
        .seconds(value.seconds) + .nanoseconds(Int64(value.nanos))
    }

    static func retryPolicy(_ policy: RetryPolicy) -> Temporal_Api_Common_V1_RetryPolicy {
        var proto = Temporal_Api_Common_V1_RetryPolicy()
        proto.initialInterval = duration(policy.initialInterval)
        proto.backoffCoefficient = policy.backoffCoefficient
        proto.maximumInterval = duration(policy.effectiveMaximumInterval)
        proto.maximumAttempts = Int32(clamping: policy.maximumAttempts)
        proto.nonRetryableErrorTypes = policy.nonRetryableErrorTypes
        return proto
    }

    /// A workflow's or activity's argument: the first payload, or `{}` when there is none (the
    /// original's LookupTasks takes no argument). Refuses more than one, and what is not JSON.
    static func argument(_ payloads: Temporal_Api_Common_V1_Payloads) throws(ApplicationError) -> JSONValue {
        guard payloads.payloads.count <= 1 else {
            throw ApplicationError(message: "expected one JSON argument, got \(payloads.payloads.count)", type: "InvalidInput", nonRetryable: true)
        }
        guard let payload = payloads.payloads.first else { return .object([:]) }
        do {
            return try JSONPayload.value(of: payload)
        } catch {
            throw ApplicationError(message: "the input is not readable: \(error)", type: "InvalidInput", nonRetryable: true)
        }
    }
}
