import JSON

/// A Python object as a template sees it while rendering.
enum Value: Sendable {
    /// Jinja's StrictUndefined: fine to test with `is defined` or `default`, an error to use.
    case undefined(Undefined)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case dict(PyDict)
    indirect case function(Function)

    init(_ json: JSONValue) {
        switch json {
        case .null: self = .none
        case let .bool(b): self = .bool(b)
        case let .int(i): self = .int(i)
        case let .double(d): self = .double(d)
        case let .string(s): self = .string(s)
        case let .array(items): self = .list(items.map(Value.init))
        case let .object(object):
            var dict = PyDict()
            for (key, value) in object { dict.set(.string(key), Value(value)) }
            self = .dict(dict)
        }
    }

    /// The Python type name, as Python's error messages spell it.
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .function: "builtin_function_or_method"
        }
    }

    var isUndefined: Bool { if case .undefined = self { true } else { false } }
}

/// Why a value is undefined; the message StrictUndefined raises when it is used.
struct Undefined: Sendable {
    var message: String
    /// Jinja2's plain `Undefined` (the implicit else of `a if b`): prints as "", is falsy and empty.
    var lenient = false

    static func name(_ name: String) -> Undefined { Undefined(message: "'\(name)' is undefined") }

    static func attribute(_ attribute: String, of object: Value) -> Undefined {
        Undefined(message: "'\(object.typeName) object' has no attribute '\(attribute)'")
    }

    static func item(_ item: Value, of object: Value) -> Undefined {
        Undefined(message: "'\(object.typeName) object' has no element \(PythonRepr.repr(item))")
    }
}

/// Something callable: a bound method, a global function, or `loop.cycle`.
enum Function: Sendable {
    case method(receiver: Value, name: String)
    case global(String)
    case loopCycle(index0: Int)
}

/// A Python dict: insertion-ordered, keys compared with Python equality (1 == 1.0 == True).
struct PyDict: Sendable {
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []
    private var index: [HashKey: Int] = [:]

    init() {}

    var count: Int { keys.count }

    subscript(key: Value) -> Value? {
        guard let hashKey = HashKey(key), let position = index[hashKey] else { return nil }
        return values[position]
    }

    /// Inserts or replaces; unhashable keys (lists, dicts) are a Python TypeError.
    mutating func set(_ key: Value, _ value: Value) {
        guard let hashKey = HashKey(key) else { return }
        if let position = index[hashKey] {
            values[position] = value
        } else {
            index[hashKey] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    static func isHashable(_ key: Value) -> Bool { HashKey(key) != nil }

    var pairs: Zip2Sequence<[Value], [Value]> { zip(keys, values) }
}

/// A hashable dict key with Python's equality.
struct HashKey: Hashable, Sendable {
    let value: Value

    init?(_ value: Value) {
        switch value {
        case .none, .bool, .int, .double, .string: self.value = value
        case let .tuple(items):
            guard items.allSatisfy({ HashKey($0) != nil }) else { return nil }
            self.value = value
        default: return nil
        }
    }

    static func == (lhs: HashKey, rhs: HashKey) -> Bool { PyOps.equal(lhs.value, rhs.value) }

    func hash(into hasher: inout Hasher) { HashKey.combine(value, into: &hasher) }

    private static func combine(_ value: Value, into hasher: inout Hasher) {
        switch value {
        case .none: hasher.combine(0)
        case let .bool(b): hasher.combine(Double(b ? 1 : 0))
        case let .int(i): hasher.combine(Double(i))
        case let .double(d): hasher.combine(d)
        case let .string(s): hasher.combine(s)
        case let .tuple(items):
            hasher.combine(items.count)
            for item in items { combine(item, into: &hasher) }
        default: hasher.combine(-1)
        }
    }
}
