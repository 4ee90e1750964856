import Foundation
import TestSupport
import Testing
@testable import Postgres

@Suite struct ConnectOptionsTests {
    @Test(arguments: [
        ("postgresql://user@db.example:5432/testbench", [String: String](), "disable"),
        ("host=db.example dbname=testbench", [:], "disable"),
        ("postgresql://user@db.example/testbench?gssencmode=prefer", [:], nil),
        ("host=db.example gssencmode=require", [:], nil),
        ("postgresql://user@db.example/testbench", ["PGGSSENCMODE": "prefer"], nil),
    ])
    func gssEncryptionIsOffUnlessChosen(conninfo: String, environment: [String: String], expected: String?) {
        let defaults = LibPQConnection.defaultOptions(for: conninfo, environment: environment)
        #expect(defaults.first { $0.keyword == "gssencmode" }?.value == expected)
    }

    @Test func aMalformedConnectionStringGetsNoExplicitOptions() {
        #expect(LibPQConnection.explicitOptions(in: "host=a = b").isEmpty)
    }

    @Test func theConnectionStringStillDecidesEverythingElse() async throws {
        let uri = try TestDatabase.uri()
        let connection = try await PostgresConnection.connect(uri: uri)
        #expect(await connection.connectionOption("gssencmode") == "disable")
        let expectedDatabase = try #require(LibPQConnection.explicitOptionValues(in: uri)["dbname"])
        #expect(try await connection.query("SELECT current_database()").scalar(String.self) == expectedDatabase)
        await connection.close()
    }

    @Test func aChosenGSSModeIsKept() async throws {
        let uri = try TestDatabase.uri()
        let chosen = uri.contains("://") ? uri + (uri.contains("?") ? "&" : "?") + "gssencmode=prefer" : uri + " gssencmode=prefer"
        let connection = try await PostgresConnection.connect(uri: chosen)
        #expect(await connection.connectionOption("gssencmode") == "prefer")
        #expect(try await connection.query("SELECT 1").scalar(Int.self) == 1)
        await connection.close()
    }
}
