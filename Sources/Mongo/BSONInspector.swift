internal import CMongoC
import JSON

/// Shows how JSON objects are stored as BSON: type names per key path, raw bytes, round trips.
/// Meant for tests and debugging; production code only needs JSONObject.
public enum BSONInspector {
    /// BSON type name ("objectId", "date", "int32", "int64", "double", "string", "bool",
    /// "document", "array", "null", "decimal128", "binary", ...) for every dotted key path
    /// (`a`, `a.b`, `list.0`).
    public static func types(of object: JSONObject) throws(MongoError) -> [String: String] {
        try BSONEncoder.withBSON(object) { (doc) throws(MongoError) -> [String: String] in try types(ofDocument: doc) }
    }

    /// `types(of:)` for a libbson document (one a cursor returned, say).
    static func types(ofDocument doc: OpaquePointer) throws(MongoError) -> [String: String] {
        try withTemporaryIterator { (iter) throws(MongoError) -> [String: String] in
            guard bson_iter_init(iter, doc) else { throw .invalidDocument("corrupt BSON document") }
            var types: [String: String] = [:]
            try collectTypes(iter, prefix: "", into: &types)
            return types
        }
    }

    /// The BSON encoding of `object`.
    public static func bytes(of object: JSONObject) throws(MongoError) -> [UInt8] {
        try BSONEncoder.withBSON(object) { (doc) throws(MongoError) -> [UInt8] in copyBytes(doc) }
    }

    /// libbson's own encoding of an Extended JSON text (canonical or relaxed), for comparisons.
    public static func bytes(fromExtendedJSON text: String) throws(MongoError) -> [UInt8] {
        try withTemporaryBSON { (doc) throws(MongoError) -> [UInt8] in
            var error = bson_error_t()
            guard text.withCString({ bson_init_from_json(doc, $0, text.utf8.count, &error) }) else {
                throw .invalidDocument("libbson rejected the Extended JSON: \(MongoError(error).message)")
            }
            return copyBytes(doc)
        }
    }

    /// Decodes one BSON document.
    public static func object(fromBytes bytes: [UInt8]) throws(MongoError) -> JSONObject {
        try BSONDecoder.decode(bytes: bytes)
    }

    /// Encodes `object` to BSON and decodes it again.
    public static func roundTrip(_ object: JSONObject) throws(MongoError) -> JSONObject {
        try BSONEncoder.withBSON(object) { (doc) throws(MongoError) -> JSONObject in try BSONDecoder.decode(doc) }
    }

    /// libbson's canonical Extended JSON rendering of `object`'s BSON.
    public static func canonicalExtendedJSON(of object: JSONObject) throws(MongoError) -> String {
        try BSONEncoder.withBSON(object) { (doc) throws(MongoError) -> String in
            var length = 0
            guard let text = bson_as_canonical_extended_json(doc, &length) else {
                throw .invalidDocument("libbson could not render the document as Extended JSON")
            }
            defer { bson_free(text) }
            return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
        }
    }

    /// The type name used by `types(of:)` for a libbson type tag.
    static func name(of type: bson_type_t) -> String {
        switch type {
        case BSON_TYPE_DOUBLE: "double"
        case BSON_TYPE_UTF8: "string"
        case BSON_TYPE_DOCUMENT: "document"
        case BSON_TYPE_ARRAY: "array"
        case BSON_TYPE_BINARY: "binary"
        case BSON_TYPE_UNDEFINED: "undefined"
        case BSON_TYPE_OID: "objectId"
        case BSON_TYPE_BOOL: "bool"
        case BSON_TYPE_DATE_TIME: "date"
        case BSON_TYPE_NULL: "null"
        case BSON_TYPE_REGEX: "regex"
        case BSON_TYPE_DBPOINTER: "dbPointer"
        case BSON_TYPE_CODE: "javascript"
        case BSON_TYPE_SYMBOL: "symbol"
        case BSON_TYPE_CODEWSCOPE: "javascriptWithScope"
        case BSON_TYPE_INT32: "int32"
        case BSON_TYPE_TIMESTAMP: "timestamp"
        case BSON_TYPE_INT64: "int64"
        case BSON_TYPE_DECIMAL128: "decimal128"
        case BSON_TYPE_MINKEY: "minKey"
        case BSON_TYPE_MAXKEY: "maxKey"
        default: "unknown(\(type.rawValue))"
        }
    }

    private static func collectTypes(_ iter: OpaquePointer, prefix: String, into types: inout [String: String]) throws(MongoError) {
        while bson_iter_next(iter) {
            let path = prefix + String(cString: bson_iter_key(iter))
            let type = bson_iter_type(iter)
            types[path] = name(of: type)
            guard type == BSON_TYPE_DOCUMENT || type == BSON_TYPE_ARRAY else { continue }
            try withTemporaryIterator { (child) throws(MongoError) in
                guard bson_iter_recurse(iter, child) else { throw .invalidDocument("corrupt embedded value at '\(path)'") }
                try collectTypes(child, prefix: path + ".", into: &types)
            }
        }
    }

    /// The bytes of a document; its first four bytes hold the total length (little-endian).
    private static func copyBytes(_ doc: OpaquePointer) -> [UInt8] {
        guard let data = bson_get_data(doc) else { return [] }
        let length = Int(data[0]) | Int(data[1]) << 8 | Int(data[2]) << 16 | Int(data[3]) << 24
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
