import Foundation
import JSON
@testable import Postgres
import Testing

@Suite struct IdentifierQuotingTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("a\"b", "\"a\"\"b\""),
        ("MixedCase with space", "\"MixedCase with space\""),
        ("ds/path--name", "\"ds/path--name\""),
        ("", "\"\""),
    ])
    func quotesIdentifiers(name: String, quoted: String) {
        #expect(Postgres.quoteIdentifier(name) == quoted)
    }

    @Test func quotesQualifiedNames() {
        #expect(Postgres.quoteIdentifier(schema: "s\"x", "t") == "\"s\"\"x\".\"t\"")
    }
}

@Suite struct ArrayLiteralTests {
    @Test(arguments: [
        ("{}", [PostgresArrayLiteral.Node]()),
        ("{1,2,NULL}", [.element("1"), .element("2"), .element(nil)]),
        ("{\"a,b\",\"q\\\"uote\",\"back\\\\slash\",\"NULL\",null}",
         [.element("a,b"), .element("q\"uote"), .element("back\\slash"), .element("NULL"), .element(nil)]),
        ("{ spaced , \"\" }", [.element("spaced"), .element("")]),
        ("{{1,2},{3,NULL}}", [.array([.element("1"), .element("2")]), .array([.element("3"), .element(nil)])]),
        ("[0:1]={7,8}", [.element("7"), .element("8")]),
        ("{ünï,日本}", [.element("ünï"), .element("日本")]),
    ])
    func parsesServerOutput(text: String, expected: [PostgresArrayLiteral.Node]) throws {
        #expect(try PostgresArrayLiteral.parse(text) == expected)
    }

    @Test(arguments: ["{1,2", "{\"open}", "1,2}", "{1,,2}", "{1} x"])
    func rejectsMalformedLiterals(text: String) {
        #expect(throws: PostgresArrayLiteral.SyntaxError.self) { try PostgresArrayLiteral.parse(text) }
    }

    @Test func writtenLiteralsParseBack() throws {
        let elements: [String?] = ["a,b", "q\"uote", "back\\slash", nil, "NULL", "", " lead", "{brace}"]
        let parsed = try PostgresArrayLiteral.parse(PostgresArrayLiteral.write(elements))
        #expect(parsed == elements.map { .element($0) })
    }
}

@Suite struct TimestampTextTests {
    @Test(arguments: [
        ("2024-05-06 07:08:09.123456+00", 1_714_979_289.123456),
        ("2024-05-06 07:08:09+00", 1_714_979_289.0),
        ("2024-05-06 09:08:09+02", 1_714_979_289.0),
        ("2024-05-06 01:38:09-05:30", 1_714_979_289.0),
        ("1970-01-01 00:00:00", 0.0),
        ("1969-12-31 23:59:59.5", -0.5),
        ("2000-02-29", 951_782_400.0),
    ])
    func parsesISOOutput(text: String, seconds: Double) throws {
        let date = try #require(PostgresTimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: [0.0, -0.5, 1_714_979_289.123456, 951_782_400.0, -2_208_988_800.25, 253_402_300_799.0])
    func formatsAndParsesBack(seconds: Double) throws {
        let text = PostgresTimestamp.format(Date(timeIntervalSince1970: seconds))
        let parsed = try #require(PostgresTimestamp.parse(text), "could not parse back \(text)")
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 1e-6, "\(text)")
    }

    @Test func formatsInUTCWithMicroseconds() {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_714_979_289.5)) == "2024-05-06 07:08:09.500000+00")
    }

    @Test(arguments: ["", "2024-13-01", "2024-05-06 07:08", "yesterday"])
    func rejectsOtherText(text: String) {
        #expect(PostgresTimestamp.parse(text) == nil)
    }
}

@Suite struct CopyTextTests {
    @Test func escapesSpecialCharactersAndNull() throws {
        let row: [PostgresValue] = ["a\tb\nc\\d\re", nil, 42, true, .stringArray(["x\"y", nil]), .json(["k": "v\n"])]
        let encoded = try PostgresCopyText.encodeRow(row)
        #expect(encoded == "a\\tb\\nc\\\\d\\re\t\\N\t42\tt\t{\"x\\\\\"y\",NULL}\t{\"k\":\"v\\\\n\"}\n")
    }

    // Clean runs are copied whole between escapes: at either end, adjacent, and bytes COPY reads as they are.
    @Test(arguments: [
        ("\\start and end\n", "\\\\start and end\\n"),
        ("\n\n\t\r\\", "\\n\\n\\t\\r\\\\"),
        ("bell\u{7} back\u{8} tab\u{B}\u{C} é😀", "bell\u{7} back\u{8} tab\u{B}\u{C} é😀"),
        (String(repeating: "few-shot line\n", count: 200), String(repeating: "few-shot line\\n", count: 200)),
    ])
    func escapesOnlyWhatCopyTextMust(text: String, encoded: String) throws {
        #expect(try PostgresCopyText.encodeRow([.string(text)]) == encoded + "\n")
    }

    @Test func rejectsNulBytes() {
        #expect(throws: PostgresError.self) { try PostgresCopyText.encodeRow(["a\u{0}b"]) }
    }
}

@Suite struct ErrorDescriptionTests {
    @Test func descriptionNamesStateStatementAndHint() {
        let error = PostgresError(
            code: .server, message: "duplicate key value violates unique constraint \"t_pkey\"", sqlState: "23505",
            detail: "Key (id)=(1) already exists.", hint: "use ON CONFLICT", statement: "INSERT INTO t VALUES ($1)")
        #expect(error.isUniqueViolation)
        #expect(error.description.contains("[SQLSTATE 23505]"))
        #expect(error.description.contains("DETAIL: Key (id)=(1) already exists."))
        #expect(error.description.contains("HINT: use ON CONFLICT"))
        #expect(error.description.contains("STATEMENT: INSERT INTO t VALUES ($1)"))
    }
}

@Suite struct TransientErrorPolicyTests {
    @Test(arguments: [
        (PostgresError.Code.connectionFailed, nil as String?, true),
        (.connectionLost, nil, true),
        (.connectionClosed, nil, true),
        (.poolClosed, nil, true),
        (.cancelled, nil, true),
        (.server, "40001", true),
        (.server, "40P01", true),
        (.server, "57P01", true),
        (.server, "57P02", true),
        (.server, "57P03", true),
        (.server, "08006", true),
        (.server, "08P01", true),
        (.server, "53300", true),
        (.server, "23505", false),
        (.server, "42P01", false),
        (.server, "57014", false),
        (.server, nil, false),
        (.decoding, nil, false),
        (.invalidArgument, nil, false),
        (.copyFailed, "22P02", false),
        (.connectionBusy, nil, false),
    ])
    func classifies(code: PostgresError.Code, sqlState: String?, transient: Bool) {
        let error = PostgresError(code: code, message: "m", sqlState: sqlState)
        #expect(error.isTransient == transient, "\(error)")
    }

    @Test(arguments: [("08006", true), ("08000", true), ("57P01", true), ("57P03", true), ("40001", false), ("53300", false), (nil, false)])
    func connectionLossStates(sqlState: String?, lost: Bool) {
        #expect(PostgresError.isConnectionLoss(sqlState: sqlState) == lost)
    }
}
