import Python

extension Value: PythonRepresentable {
    /// Template values as the Python objects Jinja2 holds; undefined values and functions print as their repr.
    var pythonShape: PythonShape<Value> {
        switch self {
        case .undefined: .opaque(repr: "Undefined")
        case .none: .none
        case let .bool(b): .bool(b)
        case let .int(i): .int(i)
        case let .double(d): .float(d)
        case let .string(s): .str(s)
        case let .list(items): .list(items)
        case let .tuple(items): .tuple(items)
        case let .dict(dict): .dict(dict.pairs.map { (key: $0.0, value: $0.1) })
        case let .function(function):
            switch function {
            case let .method(receiver, name): .opaque(repr: "<built-in method \(name) of \(receiver.typeName) object>")
            case let .global(name): .opaque(repr: "<function \(name)>")
            case .loopCycle: .opaque(repr: "<bound method LoopContext.cycle>")
            }
        }
    }
}

/// `str()` / `repr()` of runtime values, with StrictUndefined's rule for printing.
enum PythonRepr {
    /// Python `str(value)`; StrictUndefined raises when printed, Jinja2's lenient `Undefined` prints "".
    static func str(_ value: Value) throws(RenderFailure) -> String {
        switch value {
        case let .string(s): return s
        case let .undefined(u):
            if u.lenient { return "" }
            throw RenderFailure.undefined(u)
        default: return PythonValue.repr(value)
        }
    }

    static func repr(_ value: Value) -> String { PythonValue.repr(value) }
}
