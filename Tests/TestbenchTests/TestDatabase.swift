import Foundation
import Postgres
import Testing

/// The PostgreSQL server the tests run against (`make test` starts a throw-away one).
enum TestDatabase {
    static var uri: String {
        get throws {
            guard let uri = ProcessInfo.processInfo.environment["TESTBENCH_TEST_POSTGRES_URI"], !uri.isEmpty else {
                throw TestSetupError("TESTBENCH_TEST_POSTGRES_URI is not set: run the tests with `make test` (or scripts/with-test-postgres.sh swift test)")
            }
            return uri
        }
    }

    /// A schema name no other test uses.
    static func uniqueSchema(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
    }

    static func pool(maxConnections: Int = 4) throws -> PostgresConnectionPool {
        PostgresConnectionPool(uri: try uri, maxConnections: maxConnections)
    }

    /// A new, empty database on the test server; returns its URI. Tests whose tables have fixed
    /// names (`task_registry`, dataset tables) use one each so they can run in parallel.
    static func freshDatabase() async throws -> String {
        let name = uniqueSchema("testbench")
        let admin = try await PostgresConnection.connect(uri: try uri)
        try await admin.execute("CREATE DATABASE \(Postgres.quoteIdentifier(name))")
        await admin.close()
        guard var components = URLComponents(string: try uri) else { throw TestSetupError("TESTBENCH_TEST_POSTGRES_URI is not a URI") }
        components.path = "/" + name
        guard let fresh = components.string else { throw TestSetupError("cannot build a URI for database \(name)") }
        return fresh
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
