import JSON

/// Evaluates a compiled template against one document.
///
/// Recursion follows the AST, whose depth the parser bounds; sizes and iterations are checked
/// against `limits` as values are produced (multiplying operations before they allocate).
struct Renderer {
    private let document: JSONObject
    private let limits: JinjaLimits
    private var loopIterations = 0
    /// Document fields converted on first use, so unused fields cost nothing.
    private var converted: [String: Value] = [:]
    /// Innermost last; `{% set %}` writes to the innermost frame, `{% for %}` pushes one.
    private var scopes: [[String: Value]] = [[:]]
    /// The line of the statement being evaluated, for error messages.
    private(set) var line = 1

    init(document: JSONObject, limits: JinjaLimits = .default) {
        self.document = document
        self.limits = limits
    }

    mutating func render(_ nodes: [Node], into out: inout String) throws(RenderFailure) {
        for node in nodes {
            switch node {
            case let .text(text):
                out += text
                try limits.checkString(bytes: out.utf8.count)
            case let .output(expr, line):
                self.line = line
                let value = try eval(expr)
                try limits.checkPrintable(value)
                out += try PythonRepr.str(value)
                try limits.checkString(bytes: out.utf8.count)
            case let .ifBlock(branches, otherwise, line):
                self.line = line
                var taken = false
                for branch in branches where try PyOps.truthy(try eval(branch.test)) {
                    try render(branch.body, into: &out)
                    taken = true
                    break
                }
                if !taken { try render(otherwise, into: &out) }
            case let .forLoop(loop):
                try renderLoop(loop, into: &out)
            case let .set(target, value, line):
                self.line = line
                try assign(target, try eval(value))
            case let .setBlock(name, body, line):
                self.line = line
                var captured = ""
                try render(body, into: &captured)
                scopes[scopes.count - 1][name] = .string(captured)
            }
        }
    }

    private mutating func renderLoop(_ loop: ForLoop, into out: inout String) throws(RenderFailure) {
        line = loop.line
        var items = try Access.iterate(try eval(loop.iterable))
        scopes.append([:])
        defer { scopes.removeLast() }
        if let filter = loop.filter {
            var kept: [Value] = []
            for item in items {
                scopes[scopes.count - 1] = [:]
                try assign(loop.target, item)
                if try PyOps.truthy(try eval(filter)) { kept.append(item) }
            }
            items = kept
        }
        for (index, item) in items.enumerated() {
            loopIterations += 1
            guard loopIterations <= limits.maxLoopIterations else {
                throw .limit("the template runs more than \(limits.maxLoopIterations) loop iterations (JinjaLimits.maxLoopIterations)")
            }
            scopes[scopes.count - 1] = [:]
            try assign(loop.target, item)
            scopes[scopes.count - 1]["loop"] = Renderer.loopObject(index: index, items: items)
            try render(loop.body, into: &out)
        }
        if items.isEmpty {
            scopes[scopes.count - 1] = [:]
            try render(loop.otherwise, into: &out)
        }
    }

    private static func loopObject(index: Int, items: [Value]) -> Value {
        let count = items.count
        var loop = PyDict()
        loop.set(.string("index"), .int(index + 1))
        loop.set(.string("index0"), .int(index))
        loop.set(.string("revindex"), .int(count - index))
        loop.set(.string("revindex0"), .int(count - index - 1))
        loop.set(.string("first"), .bool(index == 0))
        loop.set(.string("last"), .bool(index == count - 1))
        loop.set(.string("length"), .int(count))
        loop.set(.string("depth"), .int(1))
        loop.set(.string("depth0"), .int(0))
        if index > 0 { loop.set(.string("previtem"), items[index - 1]) }
        if index + 1 < count { loop.set(.string("nextitem"), items[index + 1]) }
        loop.set(.string("cycle"), .function(.loopCycle(index0: index)))
        return .dict(loop)
    }

    private mutating func assign(_ target: Target, _ value: Value) throws(RenderFailure) {
        switch target {
        case let .name(name):
            scopes[scopes.count - 1][name] = value
        case let .tuple(targets):
            let items = try Access.iterate(value)
            guard items.count == targets.count else {
                throw items.count < targets.count
                    ? .valueError("not enough values to unpack (expected \(targets.count), got \(items.count))")
                    : .valueError("too many values to unpack (expected \(targets.count))")
            }
            for (subtarget, item) in zip(targets, items) { try assign(subtarget, item) }
        }
    }

    private mutating func lookup(_ name: String) -> Value {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        if let value = converted[name] { return value }
        if let json = document[name] {
            let value = Value(json)
            converted[name] = value
            return value
        }
        switch name {
        case "range", "dict", "namespace", "lipsum", "cycler", "joiner": return .function(.global(name))
        default: return .undefined(.name(name))
        }
    }

    // MARK: - expressions

    private mutating func eval(_ expr: Expr) throws(RenderFailure) -> Value {
        let value = try evalUnchecked(expr)
        // Cheap for native strings and arrays; catches growth one step past the limit, e.g. `s ~ s` doubling.
        switch value {
        case let .string(text): try limits.checkString(bytes: text.utf8.count)
        case let .list(items), let .tuple(items): try limits.checkItems(items.count)
        default: break
        }
        return value
    }

    private mutating func evalUnchecked(_ expr: Expr) throws(RenderFailure) -> Value {
        switch expr {
        case let .literal(value):
            return value
        case let .name(name):
            return lookup(name)
        case let .attribute(object, name):
            return try Access.attribute(try eval(object), name)
        case let .item(object, key):
            return try Access.item(try eval(object), try eval(key))
        case let .slice(object, start, stop, step):
            let base = try eval(object)
            return try Access.slice(base, start: try start.map { e throws(RenderFailure) in try eval(e) },
                                    stop: try stop.map { e throws(RenderFailure) in try eval(e) },
                                    step: try step.map { e throws(RenderFailure) in try eval(e) })
        case let .call(callee, arguments):
            let function = try eval(callee)
            return try call(function, try evalArguments(arguments))
        case let .filter(value, name, arguments):
            let subject = try eval(value)
            let args = try evalArguments(arguments)
            try checkPrintable(subject, args)
            return try Filters.apply(name, subject, args, limits: limits)
        case let .regexReplace(value, regex, arguments):
            let subject = try eval(value)
            let args = try evalArguments(arguments)
            var bound = args
            bound.function = "regex_replace"
            let parameters = try bound.bind(["repl", "count"], required: 1)
            return try Filters.regexReplace(subject, regex: try regex.get(), repl: parameters[0] ?? .none, count: parameters[1],
                                            limits: limits)
        case let .test(value, name, arguments):
            let subject = try eval(value)
            return .bool(try TestFunctions.apply(name, subject, try evalArguments(arguments)))
        case let .negate(operand):
            return try PyOps.negate(try eval(operand))
        case let .plus(operand):
            return try PyOps.plus(try eval(operand))
        case let .not(operand):
            return .bool(!(try PyOps.truthy(try eval(operand))))
        case let .binary(op, lhs, rhs):
            let a = try eval(lhs)
            let b = try eval(rhs)
            if op == .mul { try checkRepetition(a, b) }
            if op == .mod, case .string = a { try limits.checkPrintable(b) }
            return try PyOps.binary(op, a, b)
        case let .concat(parts):
            var text = ""
            for part in parts {
                let value = try eval(part)
                try limits.checkPrintable(value)
                text += try PythonRepr.str(value)
                try limits.checkString(bytes: text.utf8.count)
            }
            return .string(text)
        case let .compare(first, ops):
            var lhs = try eval(first)
            for (op, rhsExpr) in ops {
                let rhs = try eval(rhsExpr)
                guard try PyOps.compare(op, lhs, rhs) else { return .bool(false) }
                lhs = rhs
            }
            return .bool(true)
        case let .and(lhs, rhs):
            let a = try eval(lhs)
            return try PyOps.truthy(a) ? try eval(rhs) : a
        case let .or(lhs, rhs):
            let a = try eval(lhs)
            return try PyOps.truthy(a) ? a : try eval(rhs)
        case let .conditional(test, then, otherwise):
            if try PyOps.truthy(try eval(test)) { return try eval(then) }
            if let otherwise { return try eval(otherwise) }
            // Jinja2 uses the lenient Undefined here even under StrictUndefined.
            return .undefined(Undefined(message:
                "the inline if-expression on line \(line) evaluated to false and no else section was defined.",
                lenient: true))
        case let .list(items):
            var values: [Value] = []
            for item in items { values.append(try eval(item)) }
            return .list(values)
        case let .tuple(items):
            var values: [Value] = []
            for item in items { values.append(try eval(item)) }
            return .tuple(values)
        case let .dict(pairs):
            var dict = PyDict()
            for (keyExpr, valueExpr) in pairs {
                let key = try eval(keyExpr)
                guard PyDict.isHashable(key) else { throw .typeError("unhashable type: '\(key.typeName)'") }
                dict.set(key, try eval(valueExpr))
            }
            return .dict(dict)
        }
    }

    private func checkPrintable(_ subject: Value, _ args: CallArgs) throws(RenderFailure) {
        try limits.checkPrintable(subject)
        for value in args.positional { try limits.checkPrintable(value) }
        for (_, value) in args.keyword { try limits.checkPrintable(value) }
    }

    /// `'x' * n` and `[x] * n` would allocate the whole result before any later check could see it.
    private func checkRepetition(_ a: Value, _ b: Value) throws(RenderFailure) {
        for (sequence, times) in [(a, b), (b, a)] {
            guard case let .int(n) = times else { continue }
            switch sequence {
            case let .string(text): try limits.checkString(bytes: JinjaLimits.product(text.utf8.count, n))
            case let .list(items), let .tuple(items): try limits.checkItems(JinjaLimits.product(items.count, n))
            default: break
            }
        }
    }

    private mutating func evalArguments(_ arguments: Arguments) throws(RenderFailure) -> CallArgs {
        var args = CallArgs()
        for expr in arguments.positional { args.positional.append(try eval(expr)) }
        for (name, expr) in arguments.keyword { args.keyword.append((name, try eval(expr))) }
        return args
    }

    private func call(_ function: Value, _ args: CallArgs) throws(RenderFailure) -> Value {
        guard case let .function(callable) = function else {
            if case let .undefined(u) = function { throw .undefined(u) }
            throw .typeError("'\(function.typeName)' object is not callable")
        }
        switch callable {
        case let .method(receiver, name):
            try checkPrintable(receiver, args)
            return try Methods.call(receiver, name, args, limits: limits)
        case let .loopCycle(index0):
            guard !args.positional.isEmpty else { throw .typeError("no items for cycling given") }
            return args.positional[index0 % args.positional.count]
        case let .global(name):
            return try Globals.call(name, args, limits: limits)
        }
    }
}

/// Jinja2's default globals.
enum Globals {
    /// Python's `len(range(start, stop, step))`, saturating, computed without building the range.
    static func rangeCount(start: Int, stop: Int, step: Int) -> Int {
        let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
        if span.overflow { return .max }
        guard span.partialValue > 0 else { return 0 }
        let stride = step.magnitude
        return Int(clamping: (span.partialValue.magnitude + stride - 1) / stride)
    }

    static func call(_ name: String, _ args: CallArgs, limits: JinjaLimits) throws(RenderFailure) -> Value {
        switch name {
        case "range":
            guard args.keyword.isEmpty else { throw .typeError("range() takes no keyword arguments") }
            var bounds: [Int] = []
            for value in args.positional { bounds.append(try value.requireInt("range() argument")) }
            let (start, stop, step): (Int, Int, Int)
            switch bounds.count {
            case 1: (start, stop, step) = (0, bounds[0], 1)
            case 2: (start, stop, step) = (bounds[0], bounds[1], 1)
            case 3: (start, stop, step) = (bounds[0], bounds[1], bounds[2])
            default: throw .typeError("range expected 1 to 3 arguments, got \(bounds.count)")
            }
            guard step != 0 else { throw .valueError("range() arg 3 must not be zero") }
            try limits.checkItems(rangeCount(start: start, stop: stop, step: step))
            return .list(Array(stride(from: start, to: stop, by: step)).map(Value.int))
        case "dict":
            guard args.positional.isEmpty else { throw .unsupported("dict() with positional arguments is not supported") }
            var dict = PyDict()
            for (key, value) in args.keyword { dict.set(.string(key), value) }
            return .dict(dict)
        default:
            throw .unsupported("the global function \(name)() is not supported")
        }
    }
}
