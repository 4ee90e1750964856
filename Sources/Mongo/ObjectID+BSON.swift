internal import CMongoC
import ExtendedJSON

// The store-neutral ObjectID crosses into libbson only here, so no bson_oid_t leaves this module.
extension ObjectID {
    init(_ oid: bson_oid_t) {
        self = withUnsafeBytes(of: oid.bytes) { raw in
            ObjectID(high: raw.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }, low: raw.dropFirst(8).reduce(0) { $0 << 8 | UInt32($1) })
        }
    }

    var oid: bson_oid_t {
        var oid = bson_oid_t()
        let bytes = self.bytes
        withUnsafeMutableBytes(of: &oid.bytes) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        return oid
    }
}
