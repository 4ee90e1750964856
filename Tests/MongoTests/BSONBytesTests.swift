import ExtendedJSON
import JSON
import Mongo
import Testing

@Suite struct BSONBytesTests {
    static let document: JSONObject = [
        "_id": ["$oid": "5f1d7a3e9b1e8b3c4d5e6f70"],
        "n": -7,
        "big": 5_000_000_000,
        "d": 1.5,
        "s": "é",
        "t": true,
        "nil": nil,
        "when": .date(millisecondsSince1970: 1_700_000_000_123),
        "arr": [1, "a"],
        "sub": ["k": "v"],
    ]

    // Computed independently of libbson (Python `struct`, following bsonspec.org).
    static let fixtureHex = "83000000075f6964005f1d7a3e9b1e8b3c4d5e6f70106e00f9ffffff126269670000f2052a0100000001640000000000"
        + "0000f83f02730003000000c3a900087400010a6e696c00097768656e007b68e5cf8b01000004617272001500000010300001"
        + "0000000231000200000061000003737562000e000000026b000200000076000000"

    @Test func bytesMatchAHandComputedFixture() throws {
        #expect(hex(try BSONInspector.bytes(of: Self.document)) == Self.fixtureHex)
    }

    @Test func bytesMatchLibbsonsCanonicalExtendedJSONParser() throws {
        let canonical = """
        {"_id": {"$oid": "5f1d7a3e9b1e8b3c4d5e6f70"}, "n": {"$numberInt": "-7"}, "big": {"$numberLong": "5000000000"}, \
        "d": {"$numberDouble": "1.5"}, "s": "é", "t": true, "nil": null, \
        "when": {"$date": {"$numberLong": "1700000000123"}}, \
        "arr": [{"$numberInt": "1"}, "a"], "sub": {"k": "v"}}
        """
        #expect(try BSONInspector.bytes(of: Self.document) == BSONInspector.bytes(fromExtendedJSON: canonical))
    }

    @Test func bytesDecodeBackToTheDocument() throws {
        let bytes = try BSONInspector.bytes(of: Self.document)
        #expect(strictlyEqual(try BSONInspector.object(fromBytes: bytes), Self.document))
    }

    @Test(arguments: [[UInt8](), [5, 0, 0], [9, 0, 0, 0, 0x10, 0x61, 0, 1, 0], [6, 0, 0, 0, 0, 0]])
    func corruptBytesAreRejected(_ bytes: [UInt8]) {
        #expect(throws: MongoError.self) { try BSONInspector.object(fromBytes: bytes) }
    }

    @Test func canonicalExtendedJSONShowsTheBSONTypes() throws {
        let text = try BSONInspector.canonicalExtendedJSON(of: ["a": 1, "b": 1.0, "c": 5_000_000_000])
        #expect(text.contains(#""a" : { "$numberInt" : "1" }"#), "\(text)")
        #expect(text.contains(#""b" : { "$numberDouble" : "1.0" }"#), "\(text)")
        #expect(text.contains(#""c" : { "$numberLong" : "5000000000" }"#), "\(text)")
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
