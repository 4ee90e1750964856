import Foundation
import JSON
import Postgres
import TestSupport
import Testing

/// A value to send as `$1` and the column type it comes back as.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
    let value: PostgresValue
    var testDescription: String { "\(value)" }
}

private let nestedJSON: JSONValue = [
    "name": "x\"y\\z", "n": 3, "f": 2.5, "ok": true, "none": nil,
    "list": [1, "two", ["three": 3], [4.5, false]], "unicode": "日本語 😀",
]

private let roundTripCases: [RoundTripCase] = [
    .null,
    .bool(true), .bool(false),
    .int32(Int32.min), .int32(Int32.max),
    .int64(Int64.max), .int64(Int64.min), .int64(0),
    .double(3.141592653589793), .double(-1e-300), .double(1e300), .double(.infinity), .double(-.infinity),
    .string(""), .string("plain"),
    .string("it's \"quoted\", back\\slash\\\\ tab\t newline\n cr\r — ünïcödé 日本語 😀 'single' $1"),
    .date(Date(timeIntervalSince1970: 1_714_979_289.123456)), .date(Date(timeIntervalSince1970: -86_400.5)),
    .json(nestedJSON), .json(.null), .json([]), .json("just a string"),
    .bytes([0, 1, 2, 127, 128, 254, 255]), .bytes([]),
    .int64Array([1, nil, -3, Int64.max]), .int64Array([]),
    .doubleArray([1.5, nil, -0.25, 1e100]),
    .stringArray(["a,b", "q\"uote", "back\\slash", nil, "NULL", "", " spaced ", "{brace}", "日本"]),
    .boolArray([true, nil, false]),
].map(RoundTripCase.init)

/// Reads column 0 back into the same kind of value that was sent.
private func decodeSameKind(as sent: PostgresValue, from row: PostgresRow) throws -> PostgresValue {
    switch sent {
    case .null: return try row.decode(String?.self, at: 0).map(PostgresValue.string) ?? .null
    case .bool: return .bool(try row.decode(Bool.self, at: 0))
    case .int32: return .int32(try row.decode(Int32.self, at: 0))
    case .int64: return .int64(try row.decode(Int64.self, at: 0))
    case .double: return .double(try row.decode(Double.self, at: 0))
    case .string: return .string(try row.decode(String.self, at: 0))
    case .date: return .date(try row.decode(Date.self, at: 0))
    case .json: return .json(try row.decode(JSONValue.self, at: 0))
    case .bytes: return .bytes([UInt8](try row.decode(Data.self, at: 0)))
    case .int64Array: return .int64Array(try row.decode([Int64?].self, at: 0))
    case .doubleArray: return .doubleArray(try row.decode([Double?].self, at: 0))
    case .stringArray: return .stringArray(try row.decode([String?].self, at: 0))
    case .boolArray: return .boolArray(try row.decode([Bool?].self, at: 0))
    }
}

@Suite struct BindingTests {
    @Test(arguments: roundTripCases)
    func parameterRoundTripsThroughSelect(testCase: RoundTripCase) async throws {
        let connection = try await TestDatabase.connect()
        let rows = try await connection.query("SELECT $1", [testCase.value])
        #expect(rows.count == 1)
        #expect(try decodeSameKind(as: testCase.value, from: rows[0]) == testCase.value)
    }

    @Test func valuesRoundTripThroughTypedColumnsByName() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("typed \"cols\""))
        try await connection.execute("""
            CREATE TABLE \(table) (i integer, b bigint, d double precision, t text, flag boolean,
              at timestamptz, naive timestamp, doc jsonb, raw json, ints integer[], bigs bigint[],
              floats float8[], texts text[], bools boolean[], missing text)
            """)
        let at = Date(timeIntervalSince1970: 1_714_979_289.25)
        let inserted = try await connection.execute(
            "INSERT INTO \(table) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            [
                .int(42), .int(1 << 40), 2.5, "text 'with' \"quotes\"", true, .date(at), .date(at),
                .json(["b": 1, "a": ["x": nil]]), "{\"z\": 1, \"y\": 2}", [1, 2, nil].postgresValue, .int64Array([9]),
                .doubleArray([0.5]), .stringArray(["a,b", nil]), .boolArray([false]), nil,
            ])
        #expect(inserted == 1)
        let row = try #require(try await connection.query("SELECT * FROM \(table)").first)
        #expect(try row.decode(Int.self, named: "i") == 42)
        #expect(try row.decode(Int32.self, named: "i") == 42)
        #expect(try row.decode(Int64.self, named: "b") == 1 << 40)
        #expect(try row.decode(Double.self, named: "d") == 2.5)
        #expect(try row.decode(Double.self, named: "i") == 42)
        #expect(try row.decode(String.self, named: "t") == "text 'with' \"quotes\"")
        #expect(try row.decode(Bool.self, named: "flag"))
        #expect(try row.decode(Date.self, named: "at") == at)
        #expect(try row.decode(Date.self, named: "naive") == at)
        // jsonb reorders keys; equality is order-insensitive like Python dicts.
        #expect(try row.decode(JSONValue.self, named: "doc") == ["a": ["x": nil], "b": 1])
        #expect(try row.decode(JSONValue.self, named: "raw").objectValue?.keys == ["z", "y"])
        let nullElement = try #require(throws: PostgresError.self) { try row.decode([Int].self, named: "ints") }
        #expect(nullElement.column == "ints[3]" && nullElement.message.contains("Int?"))
        #expect(try row.decode([Int?].self, named: "ints") == [1, 2, nil])
        #expect(try row.decode([Int64].self, named: "bigs") == [9])
        #expect(try row.decode([Double].self, named: "floats") == [0.5])
        #expect(try row.decode([String?].self, named: "texts") == ["a,b", nil])
        #expect(try row.decode([Bool].self, named: "bools") == [false])
        #expect(try row.decode(String?.self, named: "missing") == nil)
        #expect(try row.isNull(at: 14))
    }

    @Test func anyColumnConvertsToJSONByType() async throws {
        let connection = try await TestDatabase.connect()
        let row = try #require(try await connection.query("""
            SELECT 1::smallint AS s, 2::int AS i, 3::bigint AS b, 1.5::float4 AS r, 2.25::float8 AS d,
              10::numeric AS n_int, 1.25::numeric AS n_frac, true AS flag, 'x'::text AS t, 'v'::varchar AS v,
              '{"k":[1,{"z":null}]}'::jsonb AS doc, ARRAY[1,NULL,3] AS ints, ARRAY['a,b',NULL] AS texts,
              ARRAY[[1,2],[3,4]] AS grid, ARRAY['{"a":1}'::jsonb] AS docs, NULL::int AS nothing,
              '2024-05-06 07:08:09+00'::timestamptz AS at
            """).first)
        let object = try row.jsonObject()
        let expected: JSONObject = [
            "s": 1, "i": 2, "b": 3, "r": 1.5, "d": 2.25, "n_int": 10, "n_frac": 1.25, "flag": true, "t": "x", "v": "v",
            "doc": ["k": [1, ["z": nil]]], "ints": [1, nil, 3], "texts": ["a,b", nil], "grid": [[1, 2], [3, 4]],
            "docs": [["a": 1]], "nothing": nil, "at": "2024-05-06 07:08:09+00",
        ]
        #expect(object == expected)
        #expect(object.keys == expected.keys)
        guard case .int = object["n_int"], case .double = object["d"] else {
            Issue.record("int/double kinds lost: \(object)")
            return
        }
    }

    @Test func decodingErrorsNameTheColumnAndTypes() async throws {
        let connection = try await TestDatabase.connect()
        let row = try #require(try await connection.query("SELECT 'abc'::text AS word, NULL::int AS gap").first)
        let missing = try #require(throws: PostgresError.self) { try row.decode(Int.self, named: "nope") }
        #expect(missing.code == .decoding)
        #expect(missing.message.contains("no column named 'nope'") && missing.message.contains("word, gap"))
        let mismatch = try #require(throws: PostgresError.self) { try row.decode(Int.self, named: "word") }
        #expect(mismatch.code == .decoding && mismatch.column == "word" && mismatch.message.contains("text"))
        let null = try #require(throws: PostgresError.self) { try row.decode(Int.self, named: "gap") }
        #expect(null.code == .decoding && null.message.contains("NULL"))
        let outOfRange = try #require(throws: PostgresError.self) { try row.decode(Int.self, at: 5) }
        #expect(outOfRange.code == .decoding)
        let notArray = try #require(throws: PostgresError.self) { try row.decode([String].self, named: "word") }
        #expect(notArray.message.contains("not an array"))
    }

    @Test func stringsWithNulBytesAreRefusedBeforeSending() async throws {
        let connection = try await TestDatabase.connect()
        let error = try await #require(throws: PostgresError.self) { try await connection.query("SELECT $1", ["a\u{0}b"]) }
        #expect(error.code == .invalidArgument)
        #expect(try await connection.query("SELECT 1").scalar(Int.self) == 1)
    }

    @Test func scriptRunsSeveralStatements() async throws {
        let connection = try await TestDatabase.connect()
        let table = Postgres.quoteIdentifier(TestDatabase.uniqueName("script"))
        try await connection.executeScript("""
            CREATE TABLE \(table) (id int);
            INSERT INTO \(table) VALUES (1), (2);
            INSERT INTO \(table) VALUES (3);
            """)
        #expect(try await connection.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 3)
    }
}

@Suite struct PreparedStatementTests {
    @Test func aPreparedStatementRunsManyTimesWithItsOwnParameters() async throws {
        let connection = try await TestDatabase.connect()
        let sql = "SELECT $1::int + $2::int, $3::text[]"
        for n in 0..<3 {
            let row = try #require(try await connection.query(prepared: "sum", sql, [.int(n), .int(10), .stringArray(["a", nil])]).first)
            #expect(try row.decode(Int.self, at: 0) == n + 10)
            #expect(try row.decode([String?].self, at: 1) == ["a", nil])
        }
        let prepared = try await connection.query("SELECT count(*) FROM pg_prepared_statements WHERE name = 'sum'").scalar(Int.self)
        #expect(prepared == 1)
        await connection.close()
    }

    @Test func oneNameStandsForOneStatement() async throws {
        let connection = try await TestDatabase.connect()
        _ = try await connection.query(prepared: "one", "SELECT 1")
        let error = try await #require(throws: PostgresError.self) { try await connection.query(prepared: "one", "SELECT 2") }
        #expect(error.code == .invalidArgument)
        #expect(try await connection.query(prepared: "one", "SELECT 1").scalar(Int.self) == 1)
        await connection.close()
    }

    @Test func aStatementThatCannotBePreparedIsAnErrorAndNotRemembered() async throws {
        let connection = try await TestDatabase.connect()
        let error = try await #require(throws: PostgresError.self) { try await connection.query(prepared: "bad", "SELECT * FROM no_such_table_here") }
        #expect(error.sqlState == "42P01")
        // Not remembered as prepared: the same name can be prepared with working SQL.
        #expect(try await connection.query(prepared: "bad", "SELECT 7").scalar(Int.self) == 7)
        await connection.close()
    }
}
