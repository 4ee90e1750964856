import Foundation
import Postgres
import Testing

/// The test server and unique names, so parallel tests never share a table or channel.
enum TestDatabase {
    static func uri() throws -> String {
        try #require(
            ProcessInfo.processInfo.environment["TESTBENCH_TEST_POSTGRES_URI"],
            "TESTBENCH_TEST_POSTGRES_URI is not set; run: scripts/with-test-postgres.sh swift test --filter PostgresTests")
    }

    static func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(uri: uri())
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// Terminates `pid` from a separate connection and waits until the backend is gone.
    static func terminate(_ pid: Int32) async throws {
        let killer = try await connect()
        let rows = try await killer.query("SELECT pg_terminate_backend($1, 5000)", [.int32(pid)])
        #expect(try rows.scalar(Bool.self), "pg_terminate_backend(\(pid)) did not confirm the kill")
        await killer.close()
    }
}
