/// Why a dataset could not be read, resolved or loaded; `isRetryable` tells a workflow whether trying again can help.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A line (or CSV record) that is not valid JSON / not an object / not a valid record.
        case malformedRow(file: String, line: Int, reason: String)
        /// A file that is not in an expected shape (e.g. a `.json` file that holds no array of objects).
        case malformedFile(file: String, reason: String)
        /// A file or folder that does not exist or cannot be read.
        case missingFile(path: String, reason: String)
        /// A split that the source does not have.
        case missingSplit(split: String, available: [String])
        /// A dataset that no configured source provides.
        case datasetNotFound(path: String, name: String?, looked: [String])
        /// `dataset_path` / `dataset_name` / a data file that would leave the datasets folder.
        case pathEscapesRoot(path: String, root: String)
        /// A `dataset_kwargs` entry that cannot be used.
        case invalidArgument(key: String, reason: String)
        /// A feature name that cannot be a column.
        case invalidColumn(name: String, reason: String)
        /// A value that PostgreSQL cannot store or that contradicts the inferred column type.
        case invalidValue(split: String, row: Int, column: String, reason: String)
        /// An existing table whose columns differ from the dataset's.
        case schemaMismatch(table: String, expected: String, found: String)
        /// An existing table with the same columns but other rows.
        case contentMismatch(table: String, reason: String)
        /// A table that does not exist or is not a dataset table.
        case tableNotFound(table: String)
        /// The datasets-server could not be reached, timed out or answered 5xx.
        case serverUnavailable(url: String, reason: String)
        /// The datasets-server answered with a client error (404, 401...).
        case httpStatus(url: String, status: Int, body: String)
        /// The datasets-server answered something that is not the rows/splits API shape.
        case badResponse(url: String, reason: String)
        /// A PostgreSQL failure while creating, loading or reading a dataset table.
        case database(operation: String, message: String, sqlState: String?, retryable: Bool)
        /// A local I/O failure (temporary files, reads).
        case io(path: String, reason: String)
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// True when the same call may succeed later (network trouble, server errors, lost connections).
    public var isRetryable: Bool {
        switch kind {
        case .serverUnavailable: true
        case let .httpStatus(_, status, _): status == 429
        case let .database(_, _, _, retryable): retryable
        default: false
        }
    }

    public var description: String {
        switch kind {
        case let .malformedRow(file, line, reason):
            "\(file):\(line): \(reason)"
        case let .malformedFile(file, reason):
            "\(file): \(reason)"
        case let .missingFile(path, reason):
            "cannot read '\(path)': \(reason)"
        case let .missingSplit(split, available):
            "the dataset has no split '\(split)' (available: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case let .datasetNotFound(path, name, looked):
            "dataset '\(path)'\(name.map { " (name '\($0)')" } ?? "") not found; looked in: \(looked.joined(separator: "; "))"
        case let .pathEscapesRoot(path, root):
            "path '\(path)' leaves the datasets folder '\(root)'; use a relative path without '..'"
        case let .invalidArgument(key, reason):
            "dataset_kwargs.\(key): \(reason)"
        case let .invalidColumn(name, reason):
            "feature '\(name)' cannot be a column: \(reason)"
        case let .invalidValue(split, row, column, reason):
            "split '\(split)', row \(row), column '\(column)': \(reason)"
        case let .schemaMismatch(table, expected, found):
            "table \"\(table)\" already exists with other columns (dataset: \(expected); table: \(found)); drop the table or register the dataset under another name"
        case let .contentMismatch(table, reason):
            "table \"\(table)\" already exists with the same columns but other rows (\(reason)); drop the table to reload it"
        case let .tableNotFound(table):
            "dataset table \"\(table)\" does not exist"
        case let .serverUnavailable(url, reason):
            "datasets-server unavailable at \(url): \(reason) (retryable)"
        case let .httpStatus(url, status, body):
            "datasets-server answered HTTP \(status) for \(url)\(body.isEmpty ? "" : ": \(body)")"
        case let .badResponse(url, reason):
            "unexpected datasets-server response from \(url): \(reason)"
        case let .database(operation, message, sqlState, _):
            "PostgreSQL error while \(operation)\(sqlState.map { " [SQLSTATE \($0)]" } ?? ""): \(message)"
        case let .io(path, reason):
            "I/O error on '\(path)': \(reason)"
        }
    }
}
