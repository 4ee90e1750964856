import Foundation
import JSON

// The two values every document store writes that JSON has no type for, in MongoDB Extended JSON
// v2 (relaxed) shapes. MongoDB stores them as BSON ObjectId and UTC datetime; PostgreSQL stores the
// JSON itself. This file is their one parser and formatter:
//   ObjectId  ⇄ {"$oid": "<24 hex>"}
//   datetime  ⇄ {"$date": "<ISO-8601, ms, Z>"} (years 0–9999; else {"$date": {"$numberLong": "<ms>"}})
extension JSONValue {
    /// `{"$oid": "<24 hex>"}`, stored as a BSON ObjectId.
    public static func objectID(_ id: ObjectID) -> JSONValue {
        .object(["$oid": .string(id.hex)])
    }

    /// `{"$date": "<ISO-8601, milliseconds, Z>"}`, stored as a BSON UTC datetime (millisecond precision).
    public static func date(_ date: Date) -> JSONValue {
        self.date(millisecondsSince1970: ExtendedJSONDate.milliseconds(from: date))
    }

    /// A BSON UTC datetime from milliseconds since 1970 (negative before 1970).
    /// Years 0...9999 use the ISO string form, others `{"$date": {"$numberLong": "…"}}`.
    public static func date(millisecondsSince1970 ms: Int64) -> JSONValue {
        if let text = ExtendedJSONDate.isoString(milliseconds: ms) {
            return .object(["$date": .string(text)])
        }
        return .object(["$date": .object(["$numberLong": .string(String(ms))])])
    }

    /// The ObjectId in `{"$oid": "<24 hex>"}`, else nil.
    public var objectIDValue: ObjectID? {
        guard case let .object(object) = self, object.count == 1, case let .string(hex)? = object["$oid"] else { return nil }
        return ObjectID(hex: hex)
    }

    /// Milliseconds since 1970 of `{"$date": "<ISO-8601>"}`, `{"$date": {"$numberLong": "…"}}`
    /// or `{"$date": <integer>}`, else nil.
    public var dateMillisecondsSince1970: Int64? {
        guard case let .object(object) = self, object.count == 1, let payload = object["$date"] else { return nil }
        switch payload {
        case let .string(text): return ExtendedJSONDate.milliseconds(isoString: text)
        case let .int(ms): return Int64(ms)
        case let .object(long):
            guard long.count == 1, case let .string(digits)? = long["$numberLong"] else { return nil }
            return Int64(digits)
        default: return nil
        }
    }

    /// The date of a `$date` value (see `dateMillisecondsSince1970`), else nil.
    public var dateValue: Date? {
        dateMillisecondsSince1970.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
    }
}

/// Conversions between Extended JSON datetimes (Int64 ms since 1970, UTC) and ISO-8601 strings.
public enum ExtendedJSONDate {
    private static let msPerDay: Int64 = 86_400_000

    /// Milliseconds since 1970 of `date`, rounded, clamped to Int64.
    public static func milliseconds(from date: Date) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        if ms >= 9.2e18 { return Int64.max }
        if ms <= -9.2e18 { return Int64.min }
        return Int64(ms)
    }

    /// "YYYY-MM-DDTHH:MM:SS.mmmZ", or nil outside years 0...9999.
    public static func isoString(milliseconds ms: Int64) -> String? {
        let (days, msOfDayRaw) = ms.quotientAndRemainder(dividingBy: msPerDay)
        var day = days
        var msOfDay = msOfDayRaw
        if msOfDay < 0 {
            msOfDay += msPerDay
            day -= 1
        }
        let (year, month, dayOfMonth) = CivilCalendar.date(fromDays: day)
        guard (0...9999).contains(year) else { return nil }
        let hours = msOfDay / 3_600_000
        let minutes = msOfDay / 60_000 % 60
        let seconds = msOfDay / 1000 % 60
        let millis = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))Z"
    }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)"; fractions below a millisecond are truncated.
    public static func milliseconds(isoString text: String) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(4), scanner.skip("-"), let month = scanner.number(2), scanner.skip("-"),
              let day = scanner.number(2), scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
              let hour = scanner.number(2), scanner.skip(":"), let minute = scanner.number(2), scanner.skip(":"),
              let second = scanner.number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if scanner.skip(".") {
            var digits = 0
            while let digit = scanner.digit() {
                if digits < 3 { millis = millis * 10 + digit }
                digits += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        var offsetMinutes: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offsetMinutes = 0
        } else if let sign: Int64 = scanner.skip("+") ? 1 : scanner.skip("-") ? -1 : nil {
            guard let offsetHours = scanner.number(2) else { return nil }
            _ = scanner.skip(":")
            guard let offsetMins = scanner.number(2), offsetHours < 24, offsetMins < 60 else { return nil }
            offsetMinutes = sign * (offsetHours * 60 + offsetMins)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let local = days * msPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + millis
        return local - offsetMinutes * 60_000
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, index < bytes.count, bytes[index] == ascii else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int64? {
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int64(bytes[index] - UInt8(ascii: "0"))
    }

    mutating func number(_ width: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<width {
            guard let d = digit() else { return nil }
            value = value * 10 + d
        }
        return value
    }
}
