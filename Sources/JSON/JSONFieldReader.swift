/// A field of a JSON document that is missing, of the wrong type, unknown or invalid.
public struct JSONFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case missing
        case wrongType(expected: String, found: String)
        case unknownKey
        case invalid(String)
    }

    /// Dotted path of the offending key, e.g. `worker.max_workers`.
    public var path: String
    public var problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missing: "missing required key '\(path)'"
        case let .wrongType(expected, found): "key '\(path)' must be \(expected), found \(found)"
        case .unknownKey: "unknown key '\(path)'"
        case let .invalid(reason): "key '\(path)': \(reason)"
        }
    }
}

/// Reads typed fields out of a JSON object, remembering which keys were read so that
/// `finish()` can reject the ones nobody asked for.
public struct JSONFieldReader: Sendable {
    public let object: JSONObject
    public let prefix: String
    private var consumed: Set<String> = []

    /// Reads `value`, which must be an object; `path` prefixes key names in errors.
    public init(_ value: JSONValue, path: String = "") throws(JSONFieldError) {
        guard case let .object(object) = value else {
            throw JSONFieldError(path: path.isEmpty ? "(root)" : path, problem: .wrongType(expected: "an object", found: value.typeName))
        }
        self.object = object
        self.prefix = path
    }

    /// The full dotted path of `key`.
    public func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// The raw value of `key` (null counts as absent), marking it read.
    public mutating func value(_ key: String) -> JSONValue? {
        consumed.insert(key)
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    public mutating func string(_ key: String) throws(JSONFieldError) -> String? {
        guard let value = value(key) else { return nil }
        guard case let .string(s) = value else { throw wrongType(key, "a string", value) }
        return s
    }

    public mutating func bool(_ key: String) throws(JSONFieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case let .bool(b) = value else { throw wrongType(key, "a boolean", value) }
        return b
    }

    public mutating func int(_ key: String) throws(JSONFieldError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case let .int(i) = value else { throw wrongType(key, "an integer", value) }
        return i
    }

    public mutating func double(_ key: String) throws(JSONFieldError) -> Double? {
        guard let value = value(key) else { return nil }
        guard let d = value.doubleValue else { throw wrongType(key, "a number", value) }
        return d
    }

    public mutating func array(_ key: String) throws(JSONFieldError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case let .array(a) = value else { throw wrongType(key, "an array", value) }
        return a
    }

    public mutating func objectValue(_ key: String) throws(JSONFieldError) -> JSONObject? {
        guard let value = value(key) else { return nil }
        guard case let .object(o) = value else { throw wrongType(key, "an object", value) }
        return o
    }

    /// A nested reader for the object at `key`, or nil when absent.
    public mutating func nested(_ key: String) throws(JSONFieldError) -> JSONFieldReader? {
        guard let value = value(key) else { return nil }
        return try JSONFieldReader(value, path: path(key))
    }

    /// An array of strings, accepting a single string as a one-element array.
    public mutating func stringList(_ key: String) throws(JSONFieldError) -> [String]? {
        guard let value = value(key) else { return nil }
        switch value {
        case let .string(s): return [s]
        case let .array(elements):
            var strings: [String] = []
            for (i, element) in elements.enumerated() {
                guard case let .string(s) = element else {
                    throw JSONFieldError(path: "\(path(key))[\(i)]", problem: .wrongType(expected: "a string", found: element.typeName))
                }
                strings.append(s)
            }
            return strings
        default: throw wrongType(key, "a string or an array of strings", value)
        }
    }

    /// An array of numbers.
    public mutating func doubleList(_ key: String) throws(JSONFieldError) -> [Double]? {
        guard let elements = try array(key) else { return nil }
        var numbers: [Double] = []
        for (i, element) in elements.enumerated() {
            guard let d = element.doubleValue else {
                throw JSONFieldError(path: "\(path(key))[\(i)]", problem: .wrongType(expected: "a number", found: element.typeName))
            }
            numbers.append(d)
        }
        return numbers
    }

    /// Fails on a missing required value.
    public func require<T>(_ value: T?, _ key: String) throws(JSONFieldError) -> T {
        guard let value else { throw JSONFieldError(path: path(key), problem: .missing) }
        return value
    }

    /// An error about `key` with a reason the caller gives.
    public func invalid(_ key: String, _ reason: String) -> JSONFieldError {
        JSONFieldError(path: path(key), problem: .invalid(reason))
    }

    /// Rejects the first key (in document order) that was never read.
    public func finish() throws(JSONFieldError) {
        if let unknown = object.keys.first(where: { !consumed.contains($0) }) {
            throw JSONFieldError(path: path(unknown), problem: .unknownKey)
        }
    }

    private func wrongType(_ key: String, _ expected: String, _ value: JSONValue) -> JSONFieldError {
        JSONFieldError(path: path(key), problem: .wrongType(expected: expected, found: value.typeName))
    }
}
