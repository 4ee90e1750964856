import Foundation
import Postgres
import Testing

/// A connection whose `search_path` is a fresh schema, so parallel tests never share tables
/// (task_registry included). The schema is dropped by `close()`.
struct TestDatabase {
    let connection: PostgresConnection
    let schema: String

    static func uri() throws -> String {
        try #require(
            ProcessInfo.processInfo.environment["TESTBENCH_TEST_POSTGRES_URI"],
            "TESTBENCH_TEST_POSTGRES_URI is not set; run: scripts/with-test-postgres.sh swift test --filter DatasetsTests")
    }

    static func open() async throws -> TestDatabase {
        let connection = try await PostgresConnection.connect(uri: uri())
        let schema = "datasets_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await connection.execute("CREATE SCHEMA \(Postgres.quoteIdentifier(schema))")
        try await connection.execute("SET search_path TO \(Postgres.quoteIdentifier(schema))")
        return TestDatabase(connection: connection, schema: schema)
    }

    func close() async {
        _ = try? await connection.execute("DROP SCHEMA \(Postgres.quoteIdentifier(schema)) CASCADE")
        await connection.close()
    }

    /// Whether a table of that exact name exists in the test schema.
    func tableExists(_ name: String) async throws -> Bool {
        try await connection.query("SELECT to_regclass($1) IS NOT NULL", [.string(Postgres.quoteIdentifier(schema: schema, name))]).scalar(Bool.self)
    }
}
