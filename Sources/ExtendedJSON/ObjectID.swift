import Foundation
import Synchronization

/// A 12-byte document id with MongoDB ObjectId semantics, the same in every document store.
///
/// Bytes 0–3 are the creation time (big-endian seconds since 1970), 4–8 a random value fixed for
/// the process, 9–11 a counter that starts at a random value; the text form is 24 hex digits.
/// Generated in pure Swift, so PostgreSQL-only processes never touch libbson or libmongoc.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Two big-endian words (bytes 0–7, then 8–11): no heap storage, and comparing the words in
    // order is comparing the bytes.
    private let high: UInt64
    private let low: UInt32

    /// The id whose bytes are `high` (big-endian, bytes 0–7) followed by `low` (bytes 8–11).
    public init(high: UInt64, low: UInt32) {
        self.high = high
        self.low = low
    }

    /// A fresh id stamped with the current time.
    public init() {
        self.init(timestamp: Date())
    }

    /// A fresh id stamped with `timestamp` (whole seconds; the random and counter parts as for `init()`).
    public init(timestamp: Date) {
        let seconds = UInt32(truncatingIfNeeded: Int64(timestamp.timeIntervalSince1970.rounded(.down)))
        self = ObjectIDGenerator.next(seconds: seconds)
    }

    /// Parses 24 hexadecimal digits (either case); the error says what is wrong with `hex`.
    public init(parsing hex: String) throws(ObjectIDError) {
        // Every stored id passes through here (the evaluator's join parses three per response), so
        // the digits are read from contiguous bytes rather than through the UTF-8 view's iterator.
        let parsed = hex.utf8.withContiguousStorageIfAvailable { Self.parse($0, text: hex) }
            ?? Array(hex.utf8).withUnsafeBufferPointer { Self.parse($0, text: hex) }
        self = try parsed.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, text: String) -> Result<ObjectID, ObjectIDError> {
        guard bytes.count == 24 else { return .failure(ObjectIDError(text: text, problem: .length(bytes.count))) }
        var high: UInt64 = 0
        var low: UInt32 = 0
        for offset in 0..<24 {
            guard let nibble = nibble(bytes[offset]) else { return .failure(ObjectIDError(text: text, problem: .notHex(offset: offset))) }
            if offset < 16 {
                high = high << 4 | UInt64(nibble)
            } else {
                low = low << 4 | UInt32(nibble)
            }
        }
        return .success(ObjectID(high: high, low: low))
    }

    /// Parses 24 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        guard let id = try? ObjectID(parsing: hex) else { return nil }
        self = id
    }

    /// Wraps 12 raw bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 12 else { return nil }
        self.init(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: bytes[8..<12].reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// The 12 raw bytes, timestamp first.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
            + (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * UInt32($0))) }
    }

    /// 24 lowercase hexadecimal digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 24) { buffer in
            for index in 0..<24 {
                let nibble = index < 16 ? UInt8(truncatingIfNeeded: high >> (60 - 4 * UInt64(index))) & 0x0f
                    : UInt8(truncatingIfNeeded: low >> (92 - 4 * UInt32(index))) & 0x0f
                buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 24
        }
    }

    /// Seconds since 1970 stored in the first four bytes.
    public var timestampSeconds: Int { Int(high >> 32) }

    /// The creation time embedded in the id (second precision).
    public var timestamp: Date { Date(timeIntervalSince1970: TimeInterval(timestampSeconds)) }

    /// The hexadecimal form.
    public var description: String { hex }

    /// Byte order, which is creation order to the second.
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
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

/// Why a text is not an ObjectId.
public struct ObjectIDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the text.
    public enum Problem: Sendable, Equatable {
        /// It had this many bytes instead of 24.
        case length(Int)
        /// The byte at this offset is not a hexadecimal digit.
        case notHex(offset: Int)
    }

    /// The text that failed to parse.
    public var text: String
    /// What is wrong with it.
    public var problem: Problem

    public init(text: String, problem: Problem) {
        self.text = text
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case let .length(count):
            "'\(text)' is not an ObjectId (24 hexadecimal digits): it is \(count) bytes long"
        case let .notHex(offset):
            "'\(text)' is not an ObjectId (24 hexadecimal digits): byte \(offset + 1) is not 0-9, a-f or A-F"
        }
    }
}

/// The per-process parts of fresh ids, as MongoDB drivers make them.
private enum ObjectIDGenerator {
    /// Five random bytes chosen once per process (MongoDB's "process unique" value).
    static let processUnique = UInt64.random(in: 0..<(1 << 40))
    /// The next 3-byte counter value; it starts at a random value so restarts do not reuse ids.
    static let counter = Atomic<UInt32>(UInt32.random(in: 0..<(1 << 24)))

    static func next(seconds: UInt32) -> ObjectID {
        let count = counter.wrappingAdd(1, ordering: .relaxed).oldValue & 0xff_ffff
        return ObjectID(high: UInt64(seconds) << 32 | processUnique >> 8,
                        low: UInt32(truncatingIfNeeded: processUnique & 0xff) << 24 | count)
    }
}
