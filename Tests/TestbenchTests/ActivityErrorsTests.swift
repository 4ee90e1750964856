import Datasets
import LMEval
import Mongo
import Postgres
import Testing
import WorkflowDefinitions
@testable import Testbench

/// Activities decide retryability from each engine's one transient-error policy.
@Suite struct ActivityErrorsTests {
    static let transient: [any Error & Sendable] = [
        PostgresError(code: .connectionFailed, message: "refused"),
        PostgresError(code: .poolClosed, message: "closed"),
        PostgresError(code: .server, message: "deadlock", sqlState: "40P01"),
        PostgresError(code: .server, message: "too many", sqlState: "53300"),
        MongoError(code: .connection, message: "no server"),
        DatasetError(.serverUnavailable(url: "https://x", reason: "timeout")),
        PostgresDocumentStore.translate(PostgresError(code: .cancelled, message: "wait cancelled")),
        ApplicationError(message: "later", type: "X", nonRetryable: false),
    ]
    static let permanent: [any Error & Sendable] = [
        PostgresError(code: .server, message: "duplicate", sqlState: "23505"),
        PostgresError(code: .decoding, message: "bad column"),
        MongoError(code: .duplicateKey, message: "dup"),
        DatasetError(.tableNotFound(table: "t")),
        PostgresDocumentStore.translate(PostgresError(code: .server, message: "check", sqlState: "23514")),
        ApplicationError(message: "never", type: "X", nonRetryable: true),
        CancellationError(),
        // A broken or hostile task config fails the same way on every attempt.
        LMEvalError(.yamlSyntax, file: "deep.yaml", "the document nests deeper than 256 levels (YAMLLimits.maxDepth)"),
        LMEvalError(.includeCycle, file: "a.yaml", "include loop a.yaml > b.yaml > a.yaml"),
        LMEvalError(.missingInclude, file: "a.yaml", "include gone.yaml not found"),
        LMEvalError(.template, task: "t", file: "t.yaml", "the template nests deeper than 100 levels (JinjaLimits.maxNesting)"),
        LMEvalError(.unknownTask, task: "t", "no task, group or tag named t"),
    ]

    @Test(arguments: transient.indices)
    func aTransientCauseIsRetryable(index: Int) {
        let error = ApplicationError("failed", type: "T", cause: Self.transient[index])
        #expect(!error.nonRetryable, "\(Self.transient[index])")
    }

    @Test(arguments: permanent.indices)
    func aPermanentCauseIsNot(index: Int) {
        let error = ApplicationError("failed", type: "T", cause: Self.permanent[index])
        #expect(error.nonRetryable, "\(Self.permanent[index])")
    }
}
