/// Evaluated call arguments, matched to parameter names the way Python binds them.
struct CallArgs: Sendable {
    var positional: [Value] = []
    var keyword: [(name: String, value: Value)] = []
    /// Used in error messages, e.g. "str.split" or "filter join".
    var function: String = ""

    /// Checks the call against a signature: `parameters` in order, the first `required` mandatory.
    func bind(_ parameters: [String], required: Int = 0) throws(RenderFailure) -> [Value?] {
        guard positional.count <= parameters.count else {
            throw .typeError("\(function)() takes at most \(parameters.count) arguments (\(positional.count) given)")
        }
        var bound: [Value?] = positional.map { $0 } + Array(repeating: nil, count: parameters.count - positional.count)
        for (name, value) in keyword {
            guard let index = parameters.firstIndex(of: name) else {
                throw .typeError("\(function)() got an unexpected keyword argument '\(name)'")
            }
            guard bound[index] == nil else { throw .typeError("\(function)() got multiple values for argument '\(name)'") }
            bound[index] = value
        }
        for index in 0..<required where bound[index] == nil {
            throw .typeError("\(function)() missing required argument '\(parameters[index])'")
        }
        return bound
    }

    /// `None` is treated like an omitted optional argument, as Python's `sep=None` etc.
    static func optional(_ value: Value?) -> Value? {
        if case .none? = value { return nil }
        return value
    }
}

extension Value {
    /// The string, or a TypeError naming what the function needed.
    func requireString(_ what: String) throws(RenderFailure) -> String {
        switch self {
        case let .string(s): return s
        case let .undefined(u): throw .undefined(u)
        default: throw .typeError("\(what) must be str, not \(typeName)")
        }
    }

    /// The integer (bools count), or a TypeError.
    func requireInt(_ what: String) throws(RenderFailure) -> Int {
        switch self {
        case let .int(i): return i
        case let .bool(b): return b ? 1 : 0
        case let .undefined(u): throw .undefined(u)
        default: throw .typeError("\(what) must be an integer, not \(typeName)")
        }
    }
}

extension CallArgs {
    /// The single mandatory argument of a one-parameter function.
    func one(_ parameter: String) throws(RenderFailure) -> Value {
        try bind([parameter], required: 1)[0] ?? .none
    }
}
