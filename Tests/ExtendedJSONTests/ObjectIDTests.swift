import ExtendedJSON
import Foundation
import Testing

@Suite struct ObjectIDTests {
    @Test func generatedIDsAreUniqueHexWithCurrentTimestamp() throws {
        let ids = (0..<1000).map { _ in ObjectID() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(5) {
            #expect(id.hex.count == 24)
            #expect(id.hex.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(ObjectID(hex: id.hex) == id)
        }
        let now = Int(Date().timeIntervalSince1970)
        #expect(abs(ids[0].timestampSeconds - now) <= 5)
        #expect(abs(ids[0].timestamp.timeIntervalSince1970 - Double(now)) <= 5)
    }

    @Test func parsesEitherCaseAndReadsTimestamp() throws {
        let id = try #require(ObjectID(hex: "5F1D7A3E9B1E8B3C4D5E6F70"))
        #expect(id.hex == "5f1d7a3e9b1e8b3c4d5e6f70")
        #expect(id.timestampSeconds == 0x5F1D_7A3E)
        #expect(id.bytes.count == 12)
        #expect(ObjectID(bytes: id.bytes) == id)
    }

    @Test(arguments: [
        "000000000000000000000000", "ffffffffffffffffffffffff", "5f1d7a3e9b1e8b3c4d5e6f70",
        "0123456789abcdef01234567", "80000000000000000000000f", "00000000ffffffff00000001",
    ])
    func hexRoundTripsThroughBytesAndWords(_ hex: String) throws {
        let id = try ObjectID(parsing: hex)
        #expect(id.hex == hex)
        #expect(id.description == hex)
        let bytes = id.bytes
        #expect(bytes.count == 12)
        #expect(bytes.map { String(format: "%02x", $0) }.joined() == hex)
        #expect(ObjectID(bytes: bytes) == id)
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(ObjectID(high: high, low: low) == id)
    }

    @Test(arguments: ["", "5f1d7a3e9b1e8b3c4d5e6f7", "5f1d7a3e9b1e8b3c4d5e6f700", "5f1d7a3e9b1e8b3c4d5e6fzz", "ééééééééééé"])
    func rejectsMalformedHex(_ text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test(arguments: [
        ("5f1d7a3e9b1e8b3c4d5e6f7", ObjectIDError.Problem.length(23), "it is 23 bytes long"),
        ("", .length(0), "it is 0 bytes long"),
        ("ééééééééééé", .length(22), "it is 22 bytes long"),
        ("5f1d7a3e9b1e8b3c4d5e6fzz", .notHex(offset: 22), "byte 23 is not 0-9, a-f or A-F"),
        ("g00000000000000000000000", .notHex(offset: 0), "byte 1 is not 0-9, a-f or A-F"),
        ("00000000000000000000000 ", .notHex(offset: 23), "byte 24 is not 0-9, a-f or A-F"),
    ])
    func invalidHexIsRejectedWithAClearError(text: String, problem: ObjectIDError.Problem, reason: String) {
        #expect(throws: ObjectIDError(text: text, problem: problem)) { try ObjectID(parsing: text) }
        let message = ObjectIDError(text: text, problem: problem).description
        #expect(message == "'\(text)' is not an ObjectId (24 hexadecimal digits): \(reason)")
    }

    @Test func ordersByBytes() throws {
        let a = try #require(ObjectID(hex: "000000000000000000000001"))
        let b = try #require(ObjectID(hex: "000000000000000000000100"))
        #expect(a < b)
        // The last four bytes only decide between ids whose first eight bytes are equal.
        let c = try #require(ObjectID(hex: "0000000000000001000000ff"))
        let d = try #require(ObjectID(hex: "000000000000000200000000"))
        #expect(b < c && c < d)
        #expect(!(d < c) && !(c < c))
    }

    @Test func idsOrderByCreationTime() {
        let earlier = Date(timeIntervalSince1970: 1_700_000_000)
        let ids = [earlier, earlier.addingTimeInterval(1), earlier.addingTimeInterval(3600), earlier.addingTimeInterval(86_400 * 365)]
            .map { ObjectID(timestamp: $0) }
        #expect(ids.map(\.timestampSeconds) == [1_700_000_000, 1_700_000_001, 1_700_003_600, 1_731_536_000])
        #expect(ids == ids.sorted())
        #expect(ids.reversed().sorted() == ids)
        #expect(ids[0].timestamp == earlier)
    }

    @Test func freshIDsShareTheProcessPartAndCountUp() {
        let second = Date(timeIntervalSince1970: 1_800_000_000.75)
        let ids = (0..<64).map { _ in ObjectID(timestamp: second) }
        #expect(Set(ids.map { $0.bytes[0..<4] }).count == 1)
        #expect(ids[0].timestampSeconds == 1_800_000_000)
        // Bytes 4–8 are fixed for the process; 9–11 are a counter (mod 2^24) that other tests may advance too.
        #expect(Set(ids.map { Array($0.bytes[4..<9]) }).count == 1)
        #expect(Array(ObjectID().bytes[4..<9]) == Array(ids[0].bytes[4..<9]))
        let counters = ids.map { $0.bytes[9..<12].reduce(0) { $0 << 8 | Int($1) } }
        #expect(Set(counters).count == 64)
        for (a, b) in zip(counters, counters.dropFirst()) {
            #expect((1..<(1 << 23)).contains((b - a + (1 << 24)) % (1 << 24)), "counter went from \(a) to \(b)")
        }
    }

    @Test func idsFromManyTasksAtOnceAreUnique() async {
        let ids = await withTaskGroup(of: [ObjectID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2000).map { _ in ObjectID() } } }
            return await group.reduce(into: [ObjectID]()) { $0 += $1 }
        }
        #expect(ids.count == 16_000)
        #expect(Set(ids).count == 16_000)
    }
}
