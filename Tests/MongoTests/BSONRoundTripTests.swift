import ExtendedJSON
import Foundation
import JSON
import Mongo
import Testing

/// A named document for parameterised tests.
struct DocumentCase: Sendable, CustomTestStringConvertible {
    let name: String
    let document: JSONObject
    var testDescription: String { name }
}

@Suite struct BSONRoundTripTests {
    static let fixedID = ObjectID(hex: "5f1d7a3e9b1e8b3c4d5e6f70") ?? ObjectID()

    static let cases: [DocumentCase] = [
        DocumentCase(name: "nested objects keep key order", document: [
            "z": 1, "a": ["y": [1, 2, ["b": true, "a": false]], "x": "s"], "m": nil, "b": [:],
        ]),
        DocumentCase(name: "arrays", document: [
            "empty": [], "mixed": [1, "a", 2.5, nil, [[]], ["k": [3]]], "nested": [[1, 2], [3, [4, [5]]]],
        ]),
        DocumentCase(name: "int32/int64 boundaries", document: [
            "zero": 0, "i32max": .int(Int(Int32.max)), "i32min": .int(Int(Int32.min)),
            "above": .int(Int(Int32.max) + 1), "below": .int(Int(Int32.min) - 1),
            "i64max": .int(Int.max), "i64min": .int(Int.min),
        ]),
        DocumentCase(name: "doubles", document: [
            "zero": 0.0, "negativeZero": .double(-0.0), "one": 1.0, "pi": .double(Double.pi),
            "nan": .double(.nan), "inf": .double(.infinity), "negInf": .double(-.infinity),
            "tiny": .double(.leastNonzeroMagnitude), "huge": .double(.greatestFiniteMagnitude), "big": 1e300,
        ]),
        DocumentCase(name: "unicode strings", document: [
            "ascii": "plain", "accents": "héllo wörld", "cjk": "日本語テキスト", "emoji": "👩‍💻 + 😀",
            "empty": "", "controls": "tab\tnew\nline\u{1}", "rtl": "مرحبا", "mixed": "a\u{301}ç𝄞",
        ]),
        DocumentCase(name: "unicode keys", document: ["ключ": 1, "鍵": ["😀": true], "": "empty key"]),
        DocumentCase(name: "ObjectId", document: [
            "_id": .objectID(fixedID), "ids": [.objectID(fixedID), .objectID(ObjectID(hex: "000000000000000000000000") ?? fixedID)],
        ]),
        DocumentCase(name: "dates", document: [
            "epoch": .date(millisecondsSince1970: 0), "ms": .date(millisecondsSince1970: 1_700_000_000_123),
            "pre1970": .date(millisecondsSince1970: -1), "year1": .date(millisecondsSince1970: -62_135_596_800_000),
            "leap": .date(millisecondsSince1970: 951_782_400_999), "farFuture": .date(millisecondsSince1970: 300_000_000_000_000),
            "ancient": .date(millisecondsSince1970: -300_000_000_000_000),
        ]),
        DocumentCase(name: "null and bool", document: ["null": nil, "t": true, "f": false, "list": [true, nil, false]]),
        DocumentCase(name: "update operators stay documents", document: [
            "$set": ["a.b": 1, "$inc": 2], "filter": ["$in": [1, 2], "$regex": "^a", "$options": "i"],
        ]),
        DocumentCase(name: "extended JSON types read back in relaxed form", document: [
            "dec": ["$numberDecimal": "1.50"],
            "bin": ["$binary": ["base64": "AQID", "subType": "00"]],
            "regex": ["$regularExpression": ["pattern": "^a.*", "options": "i"]],
            "ts": ["$timestamp": ["t": 1_700_000_000, "i": 7]],
            "min": ["$minKey": 1], "max": ["$maxKey": 1],
        ]),
    ]

    @Test(arguments: cases)
    func roundTripsExactly(_ testCase: DocumentCase) throws {
        let back = try BSONInspector.roundTrip(testCase.document)
        #expect(strictlyEqual(back, testCase.document), "\(testCase.name): got \(JSONValue.object(back))")
    }

    @Test(arguments: [
        (Int(Int32.max), "int32"), (Int(Int32.min), "int32"), (0, "int32"), (-1, "int32"),
        (Int(Int32.max) + 1, "int64"), (Int(Int32.min) - 1, "int64"), (Int.max, "int64"), (Int.min, "int64"),
    ])
    func integersUseTheSmallestBSONType(value: Int, expected: String) throws {
        #expect(try BSONInspector.types(of: ["v": .int(value)]) == ["v": expected])
    }

    @Test func explicitNumberLongIsInt64AndReadsBackAsInt() throws {
        let document: JSONObject = ["n": ["$numberLong": "5"], "i": ["$numberInt": "6"], "d": ["$numberDouble": "-0.0"]]
        #expect(try BSONInspector.types(of: document) == ["n": "int64", "i": "int32", "d": "double"])
        let back = try BSONInspector.roundTrip(document)
        #expect(strictlyEqual(back, ["n": 5, "i": 6, "d": .double(-0.0)]))
    }

    @Test func stringsMayContainNUL() throws {
        let document: JSONObject = ["s": "a\u{0}b"]
        #expect(strictlyEqual(try BSONInspector.roundTrip(document), document))
    }

    @Test(arguments: [
        DocumentCase(name: "NUL in a key", document: ["a\u{0}b": 1]),
        DocumentCase(name: "NUL in a nested key", document: ["outer": ["in\u{0}ner": 1]]),
        DocumentCase(name: "$oid that is not hex", document: ["_id": ["$oid": "not-an-object-id"]]),
        DocumentCase(name: "$oid that is not a string", document: ["_id": ["$oid": 5]]),
        DocumentCase(name: "$date that is not a date", document: ["when": ["$date": "yesterday"]]),
        DocumentCase(name: "$timestamp with string fields", document: ["x": ["$timestamp": ["t": "now", "i": "1"]]]),
        DocumentCase(name: "$binary without base64", document: ["x": ["$binary": ["subType": "00"]]]),
    ])
    func rejectsWhatBSONCannotHold(_ testCase: DocumentCase) {
        #expect {
            try BSONInspector.bytes(of: testCase.document)
        } throws: { error in
            (error as? MongoError)?.code == .invalidDocument
        }
    }

    @Test func errorsNameTheKeyPath() {
        do {
            _ = try BSONInspector.bytes(of: ["task": ["ids": [["$oid": "xyz"]]]])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidDocument)
            #expect(error.message.contains("task.ids.0"), "\(error.message)")
        }
    }
}
