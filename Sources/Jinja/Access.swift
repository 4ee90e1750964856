import Python

/// Jinja2's `environment.getattr` / `getitem` and Python slicing.
enum Access {
    static let strMethods: Set<String> = [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
        "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
        "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
        "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ]
    static let listMethods: Set<String> = [
        "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort",
    ]
    static let tupleMethods: Set<String> = ["count", "index"]
    static let dictMethods: Set<String> = [
        "clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values",
    ]

    /// Python `getattr(obj, name)` for the attributes templates can reach, or nil (AttributeError).
    static func pythonAttribute(_ object: Value, _ name: String) -> Value? {
        let methods: Set<String>
        switch object {
        case .string: methods = strMethods
        case .list: methods = listMethods
        case .tuple: methods = tupleMethods
        case .dict: methods = dictMethods
        default: return nil
        }
        return methods.contains(name) ? .function(.method(receiver: object, name: name)) : nil
    }

    /// `obj.name`: the Python attribute first, then the item `obj['name']`.
    static func attribute(_ object: Value, _ name: String) throws(RenderFailure) -> Value {
        if case let .undefined(u) = object { throw .undefined(u) }
        if let attribute = pythonAttribute(object, name) { return attribute }
        if case let .dict(dict) = object, let value = dict[.string(name)] { return value }
        return .undefined(.attribute(name, of: object))
    }

    /// `obj[key]`: the item first, then (for a string key) the Python attribute.
    static func item(_ object: Value, _ key: Value) throws(RenderFailure) -> Value {
        if case let .undefined(u) = object { throw .undefined(u) }
        switch object {
        case let .dict(dict):
            if let value = dict[key] { return value }
        case let .list(items), let .tuple(items):
            if let index = index(key, count: items.count) { return items[index] }
        case let .string(s):
            if let i = PyOps.Number(key), case let .int(n) = i {
                let scalars = PyText.scalars(s)
                let k = n < 0 ? n + scalars.count : n
                if k >= 0, k < scalars.count { return .string(String(scalars[k])) }
            }
        default: break
        }
        if case let .string(name) = key, let attribute = pythonAttribute(object, name) { return attribute }
        return .undefined(.item(key, of: object))
    }

    private static func index(_ key: Value, count: Int) -> Int? {
        guard case let .int(n)? = PyOps.Number(key) else { return nil }
        let k = n < 0 ? n + count : n
        return k >= 0 && k < count ? k : nil
    }

    /// `obj[start:stop:step]`; Jinja2 compiles slices to plain Python, so errors are not swallowed.
    static func slice(_ object: Value, start: Value?, stop: Value?, step: Value?) throws(RenderFailure) -> Value {
        if case let .undefined(u) = object { throw .undefined(u) }
        func bound(_ value: Value?) throws(RenderFailure) -> Int? {
            guard let value else { return nil }
            switch value {
            case .none: return nil
            case let .int(i): return i
            case let .bool(b): return b ? 1 : 0
            default: throw .typeError("slice indices must be integers or None or have an __index__ method")
            }
        }
        let (a, b, c) = (try bound(start), try bound(stop), try bound(step))
        switch object {
        case let .string(s):
            return .string(PyText.string(try sliced(PyText.scalars(s), a, b, c)))
        case let .list(items): return .list(try sliced(items, a, b, c))
        case let .tuple(items): return .tuple(try sliced(items, a, b, c))
        case .dict: throw .typeError("unhashable type: 'slice'")
        default: throw .typeError("'\(object.typeName)' object is not subscriptable")
        }
    }

    /// Python's `slice.indices()` walk.
    static func sliced<T>(_ items: [T], _ start: Int?, _ stop: Int?, _ step: Int?) throws(RenderFailure) -> [T] {
        let step = step ?? 1
        guard step != 0 else { throw .valueError("slice step cannot be zero") }
        let count = items.count
        let lower = step > 0 ? 0 : -1
        let upper = step > 0 ? count : count - 1
        func clamp(_ value: Int?, default fallback: Int) -> Int {
            guard var v = value else { return fallback }
            if v < 0 {
                v += count
                return max(v, lower)
            }
            return min(v, upper)
        }
        let from = clamp(start, default: step > 0 ? lower : upper)
        let to = clamp(stop, default: step > 0 ? upper : lower)
        if step == 1 { return from < to ? Array(items[from..<to]) : [] }
        var result: [T] = []
        var k = from
        while step > 0 ? k < to : k > to {
            result.append(items[k])
            // A step near Int's bounds passes `to` in one move; Python's unbounded ints cannot overflow.
            let (next, overflow) = k.addingReportingOverflow(step)
            if overflow { break }
            k = next
        }
        return result
    }

    /// Python `iter(value)` materialised: list items, string characters, dict keys.
    static func iterate(_ value: Value) throws(RenderFailure) -> [Value] {
        switch value {
        case let .undefined(u):
            if u.lenient { return [] }
            throw .undefined(u)
        case let .list(items), let .tuple(items): return items
        case let .string(s): return s.unicodeScalars.map { .string(String($0)) }
        case let .dict(dict): return dict.keys
        default: throw .typeError("'\(value.typeName)' object is not iterable")
        }
    }

    /// Python `len(value)`.
    static func length(_ value: Value) throws(RenderFailure) -> Int {
        switch value {
        case let .undefined(u):
            if u.lenient { return 0 }
            throw .undefined(u)
        case let .string(s): return PyText.length(s)
        case let .list(items), let .tuple(items): return items.count
        case let .dict(dict): return dict.count
        default: throw .typeError("object of type '\(value.typeName)' has no len()")
        }
    }
}
