import ExtendedJSON
import Foundation
import JSON
import Testing

@Suite struct ObjectIDFormTests {
    @Test func jsonHelpersWrapAndUnwrap() {
        let id = ObjectID()
        let value = JSONValue.objectID(id)
        #expect(value == ["$oid": .string(id.hex)])
        #expect(value.objectIDValue == id)
        #expect(JSONValue.string(id.hex).objectIDValue == nil)
        #expect(JSONValue.object(["$oid": .string(id.hex), "x": 1]).objectIDValue == nil)
    }

    @Test func anInvalidOidIsNotAnID() {
        #expect(JSONValue.object(["$oid": "5f1d7a3e9b1e8b3c4d5e6fzz"]).objectIDValue == nil)
        #expect(JSONValue.object(["$oid": 5]).objectIDValue == nil)
    }
}

@Suite struct DateConventionTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(1_700_000_000_123), "2023-11-14T22:13:20.123Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(-62_135_596_800_000), "0001-01-01T00:00:00.000Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
        (Int64(-2_208_988_800_001), "1899-12-31T23:59:59.999Z"),
    ])
    func formatsISOWithMilliseconds(ms: Int64, iso: String) {
        let value = JSONValue.date(millisecondsSince1970: ms)
        #expect(value == ["$date": .string(iso)])
        #expect(value.dateMillisecondsSince1970 == ms)
    }

    @Test func yearsBeyond9999UseNumberLong() {
        let value = JSONValue.date(millisecondsSince1970: 253_402_300_800_000)
        #expect(value == ["$date": ["$numberLong": "253402300800000"]])
        #expect(value.dateMillisecondsSince1970 == 253_402_300_800_000)
    }

    @Test(arguments: [
        ("2024-05-01T14:00:00+02:00", Int64(1_714_564_800_000)),
        ("2024-05-01T12:00:00Z", Int64(1_714_564_800_000)),
        ("2024-05-01T12:00:00.5Z", Int64(1_714_564_800_500)),
        ("2024-05-01T12:00:00.123456Z", Int64(1_714_564_800_123)),
        ("2024-05-01T06:30:00-0530", Int64(1_714_564_800_000)),
    ])
    func acceptsISOVariants(text: String, ms: Int64) {
        #expect(JSONValue.object(["$date": .string(text)]).dateMillisecondsSince1970 == ms)
    }

    @Test func acceptsNumberLongAndIntegerPayloads() {
        #expect(JSONValue.object(["$date": ["$numberLong": "-5"]]).dateMillisecondsSince1970 == -5)
        #expect(JSONValue.object(["$date": 42]).dateMillisecondsSince1970 == 42)
    }

    @Test(arguments: ["2024-02-30T00:00:00Z", "2024-05-01", "2024-05-01T25:00:00Z", "garbage", "2024-05-01T12:00:00", "2024-05-01T12:00:00.Z"])
    func rejectsInvalidDates(_ text: String) {
        #expect(JSONValue.object(["$date": .string(text)]).dateMillisecondsSince1970 == nil)
    }

    @Test func foundationDatesKeepMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123)
        let value = JSONValue.date(date)
        #expect(value == ["$date": "2023-11-14T22:13:20.123Z"])
        let back = try #require(value.dateValue)
        #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0005)
        let before1970 = JSONValue.date(Date(timeIntervalSince1970: -0.25))
        #expect(before1970 == ["$date": "1969-12-31T23:59:59.750Z"])
    }
}
