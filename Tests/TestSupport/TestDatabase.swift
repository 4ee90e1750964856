import Foundation
import Postgres
import Testing

/// The PostgreSQL server the tests run against (TESTBENCH_TEST_POSTGRES_URI; `make test` and
/// `scripts/with-test-postgres.sh` start a throw-away one), unique names on it, and — as a value —
/// one test's connection whose `search_path` is a fresh schema, so parallel tests never share tables.
public struct TestDatabase: Sendable {
    /// The environment variable naming the test server.
    public static let environmentVariable = "TESTBENCH_TEST_POSTGRES_URI"

    /// A connection with `search_path` set to `schema` (made by `open()`).
    public let connection: PostgresConnection
    /// The schema `open()` created; `close()` drops it.
    public let schema: String

    /// The test server's URI; fails the test with how to provide one when it is not set.
    public static func uri() throws -> String {
        let value = ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        return try #require(
            value,
            "\(environmentVariable) is not set: run the tests with `make test`, or `scripts/with-test-postgres.sh swift test [--filter <Target>]`")
    }

    /// A new connection to the test server's default database.
    public static func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(uri: uri())
    }

    /// A pool on the test server's default database.
    public static func pool(maxConnections: Int = 4) throws -> PostgresConnectionPool {
        PostgresConnectionPool(uri: try uri(), maxConnections: maxConnections)
    }

    /// `<prefix>_<32 hex digits>`: a table, schema, channel or database name no other test uses.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// The test server's URI pointed at another database (URI or `key=value` form).
    public static func uri(database: String) throws -> String {
        let server = try uri()
        guard server.hasPrefix("postgres://") || server.hasPrefix("postgresql://") else { return server + " dbname=\(database)" }
        var components = try #require(URLComponents(string: server), "\(environmentVariable) is not a URI: \(server)")
        components.path = "/" + database
        return try #require(components.string, "cannot build a URI for database \(database)")
    }

    /// A new, empty database on the test server; returns its URI. Tests whose tables have fixed
    /// names (`task_registry`, dataset tables) and that need several connections use one each.
    public static func freshDatabase() async throws -> String {
        try await createDatabase(prefix: "testbench").uri
    }

    /// A new, empty database named `<prefix>_<32 hex digits>`, with its URI (drop it with `dropDatabase`).
    public static func createDatabase(prefix: String) async throws -> (name: String, uri: String) {
        let name = uniqueName(prefix)
        let admin = try await connect()
        try await admin.execute("CREATE DATABASE \(Postgres.quoteIdentifier(name))")
        await admin.close()
        return (name, try uri(database: name))
    }

    /// Drops database `name`, disconnecting its sessions; never fails (it runs as cleanup).
    public static func dropDatabase(_ name: String) async {
        guard let admin = try? await connect() else { return }
        _ = try? await admin.execute("DROP DATABASE IF EXISTS \(Postgres.quoteIdentifier(name)) WITH (FORCE)")
        await admin.close()
    }

    /// A connection on a fresh schema of the default database (dropped by `close()`).
    public static func open() async throws -> TestDatabase {
        let connection = try await connect()
        let schema = uniqueName("test")
        try await connection.execute("CREATE SCHEMA \(Postgres.quoteIdentifier(schema))")
        try await connection.execute("SET search_path TO \(Postgres.quoteIdentifier(schema))")
        return TestDatabase(connection: connection, schema: schema)
    }

    /// Drops the schema and closes the connection.
    public func close() async {
        _ = try? await connection.execute("DROP SCHEMA \(Postgres.quoteIdentifier(schema)) CASCADE")
        await connection.close()
    }

    /// Whether a table of that exact name exists in the test schema.
    public func tableExists(_ name: String) async throws -> Bool {
        try await connection.query("SELECT to_regclass($1) IS NOT NULL", [.string(Postgres.quoteIdentifier(schema: schema, name))]).scalar(Bool.self)
    }

    /// Terminates backend `pid` from a separate connection and waits until it is gone.
    public static func terminate(_ pid: Int32) async throws {
        let killer = try await connect()
        let rows = try await killer.query("SELECT pg_terminate_backend($1, 5000)", [.int32(pid)])
        #expect(try rows.scalar(Bool.self), "pg_terminate_backend(\(pid)) did not confirm the kill")
        await killer.close()
    }
}

/// A test could not set up what it needs (a server, a file); the message says how to fix it.
public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
