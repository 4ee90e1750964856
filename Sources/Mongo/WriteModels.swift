import JSON

/// Counts reported by an update or replace.
public struct UpdateResult: Sendable, Equatable {
    /// Documents the filter matched.
    public var matchedCount: Int
    /// Documents actually changed.
    public var modifiedCount: Int
    /// 1 when an upsert inserted a document.
    public var upsertedCount: Int
    /// The `_id` of the inserted document when the upsert inserted one.
    public var upsertedID: JSONValue?

    /// Counts as reported by the server.
    public init(matchedCount: Int, modifiedCount: Int, upsertedCount: Int, upsertedID: JSONValue?) {
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.upsertedCount = upsertedCount
        self.upsertedID = upsertedID
    }
}

/// One operation of a bulk write.
public enum WriteModel: Sendable {
    /// Inserts a document; an `_id` (ObjectId) is added first when missing.
    case insertOne(JSONObject)
    case updateOne(filter: JSONObject, update: JSONObject, upsert: Bool = false)
    case updateMany(filter: JSONObject, update: JSONObject, upsert: Bool = false)
    case replaceOne(filter: JSONObject, replacement: JSONObject, upsert: Bool = false)
    case deleteOne(filter: JSONObject)
    case deleteMany(filter: JSONObject)
}

/// Counts reported by a bulk write.
public struct BulkWriteResult: Sendable, Equatable {
    /// Documents inserted.
    public var insertedCount: Int
    /// Documents matched by updates and replacements.
    public var matchedCount: Int
    /// Documents changed by updates and replacements.
    public var modifiedCount: Int
    /// Documents deleted.
    public var deletedCount: Int
    /// Documents inserted by upserts.
    public var upsertedCount: Int
    /// `_id`s of inserted documents, by operation index.
    public var insertedIDs: [Int: JSONValue]
    /// `_id`s of upserted documents, by operation index.
    public var upsertedIDs: [Int: JSONValue]

    /// Counts as reported by the server.
    public init(
        insertedCount: Int = 0, matchedCount: Int = 0, modifiedCount: Int = 0, deletedCount: Int = 0,
        upsertedCount: Int = 0, insertedIDs: [Int: JSONValue] = [:], upsertedIDs: [Int: JSONValue] = [:]
    ) {
        self.insertedCount = insertedCount
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.deletedCount = deletedCount
        self.upsertedCount = upsertedCount
        self.insertedIDs = insertedIDs
        self.upsertedIDs = upsertedIDs
    }
}

/// An index to create: key pattern (`["task_id": 1, "done": -1]`) plus options.
public struct IndexModel: Sendable, Equatable {
    /// Field → 1 / -1 / "text" / "hashed", in order.
    public var keys: JSONObject
    /// Defaults to the drivers' convention, e.g. `task_id_1_done_-1`.
    public var name: String?
    /// Rejects documents that repeat a key value.
    public var unique: Bool
    /// Further index options passed through, e.g. `["expireAfterSeconds": 3600]`.
    public var options: JSONObject

    /// An index on `keys`.
    public init(keys: JSONObject, name: String? = nil, unique: Bool = false, options: JSONObject = [:]) {
        self.keys = keys
        self.name = name
        self.unique = unique
        self.options = options
    }

    /// The name the index gets: the given one or `<key>_<value>` pairs joined by `_`.
    public var resolvedName: String {
        if let name { return name }
        return keys.map { key, value in
            let direction = switch value {
            case let .string(s): s
            case let .double(d) where d.rounded() == d: String(Int(d))
            default: value.serialized()
            }
            return "\(key)_\(direction)"
        }.joined(separator: "_")
    }

    var specification: JSONObject {
        var spec: JSONObject = ["key": .object(keys), "name": .string(resolvedName)]
        if unique { spec["unique"] = true }
        for (key, value) in options { spec[key] = value }
        return spec
    }
}
