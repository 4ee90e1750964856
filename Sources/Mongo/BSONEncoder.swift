internal import CMongoC
import ExtendedJSON
import JSON

// BSON types without a JSON equivalent travel inside JSONValue in MongoDB Extended JSON v2
// (relaxed) shapes, so other modules build and read documents without touching BSON:
//   ObjectId  ⇄ {"$oid": "<24 hex>"}      (module ExtendedJSON: ObjectID, JSONValue.objectID)
//   datetime  ⇄ {"$date": "<ISO-8601>"}   (module ExtendedJSON: JSONValue.date, ExtendedJSONDate)
//   .int      → int32 when it fits, else int64; both read back as .int
//   .double   ⇄ double (NaN, ±infinity and -0.0 included)
// Written from these exact single-key shapes (parsed by libbson): $numberLong, $numberInt,
// $numberDouble, $numberDecimal, $binary, $timestamp, $regularExpression, $minKey, $maxKey,
// $symbol, $code, $undefined, $dbPointer. Read back: Decimal128, binary, regex, timestamp and the
// other rare types come out in libbson's relaxed Extended JSON form (best effort; libbson turns
// a malformed $numberDecimal string into NaN rather than failing). Any other object whose keys
// start with "$" (query and update operators) stays an ordinary document.

/// Writes JSON objects into libbson documents, turning Extended JSON wrappers into BSON types.
enum BSONEncoder {
    /// Encodes `object` into a temporary `bson_t` that lives only for the duration of `body`.
    static func withBSON<R>(_ object: JSONObject, _ body: (OpaquePointer) throws(MongoError) -> R) throws(MongoError) -> R {
        try withTemporaryBSON { (doc) throws(MongoError) -> R in
            try append(object, to: doc, path: "")
            return try body(doc)
        }
    }

    /// Appends every member of `object` to `doc`; `path` names the position in errors.
    static func append(_ object: JSONObject, to doc: OpaquePointer, path: String) throws(MongoError) {
        for (key, value) in object {
            try append(value, key: key, to: doc, path: path.isEmpty ? key : "\(path).\(key)")
        }
    }

    private static func append(_ value: JSONValue, key: String, to doc: OpaquePointer, path: String) throws(MongoError) {
        guard !key.utf8.contains(0) else {
            throw .invalidDocument("key '\(path)' contains a NUL character, which BSON keys cannot hold")
        }
        let keyLength = Int32(truncatingIfNeeded: key.utf8.count)
        let appended: Bool
        switch value {
        case .null:
            appended = key.withCString { bson_append_null(doc, $0, keyLength) }
        case let .bool(b):
            appended = key.withCString { bson_append_bool(doc, $0, keyLength, b) }
        case let .int(i):
            // Small integers as int32, like pymongo and the Go driver, so other readers see the same types.
            if let small = Int32(exactly: i) {
                appended = key.withCString { bson_append_int32(doc, $0, keyLength, small) }
            } else {
                appended = key.withCString { bson_append_int64(doc, $0, keyLength, Int64(i)) }
            }
        case let .double(d):
            appended = key.withCString { bson_append_double(doc, $0, keyLength, d) }
        case let .string(s):
            let length = s.utf8.count
            guard length < Int32.max else { throw .invalidDocument("string at '\(path)' is too long for BSON") }
            appended = key.withCString { k in s.withCString { bson_append_utf8(doc, k, keyLength, $0, Int32(length)) } }
        case let .array(elements):
            appended = try withCStringTyped(key) { (k) throws(MongoError) -> Bool in
                try appendChild(to: doc, key: k, keyLength: keyLength, array: true) { (child) throws(MongoError) in
                    for (index, element) in elements.enumerated() {
                        try append(element, key: String(index), to: child, path: "\(path).\(index)")
                    }
                }
            }
        case let .object(object):
            if let special = try ExtendedJSONWrapper(object, path: path) {
                appended = try withCStringTyped(key) { (k) throws(MongoError) -> Bool in try special.append(to: doc, key: k, keyLength: keyLength, path: path) }
            } else {
                appended = try withCStringTyped(key) { (k) throws(MongoError) -> Bool in
                    try appendChild(to: doc, key: k, keyLength: keyLength, array: false) { (child) throws(MongoError) in
                        try append(object, to: child, path: path)
                    }
                }
            }
        }
        guard appended else {
            throw .invalidDocument("could not append '\(path)': the document exceeds BSON's size limit")
        }
    }

    private static func appendChild(
        to doc: OpaquePointer, key: UnsafePointer<CChar>, keyLength: Int32, array: Bool,
        _ fill: (OpaquePointer) throws(MongoError) -> Void
    ) throws(MongoError) -> Bool {
        // The child is a view into the parent's buffer until *_end; it is never destroyed separately.
        let result: Result<Bool, MongoError> = withUnsafeTemporaryAllocation(byteCount: bsonStorageSize, alignment: bsonAlignment) { raw in
            let child = OpaquePointer(raw.baseAddress.unsafelyUnwrapped)
            let began = array ? bson_append_array_begin(doc, key, keyLength, child) : bson_append_document_begin(doc, key, keyLength, child)
            guard began else { return .success(false) }
            var failure: MongoError?
            do throws(MongoError) { try fill(child) } catch { failure = error }
            let ended = array ? bson_append_array_end(doc, child) : bson_append_document_end(doc, child)
            if let failure { return .failure(failure) }
            return .success(ended)
        }
        return try result.get()
    }
}

/// A single-member object in one of the Extended JSON shapes that stand for a BSON type.
private enum ExtendedJSONWrapper {
    case objectID(ObjectID)
    case date(Int64)
    /// `$numberLong`, `$numberDecimal`, `$binary`, `$timestamp`, ...: handed to libbson's own parser.
    case libbson(JSONObject)

    // Only these exact shapes are converted; anything else (e.g. `{"$set": ...}`) stays a document.
    private static let libbsonKeys: Set<String> = [
        "$numberLong", "$numberInt", "$numberDouble", "$numberDecimal", "$binary", "$timestamp",
        "$regularExpression", "$minKey", "$maxKey", "$symbol", "$code", "$undefined", "$dbPointer",
    ]

    init?(_ object: JSONObject, path: String) throws(MongoError) {
        guard object.count == 1, let key = object.pairs.first?.key, key.hasPrefix("$") else {
            if object.count == 2, Set(object.keys) == ["$code", "$scope"] {
                self = .libbson(object)
                return
            }
            return nil
        }
        switch key {
        case "$oid":
            guard let id = JSONValue.object(object).objectIDValue else {
                throw .invalidDocument("'\(path)': $oid must be a string of 24 hexadecimal digits")
            }
            self = .objectID(id)
        case "$date":
            guard let ms = JSONValue.object(object).dateMillisecondsSince1970 else {
                throw .invalidDocument("'\(path)': $date must be an ISO-8601 string (e.g. 2024-05-01T12:00:00.000Z) or {\"$numberLong\": \"<ms>\"}")
            }
            self = .date(ms)
        default:
            guard Self.libbsonKeys.contains(key) else { return nil }
            self = .libbson(object)
        }
    }

    func append(to doc: OpaquePointer, key: UnsafePointer<CChar>, keyLength: Int32, path: String) throws(MongoError) -> Bool {
        switch self {
        case let .objectID(id):
            var oid = id.oid
            return bson_append_oid(doc, key, keyLength, &oid)
        case let .date(ms):
            return bson_append_date_time(doc, key, keyLength, ms)
        case let .libbson(object):
            let json = JSONValue.object(["v": .object(object)]).serialized()
            return try withTemporaryBSON { (parsed) throws(MongoError) -> Bool in
                var error = bson_error_t()
                let ok = json.withCString { bson_init_from_json(parsed, $0, json.utf8.count, &error) }
                guard ok else {
                    throw .invalidDocument("'\(path)': invalid Extended JSON \(object.keys.first ?? "") value: \(MongoError(error).message)")
                }
                return try withTemporaryIterator { (iter) throws(MongoError) -> Bool in
                    guard bson_iter_init_find(iter, parsed, "v") else {
                        throw .invalidDocument("'\(path)': libbson did not parse the Extended JSON value")
                    }
                    return bson_append_iter(doc, key, keyLength, iter)
                }
            }
        }
    }
}
