import JSON
import Testing
@testable import Datasets

@Suite("Type inference")
struct InferenceTests {
    @Test("one column's values → its type", arguments: [
        (["1", "2"], ColumnType.bigint),
        (["1.5", "2.0"], .double),
        (["1", "2.5"], .double), // int + float widen to double, as Arrow does
        (["true", "false"], .boolean),
        (["\"a\"", "\"b\""], .text),
        (["null", "null"], .text), // all-null
        (["{\"x\": 1}", "{\"y\": 2}"], .json),
        (["\"a\"", "{\"x\": 1}"], .json), // anything + object
        (["1", "\"a\""], .json), // number + string
        (["true", "1"], .json), // bool + int stays faithful as json
        (["[1, 2]", "3"], .json), // array + scalar
        (["[1, 2]", "[3]"], .array(.bigint)),
        (["[1, 2]", "[3.5]"], .array(.double)),
        (["[1, 2.5]", "null"], .array(.double)),
        (["[\"a\", null]", "[]"], .array(.text)),
        (["[true]", "[false, null]"], .array(.boolean)),
        (["[]", "[]"], .array(.text)), // only empty arrays
        (["[1, \"a\"]", "[2]"], .json), // mixed array
        (["[[1], [2]]", "[]"], .json), // nested array
        (["[{\"a\": 1}]", "[]"], .json), // array of objects
        (["[1]", "[\"a\"]"], .json), // rows disagree on element type
        (["null", "7"], .bigint), // null joins anything
    ])
    func widening(_ values: [String], expected: ColumnType) throws {
        var inference = SchemaInference()
        for value in values { try inference.add(object("{\"c\": \(value)}")) }
        #expect(inference.schema.columns == [DatasetColumn(name: "c", type: expected)])
    }

    @Test("column order is first appearance; missing keys are nulls")
    func columnOrder() throws {
        var inference = SchemaInference()
        try inference.add(object("{\"b\": 1, \"a\": \"x\"}"))
        try inference.add(object("{\"c\": true}"))
        try inference.add(object("{\"a\": \"y\", \"b\": 2, \"c\": false}"))
        #expect(inference.schema.columns.map(\.name) == ["b", "a", "c"])
        #expect(inference.schema.columns.map(\.type) == [.bigint, .text, .boolean])
        #expect(inference.rowCount == 3)
    }

    @Test("reserved, empty and over-long names are rejected", arguments: ["__id", "__split", "", String(repeating: "n", count: 64)])
    func reservedNames(_ name: String) {
        var inference = SchemaInference()
        let row = JSONObject([(name, JSONValue.int(1))])
        let error = #expect(throws: DatasetError.self) { try inference.add(row) }
        guard case .invalidColumn? = error?.kind else { Issue.record("wrong error"); return }
    }

    @Test("SQL type names round-trip through format_type spelling")
    func sqlNames() {
        let all: [ColumnType] = [.bigint, .double, .boolean, .text, .json] + ScalarType.allCases.map(ColumnType.array)
        for type in all { #expect(ColumnType(sql: type.sql) == type) }
        #expect(ColumnType(sql: "integer") == nil)
    }
}

@Suite("COPY text encoding")
struct CopyEncoderTests {
    func encode(_ schema: [(String, ColumnType)], _ row: String, id: Int = 7, split: String = "test") throws -> String {
        let encoder = CopyRowEncoder(schema: DatasetSchema(columns: schema.map { DatasetColumn(name: $0.0, type: $0.1) }))
        var out: [UInt8] = []
        try encoder.append(id: id, split: split, row: object(row), rowNumber: 0, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("scalars, escapes and nulls")
    func scalars() throws {
        let line = try encode([("i", .bigint), ("d", .double), ("b", .boolean), ("t", .text), ("m", .text)],
                              "{\"i\": -12, \"d\": 1e300, \"b\": false, \"t\": \"a\\tb\\nc\\\\d\"}")
        #expect(line == "7\ttest\t-12\t1e+300\tf\ta\\tb\\nc\\\\d\t\\N\n")
    }

    @Test("ints in a double column, keys in another order")
    func reordered() throws {
        let line = try encode([("a", .double), ("b", .text)], "{\"b\": \"x\", \"a\": 3}", id: 0, split: "train")
        #expect(line == "0\ttrain\t3.0\tx\n")
    }

    @Test("arrays become array literals with quoting under COPY escaping")
    func arrays() throws {
        let line = try encode([("s", .array(.text)), ("n", .array(.bigint)), ("f", .array(.double))],
                              "{\"s\": [\"a\\\"b\", \"c\\\\\", null, \"NULL\"], \"n\": [1, null], \"f\": [1, 2.5]}")
        #expect(line == "7\ttest\t{\"a\\\\\"b\",\"c\\\\\\\\\",NULL,\"NULL\"}\t{1,NULL}\t{1.0,2.5}\n")
    }

    @Test("json columns hold compact JSON text, escaped for COPY")
    func json() throws {
        let line = try encode([("j", .json)], "{\"j\": {\"z\": 1, \"a\": \"x\\ny\"}}")
        #expect(line == "7\ttest\t{\"z\":1,\"a\":\"x\\\\ny\"}\n")
    }

    @Test("a value contradicting the schema or unstorable text is an error", arguments: [
        "{\"c\": \"text\"}", "{\"c\": 1.5}", "{\"other\": 1}",
    ])
    func mismatch(_ row: String) throws {
        #expect(throws: DatasetError.self) { _ = try encode([("c", .bigint)], row) }
    }

    @Test("NUL in text is rejected with the column named")
    func nul() throws {
        let error = #expect(throws: DatasetError.self) { _ = try encode([("c", .text)], "{\"c\": \"a\\u0000b\"}") }
        #expect(error?.description.contains("'c'") == true)
    }
}
