internal import CMongoC
import ExtendedJSON
import JSON

/// Reads libbson documents into JSON objects, writing BSON-only types as Extended JSON (relaxed).
enum BSONDecoder {
    static func decode(_ doc: OpaquePointer) throws(MongoError) -> JSONObject {
        try withTemporaryIterator { (iter) throws(MongoError) -> JSONObject in
            guard bson_iter_init(iter, doc) else { throw .invalidDocument("corrupt BSON document") }
            return try readObject(iter)
        }
    }

    /// Decodes raw BSON bytes (one whole document).
    static func decode(bytes: [UInt8]) throws(MongoError) -> JSONObject {
        let result: Result<JSONObject, MongoError> = bytes.withUnsafeBufferPointer { buffer in
            withUnsafeTemporaryAllocation(byteCount: bsonStorageSize, alignment: bsonAlignment) { raw in
                let doc = OpaquePointer(raw.baseAddress.unsafelyUnwrapped)
                guard let base = buffer.baseAddress, bson_init_static(doc, base, buffer.count) else {
                    return .failure(.invalidDocument("not a BSON document (\(bytes.count) bytes)"))
                }
                defer { bson_destroy(doc) }
                var offset = 0
                guard bson_validate(doc, BSON_VALIDATE_NONE, &offset) else {
                    return .failure(.invalidDocument("corrupt BSON document at byte \(offset)"))
                }
                return Result { () throws(MongoError) -> JSONObject in try decode(doc) }
            }
        }
        return try result.get()
    }

    private static func readObject(_ iter: OpaquePointer) throws(MongoError) -> JSONObject {
        var object = JSONObject()
        while bson_iter_next(iter) {
            let key = String(cString: bson_iter_key(iter))
            object[key] = try readValue(iter)
        }
        return object
    }

    private static func readArray(_ iter: OpaquePointer) throws(MongoError) -> [JSONValue] {
        var values: [JSONValue] = []
        while bson_iter_next(iter) {
            values.append(try readValue(iter))
        }
        return values
    }

    private static func readValue(_ iter: OpaquePointer) throws(MongoError) -> JSONValue {
        switch bson_iter_type(iter) {
        case BSON_TYPE_NULL:
            return .null
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iter))
        case BSON_TYPE_INT32:
            return .int(Int(bson_iter_int32(iter)))
        case BSON_TYPE_INT64:
            return .int(Int(bson_iter_int64(iter)))
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iter))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let chars = bson_iter_utf8(iter, &length) else { return .string("") }
            return .string(String(decoding: UnsafeRawBufferPointer(start: chars, count: Int(length)), as: UTF8.self))
        case BSON_TYPE_OID:
            guard let oid = bson_iter_oid(iter) else { throw .invalidDocument("unreadable ObjectId") }
            return .objectID(ObjectID(oid.pointee))
        case BSON_TYPE_DATE_TIME:
            return .date(millisecondsSince1970: bson_iter_date_time(iter))
        case BSON_TYPE_DOCUMENT:
            return try withTemporaryIterator { (child) throws(MongoError) -> JSONValue in
                guard bson_iter_recurse(iter, child) else { throw .invalidDocument("corrupt embedded document") }
                return .object(try readObject(child))
            }
        case BSON_TYPE_ARRAY:
            return try withTemporaryIterator { (child) throws(MongoError) -> JSONValue in
                guard bson_iter_recurse(iter, child) else { throw .invalidDocument("corrupt embedded array") }
                return .array(try readArray(child))
            }
        default:
            return try relaxedExtendedJSON(iter)
        }
    }

    /// Decimal128, binary, regex, timestamp and the rest: libbson's relaxed Extended JSON for the value.
    private static func relaxedExtendedJSON(_ iter: OpaquePointer) throws(MongoError) -> JSONValue {
        try withTemporaryBSON { (single) throws(MongoError) -> JSONValue in
            guard bson_append_iter(single, "v", 1, iter) else { throw .invalidDocument("could not copy a BSON value") }
            var length = 0
            guard let text = bson_as_relaxed_extended_json(single, &length) else {
                throw .invalidDocument("libbson could not render a BSON value as Extended JSON")
            }
            defer { bson_free(text) }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: length)
            do {
                return try JSONValue.parse(bytes)["v"] ?? .null
            } catch {
                throw .invalidDocument("libbson's Extended JSON did not parse: \(error)")
            }
        }
    }
}
