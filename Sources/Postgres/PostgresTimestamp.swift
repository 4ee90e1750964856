import Foundation
import JSON

/// Converts between `Date` and PostgreSQL's ISO text form of timestamp, timestamptz and date,
/// by calendar arithmetic (no formatter objects, no locale, microsecond precision).
enum PostgresTimestamp {
    private static let microsPerDay: Int64 = 86_400_000_000

    /// `2024-05-06 07:08:09.123456+00`, the instant in UTC; years before 1 get PostgreSQL's `BC`.
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            rest += microsPerDay
            days -= 1
        }
        let (year, month, day) = CivilCalendar.date(fromDays: days)
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        var out = pad(year > 0 ? year : 1 - year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        out += " " + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 { out += "." + pad(fraction, 6) }
        out += "+00"
        if year <= 0 { out += " BC" }
        return out
    }

    /// Parses the ISO output of timestamp (read as UTC), timestamptz (with its offset) and date.
    static func parse(_ text: String) -> Date? {
        switch text {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        var scanner = Scanner(Array(text.utf8))
        guard var year = scanner.number(), scanner.skip("-"), let month = scanner.number(maxDigits: 2),
            scanner.skip("-"), let day = scanner.number(maxDigits: 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var micros: Int64 = 0
        if scanner.skip(" ") || scanner.skip("T") {
            guard let hour = scanner.number(maxDigits: 2), scanner.skip(":"), let minute = scanner.number(maxDigits: 2),
                scanner.skip(":"), let second = scanner.number(maxDigits: 2)
            else { return nil }
            micros = ((hour * 60 + minute) * 60 + second) * 1_000_000
            if scanner.skip(".") {
                var scale: Int64 = 100_000
                var digits = 0
                while let digit = scanner.digit() {
                    micros += digit * scale
                    scale /= 10
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
            if let sign = scanner.sign() {
                guard let offsetHours = scanner.number(maxDigits: 2) else { return nil }
                var offset = offsetHours * 3600
                if scanner.skip(":") {
                    guard let offsetMinutes = scanner.number(maxDigits: 2) else { return nil }
                    offset += offsetMinutes * 60
                    if scanner.skip(":") {
                        guard let offsetSeconds = scanner.number(maxDigits: 2) else { return nil }
                        offset += offsetSeconds
                    }
                }
                micros -= sign * offset * 1_000_000
            }
        }
        if scanner.skip(" BC") { year = 1 - year }
        guard scanner.isAtEnd else { return nil }
        let total = CivilCalendar.days(year: year, month: month, day: day) * microsPerDay + micros
        return Date(timeIntervalSince1970: Double(total) / 1_000_000)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { index == bytes.count }

        mutating func digit() -> Int64? {
            guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else { return nil }
            defer { index += 1 }
            return Int64(bytes[index] - UInt8(ascii: "0"))
        }

        mutating func number(maxDigits: Int = 9) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while count < maxDigits, let digit = digit() {
                value = value * 10 + digit
                count += 1
            }
            return count > 0 ? value : nil
        }

        mutating func skip(_ literal: String) -> Bool {
            let expected = Array(literal.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else { return false }
            index += expected.count
            return true
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
