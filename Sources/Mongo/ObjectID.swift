internal import CMongoC
import Foundation

/// A 12-byte MongoDB ObjectId.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw bytes, big-endian timestamp first.
    public let bytes: [UInt8]

    /// A fresh id from libbson's generator (timestamp, per-process random, counter).
    public init() {
        MongoRuntime.ensureInitialized()
        var oid = bson_oid_t()
        bson_oid_init(&oid, nil)
        self.bytes = withUnsafeBytes(of: oid.bytes) { Array($0) }
    }

    /// Parses 24 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 24 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        var index = 0
        while index < 24 {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    /// Wraps 12 raw bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    init(_ oid: bson_oid_t) {
        self.bytes = withUnsafeBytes(of: oid.bytes) { Array($0) }
    }

    /// 24 lowercase hexadecimal digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Seconds since 1970 stored in the first four bytes.
    public var timestampSeconds: Int {
        bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
    }

    /// The creation time embedded in the id (second precision).
    public var timestamp: Date { Date(timeIntervalSince1970: TimeInterval(timestampSeconds)) }

    /// The hexadecimal form.
    public var description: String { hex }

    /// Byte order, which is creation order to the second.
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    var oid: bson_oid_t {
        var oid = bson_oid_t()
        withUnsafeMutableBytes(of: &oid.bytes) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        return oid
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
