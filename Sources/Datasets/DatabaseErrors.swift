import Postgres

extension DatasetError {
    /// Wraps a PostgreSQL failure, retryable when the Postgres module calls it transient.
    static func database(_ operation: String, _ error: PostgresError) -> DatasetError {
        DatasetError(.database(operation: operation, message: error.description, sqlState: error.sqlState,
                               retryable: error.isTransient))
    }

    /// Keeps a `DatasetError`, wraps a `PostgresError`, describes anything else.
    static func from(_ error: any Error, operation: String) -> DatasetError {
        switch error {
        case let error as DatasetError: error
        case let error as PostgresError: .database(operation, error)
        default: DatasetError(.database(operation: operation, message: "\(error)", sqlState: nil, retryable: false))
        }
    }
}
