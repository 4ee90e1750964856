import Postgres
import TestSupport
import Testing

private struct CallerError: Error, Equatable {
    let reason: String
}

@Suite struct TransactionTests {
    @Test func thrownErrorRollsBackAndIsRethrown() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("tx"))
        try await connection.execute("CREATE TABLE \(table) (id int)")
        let error = await #expect(throws: CallerError.self) {
            try await connection.transaction { conn in
                try conn.execute("INSERT INTO \(table) VALUES ($1)", [.int(1)])
                #expect(try conn.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 1)
                throw CallerError(reason: "changed my mind")
            }
        }
        #expect(error == CallerError(reason: "changed my mind"))
        #expect(try await connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 0)
        #expect(await connection.isInTransaction == false)
    }

    @Test func successCommitsAndReturnsTheValue() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("tx"))
        try await connection.execute("CREATE TABLE \(table) (id int)")
        let inserted = try await connection.transaction { conn in
            try conn.execute("INSERT INTO \(table) VALUES (1), (2)")
        }
        #expect(inserted == 2)
        let other = try await TestDatabase.connect()
        #expect(try await other.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 2)
    }

    @Test(arguments: [
        (PostgresIsolationLevel.readCommitted, "read committed"),
        (.repeatableRead, "repeatable read"),
        (.serializable, "serializable"),
    ])
    func isolationLevelIsApplied(level: PostgresIsolationLevel, shown: String) async throws {
        let connection = try await TestDatabase.connect()
        let actual = try await connection.transaction(isolation: level) { conn in
            try conn.query("SHOW transaction_isolation").scalar(String.self)
        }
        #expect(actual == shown)
    }

    @Test func nestedTransactionRollsBackOnlyItsSavepoint() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("tx"))
        try await connection.execute("CREATE TABLE \(table) (id int)")
        try await connection.transaction { conn in
            try conn.execute("INSERT INTO \(table) VALUES (1)")
            _ = try? await conn.transaction { inner in
                try inner.execute("INSERT INTO \(table) VALUES (2)")
                throw CallerError(reason: "inner")
            }
        }
        #expect(try await connection.query("SELECT array_agg(id) FROM \(table)").scalar([Int].self) == [1])
    }

    @Test func statementErrorCaughtInsideBodyStillRollsBack() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("tx"))
        try await connection.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { conn in
                try conn.execute("INSERT INTO \(table) VALUES (1)")
                _ = try? conn.execute("INSERT INTO \(table) VALUES (1)")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(try await connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 0)
    }

    @Test func otherTasksCannotSlipStatementsIntoATransaction() async throws {
        let connection = try await TestDatabase.connect()
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let transaction = Task {
            try await connection.transaction { conn in
                enteredContinuation.yield()
                for await _ in release { break }
                return try conn.query("SELECT 1").scalar(Int.self)
            }
        }
        for await _ in entered { break }
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT 2") }
        #expect(error.code == .connectionBusy)
        releaseContinuation.yield()
        #expect(try await transaction.value == 1)
        #expect(try await connection.query("SELECT 3").scalar(Int.self) == 3)
    }
}
