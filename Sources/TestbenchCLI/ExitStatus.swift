import ArgumentParser
import Datasets
import Foundation
import Postgres
import TemporalClient
import Testbench
import WorkflowDefinitions
import WorkflowQueue

/// The exit statuses of every command; the README's CLI section documents the same table.
/// ArgumentParser's own 64 (options that do not parse or fail a command's `validate()`) is kept as it is.
enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The work ran and failed: a database or document-store error, a failed, canceled or timed-out workflow, failed samples.
    case failed = 1
    /// Bad input (configuration, names, ids, JSON input, option values): refused, nothing done.
    case badInput = 2
    /// `workflow result` without `--wait`: the workflow has not finished yet.
    case notFinished = 3
    /// The database (or the configured Temporal server) could not be reached (for `workflow result --wait`: not within `--reconnect-timeout`).
    case databaseUnreachable = 4
}

/// Why a command stops: one line for standard error and the exit status it maps to.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    /// The message on one line: libpq's and others' continuation lines joined with a space.
    var oneLine: String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Bad input: exit 2.
    static func badInput(_ message: String) -> CommandFailure { CommandFailure(.badInput, message) }

    /// The one mapping from the errors commands meet to exit statuses.
    static func from(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let error as PostgresError:
            return CommandFailure(isUnreachable(error) ? .databaseUnreachable : .failed, error.description)
        case let error as WorkflowQueueError:
            guard case let .database(underlying) = error else { return .badInput(error.description) }
            return CommandFailure(isUnreachable(underlying) ? .databaseUnreachable : .failed, error.description)
        case let error as DatasetError:
            switch error.kind {
            case .database: return CommandFailure(.failed, error.description)
            default: return .badInput(error.description)
            }
        case let error as DocumentStoreError:
            switch error.kind {
            case .notFound: return .badInput(error.description)
            case .unavailable: return CommandFailure(.databaseUnreachable, error.description)
            case .rejected: return CommandFailure(.failed, error.description)
            }
        case let error as ServicesError:
            switch error {
            case .missingPostgresURI: return .badInput(error.description)
            case .documentStore: return CommandFailure(.failed, error.description)
            case .documentStoreUnavailable: return CommandFailure(.databaseUnreachable, error.description)
            }
        case let error as TemporalClientError:
            switch error {
            case .unreachable, .timedOut: return CommandFailure(.databaseUnreachable, error.description)
            case .invalidAddress, .namespaceNotFound, .workflowNotFound, .workflowAlreadyStarted: return .badInput(error.description)
            case .activityGone, .rejected, .invalidPayload: return CommandFailure(.failed, error.description)
            }
        default:
            return CommandFailure(.failed, "\(error)")
        }
    }

    /// Whether a PostgreSQL error means the server could not be reached or the connection broke,
    /// rather than the server refusing a statement.
    static func isUnreachable(_ error: PostgresError) -> Bool {
        // SQLSTATE class 08 is a connection exception; 57P01-57P03 a server shutting down, crashed or starting up.
        error.isConnectionLost || error.code == .connectionFailed
            || error.sqlState.map { $0.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains($0) } ?? false
    }

    /// Whether `error` (a queue or PostgreSQL error) says the database could not be reached.
    static func isUnreachable(_ error: any Error) -> Bool {
        postgresError(error).map(isUnreachable) ?? false
    }

    /// Whether `error` is an established connection breaking (as opposed to one that could not be opened).
    static func wasConnected(_ error: any Error) -> Bool {
        guard let error = postgresError(error) else { return false }
        return error.isConnectionLost || ["57P01", "57P02"].contains(error.sqlState ?? "")
    }

    private static func postgresError(_ error: any Error) -> PostgresError? {
        switch error {
        case let error as PostgresError: error
        case let WorkflowQueueError.database(error): error
        default: nil
        }
    }
}

extension AsyncParsableCommand {
    /// Runs `body` and turns whatever it throws into one `error: …` line and the policy's exit status.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch is CancellationError {
            throw ExitCode(ExitStatus.failed.rawValue)
        } catch {
            let failure = CommandFailure.from(error)
            printError("error: \(failure.oneLine)")
            throw ExitCode(failure.status.rawValue)
        }
    }
}
