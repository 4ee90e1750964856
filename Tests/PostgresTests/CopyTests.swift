import Foundation
import JSON
import Postgres
import TestSupport
import Testing

@Suite struct CopyTests {
    private static func name(for id: Int) -> String {
        switch id % 5 {
        case 0: "tab\there \(id)"
        case 1: "line\nbreak\r\(id)"
        case 2: "back\\slash \\N \(id)"
        case 3: "ünï 日本 😀 \"q\" \(id)"
        default: "plain, backspace \u{8} vertical tab \u{B} form feed \u{C} \(id)"
        }
    }

    @Test func copiesHundredThousandRowsWithEscapes() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("copy"))
        try await connection.execute("""
            CREATE TABLE \(table) (id bigint, name text, score float8, flag boolean, tags text[], doc jsonb, note text)
            """)
        let total = 100_000
        let started = ContinuousClock.now
        let copied = try await connection.copyIn("COPY \(table) FROM STDIN") { writer in
            for id in 0..<total {
                try writer.appendRow([
                    .int(id), .string(Self.name(for: id)), .double(Double(id) / 4), .bool(id % 2 == 0),
                    .stringArray(["t,\(id % 3)", id % 7 == 0 ? nil : "x\"\\y"]),
                    .json(["id": .int(id), "s": .string("tab\t\(id % 10)")]), id % 3 == 0 ? nil : .string("n"),
                ])
            }
        }
        let elapsed = started.duration(to: .now)
        #expect(copied == total)
        #expect(elapsed < .seconds(60), "COPY of \(total) rows took \(elapsed)")

        let expectedIDSum = (0..<total).reduce(0, +)
        let expectedNameLength = (0..<total).reduce(0) { $0 + Self.name(for: $1).unicodeScalars.count }
        let summary = try #require(try await connection.query("""
            SELECT count(*), sum(id), sum(length(name)), sum(score), count(*) FILTER (WHERE flag),
              count(note), sum((doc->>'id')::bigint), count(*) FILTER (WHERE tags[2] IS NULL)
            FROM \(table)
            """).first)
        #expect(try summary.decode(Int.self, at: 0) == total)
        #expect(try summary.decode(Int.self, at: 1) == expectedIDSum)
        #expect(try summary.decode(Int.self, at: 2) == expectedNameLength)
        #expect(try summary.decode(Double.self, at: 3) == Double(expectedIDSum) / 4)
        #expect(try summary.decode(Int.self, at: 4) == total / 2)
        #expect(try summary.decode(Int.self, at: 5) == (0..<total).filter { $0 % 3 != 0 }.count)
        #expect(try summary.decode(Int.self, at: 6) == expectedIDSum)
        #expect(try summary.decode(Int.self, at: 7) == (0..<total).filter { $0 % 7 == 0 }.count)

        for id in [0, 1, 2, 3, 4, 99_999] {
            let row = try #require(try await connection.query("SELECT name, tags, doc FROM \(table) WHERE id = $1", [.int(id)]).first)
            #expect(try row.decode(String.self, named: "name") == Self.name(for: id))
            #expect(try row.decode([String?].self, named: "tags") == ["t,\(id % 3)", id % 7 == 0 ? nil : "x\"\\y"])
            #expect(try row.decode(JSONValue.self, named: "doc") == ["id": .int(id), "s": .string("tab\t\(id % 10)")])
        }
    }

    @Test func asyncSequenceFeedsCopy() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("copy"))
        try await connection.execute("CREATE TABLE \(table) (id int, label text)")
        let rows = AsyncStream<[PostgresValue]> { continuation in
            for id in 1...2_500 { continuation.yield([.int(id), id % 2 == 0 ? nil : .string("odd\t\(id)")]) }
            continuation.finish()
        }
        let copied = try await connection.copyIn("COPY \(table) (id, label) FROM STDIN", rows: rows)
        #expect(copied == 2_500)
        #expect(try await connection.query("SELECT count(label) FROM \(table)").scalar(Int.self) == 1_250)
    }

    @Test func badDataFailsWithSQLStateAndLeavesConnectionUsable() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("copy"))
        try await connection.execute("CREATE TABLE \(table) (id int)")
        let sql = "COPY \(table) FROM STDIN"
        let error = try await #require(throws: PostgresError.self) {
            try await connection.copyIn(sql) { writer in
                try writer.appendRow([1])
                try writer.appendEncoded("not a number\n")
            }
        }
        #expect(error.code == .copyFailed)
        #expect(error.sqlState == "22P02")
        #expect(error.statement == sql)
        #expect(try await connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 0)
    }

    @Test func writerErrorAbortsTheCopy() async throws {
        struct Stop: Error {}
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("copy"))
        try await connection.execute("CREATE TABLE \(table) (id int)")
        await #expect(throws: Stop.self) {
            try await connection.copyIn("COPY \(table) FROM STDIN") { writer in
                for id in 0..<50_000 { try writer.appendRow([.int(id)]) }
                throw Stop()
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 0)
    }

    @Test func nonCopyStatementIsRejected() async throws {
        let connection = try await TestDatabase.connect()
        let error = try await #require(throws: PostgresError.self) {
            try await connection.copyIn("SELECT 1") { _ in }
        }
        #expect(error.code == .invalidArgument)
        let viaQuery = try await #require(throws: PostgresError.self) {
            try await connection.query("COPY (SELECT 1) TO STDOUT")
        }
        #expect(viaQuery.code == .invalidArgument)
        #expect(try await connection.query("SELECT 1").scalar(Int.self) == 1)
    }
}
