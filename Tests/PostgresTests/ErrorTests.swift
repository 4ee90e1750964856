import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ServerErrorTests {
    @Test func uniqueViolationCarriesSQLStateAndStatement() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("uniq"))
        try await connection.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
        let insert = "INSERT INTO \(table) VALUES ($1)"
        try await connection.execute(insert, [.int(1)])
        let error = try await #require(throws: PostgresError.self) { try await connection.execute(insert, [.int(1)]) }
        #expect(error.code == .server)
        #expect(error.sqlState == "23505")
        #expect(error.isUniqueViolation)
        #expect(error.statement == insert)
        #expect(error.detail?.contains("(id)=(1)") == true)
        #expect(error.constraint?.hasSuffix("_pkey") == true)
        #expect(error.description.contains("23505"))
        // The connection stays usable after a statement error.
        #expect(try await connection.query("SELECT 2").scalar(Int.self) == 2)
    }

    @Test(arguments: [
        ("SELEC 1", "42601"),
        ("SELECT * FROM table_that_does_not_exist_xyz", "42P01"),
        ("SELECT 1/0", "22012"),
    ])
    func failingStatementGivesItsSQLState(sql: String, sqlState: String) async throws {
        let connection = try await TestDatabase.connect()
        let error = try await #require(throws: PostgresError.self) { try await connection.query(sql) }
        #expect(error.sqlState == sqlState)
        #expect(error.statement == sql)
        #expect(!error.isUniqueViolation)
        #expect(error.description.contains(sql))
    }

    @Test func keywordConnectionStringsWork() async throws {
        let components = try #require(URLComponents(string: try TestDatabase.uri()))
        let host = try #require(components.host)
        let port = try #require(components.port)
        let user = components.user ?? "postgres"
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let connection = try await PostgresConnection.connect(
            uri: "host=\(host) port=\(port) user=\(user) dbname=\(database.isEmpty ? "postgres" : database)")
        #expect(try await connection.query("SELECT current_user").scalar(String.self) == user)
    }

    @Test func connectionFailureIsReported() async throws {
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(uri: "postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
        }
        #expect(error.code == .connectionFailed)
        #expect(!error.message.contains("secret"), "password leaked into: \(error.message)")
    }

    @Test func terminatedBackendSurfacesAsConnectionLost() async throws {
        let connection = try await TestDatabase.connect()
        let pid = await connection.backendPID
        try await TestDatabase.terminate(pid)
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error.code == .connectionLost, "\(error)")
        #expect(error.isConnectionLost)
        #expect(await connection.isConnected == false)
    }

    @Test func idleTerminatedBackendIsNoticedByIsConnected() async throws {
        let connection = try await TestDatabase.connect()
        #expect(await connection.isConnected)
        try await TestDatabase.terminate(await connection.backendPID)
        #expect(await connection.isConnected == false)
    }

    @Test func closedConnectionRefusesWork() async throws {
        let connection = try await TestDatabase.connect()
        await connection.close()
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error.code == .connectionClosed)
    }
}
