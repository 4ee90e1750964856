import Foundation
import Postgres
import Testing
@testable import WorkflowDefinitions
@testable import WorkflowQueue

@Suite struct MigrationTests {
    @Test func migrationsAreIdempotentAndSafeWhenProcessesStartTogether() async throws {
        let uri = try TestQueue.uri()
        let schema = try WorkflowQueueSchema("wq_mig_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        let connections = try await [PostgresConnection.connect(uri: uri), PostgresConnection.connect(uri: uri), PostgresConnection.connect(uri: uri)]
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for connection in connections { group.addTask { try await schema.migrate(on: connection) } }
            var all: [[Int]] = []
            for try await versions in group { all.append(versions) }
            return all
        }
        #expect(applied.filter { !$0.isEmpty } == [[1]], "exactly one process applies version 1: \(applied)")
        #expect(try await schema.migrate(on: connections[0]) == [])
        let versions = try await connections[0].query("SELECT version FROM \(schema.migrationsTable) ORDER BY version")
        #expect(try versions.map { try $0.decode(Int.self, at: 0) } == [1])
        try await connections[0].execute("SET client_min_messages = warning")
        try await connections[0].execute("DROP SCHEMA \(Postgres.quoteIdentifier(schema.name)) CASCADE")
    }

    @Test(arguments: ["", "Upper", "1abc", "with-dash", "a\"b", String(repeating: "x", count: 41)])
    func schemaNamesThatAreNotPlainIdentifiersAreRefused(_ name: String) {
        #expect(throws: WorkflowQueueError.self) { try WorkflowQueueSchema(name) }
    }
}
