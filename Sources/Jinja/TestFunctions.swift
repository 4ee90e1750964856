import Python

/// Jinja2's built-in tests (`x is defined`, `x is none`, ...).
enum TestFunctions {
    static let implemented: Set<String> = [
        "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto",
        "escaped", "even", "false", "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le",
        "lessthan", "lower", "lt", "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string",
        "true", "undefined", "upper",
    ]

    static func validate(_ name: String, line: Int) throws(JinjaSyntaxError) {
        if implemented.contains(name) { return }
        if name == "filter" || name == "test" {
            throw JinjaSyntaxError(message: "the '\(name)' test is not supported", line: line, kind: .unsupported)
        }
        throw JinjaSyntaxError(message: "No test named '\(name)'.", line: line)
    }

    static func apply(_ name: String, _ value: Value, _ args: CallArgs) throws(RenderFailure) -> Bool {
        var args = args
        args.function = name
        func other() throws(RenderFailure) -> Value { try args.one("other") }
        switch name {
        case "defined":
            _ = try args.bind([])
            return !value.isUndefined
        case "undefined":
            _ = try args.bind([])
            return value.isUndefined
        case "none":
            if case .none = value { return true }
            return false
        case "boolean":
            if case .bool = value { return true }
            return false
        case "true":
            if case .bool(true) = value { return true }
            return false
        case "false":
            if case .bool(false) = value { return true }
            return false
        case "integer":
            if case .int = value { return true }
            return false
        case "float":
            if case .double = value { return true }
            return false
        case "number":
            return PyOps.Number(value) != nil
        case "string":
            if case .string = value { return true }
            return false
        case "mapping":
            if case .dict = value { return true }
            return false
        case "iterable":
            switch value {
            case .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "callable":
            if case .function = value { return true }
            return false
        case "escaped":
            return false
        case "sameas":
            // Python identity: true for the same singletons and equal small values, a fair approximation.
            let rhs = try other()
            switch (value, rhs) {
            case (.none, .none): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.int(a), .int(b)): return a == b && (-5...256).contains(a)
            case let (.string(a), .string(b)): return PyText.equal(a, b)
            default: return false
            }
        case "odd", "even":
            _ = try args.bind([])
            let n = try PyOps.binary(.mod, value, .int(2))
            return PyOps.equal(n, .int(name == "odd" ? 1 : 0))
        case "divisibleby":
            let n = try args.one("num")
            return PyOps.equal(try PyOps.binary(.mod, value, n), .int(0))
        case "eq", "equalto", "==": return try PyOps.compare(.eq, value, try other())
        case "ne", "!=": return try PyOps.compare(.ne, value, try other())
        case "lt", "lessthan", "<": return try PyOps.compare(.lt, value, try other())
        case "le", "<=": return try PyOps.compare(.le, value, try other())
        case "gt", "greaterthan", ">": return try PyOps.compare(.gt, value, try other())
        case "ge", ">=": return try PyOps.compare(.ge, value, try other())
        case "in": return try PyOps.contains(try args.one("seq"), value)
        case "lower", "upper":
            let text = try PythonRepr.str(value)
            return PyText.isCase(text, upper: name == "upper")
        default:
            throw .unsupported("the '\(name)' test is not supported")
        }
    }
}
