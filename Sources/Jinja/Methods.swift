import Python

/// Python methods of str, list, tuple and dict that templates call.
enum Methods {
    static func call(_ receiver: Value, _ name: String, _ args: CallArgs, limits: JinjaLimits = .default) throws(RenderFailure) -> Value {
        var args = args
        args.function = "\(receiver.typeName).\(name)"
        switch receiver {
        case let .string(s): return try string(s, name, args, limits: limits)
        case let .list(items): return try sequence(items, name, args, isList: true)
        case let .tuple(items): return try sequence(items, name, args, isList: false)
        case let .dict(dict): return try dictionary(dict, name, args)
        default: throw .unsupported("method \(args.function)() is not supported")
        }
    }

    private static func noArguments(_ args: CallArgs) throws(RenderFailure) {
        _ = try args.bind([])
    }

    // MARK: - str

    private static func string(_ s: String, _ name: String, _ args: CallArgs, limits: JinjaLimits) throws(RenderFailure) -> Value {
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try CallArgs.optional(args.bind(["chars"])[0])?.requireString("\(name) arg")
            return .string(PyText.strip(s, chars: chars, left: name != "rstrip", right: name != "lstrip"))
        case "split", "rsplit":
            let bound = try args.bind(["sep", "maxsplit"])
            let sep = try CallArgs.optional(bound[0])?.requireString("sep")
            if sep?.isEmpty == true { throw .valueError("empty separator") }
            let maxSplit = try bound[1]?.requireInt("maxsplit") ?? -1
            let parts = name == "split" ? PyText.split(s, sep: sep, maxSplit: maxSplit)
                : PyText.rsplit(s, sep: sep, maxSplit: maxSplit)
            return .list(parts.map(Value.string))
        case "splitlines":
            let keep = try args.bind(["keepends"])[0].map { v throws(RenderFailure) in try PyOps.truthy(v) } ?? false
            return .list(PyText.splitLines(s, keepEnds: keep).map(Value.string))
        case "replace":
            let bound = try args.bind(["old", "new", "count"], required: 2)
            let old = try (bound[0] ?? .none).requireString("replace() argument 1")
            let new = try (bound[1] ?? .none).requireString("replace() argument 2")
            let count = try bound[2]?.requireInt("count") ?? -1
            try limits.checkReplace(s, old, new)
            return .string(PyText.replace(s, old, new, count: count))
        case "lower", "casefold":
            try noArguments(args)
            return .string(PyText.lower(s))
        case "upper":
            try noArguments(args)
            return .string(PyText.upper(s))
        case "capitalize":
            try noArguments(args)
            return .string(PyText.capitalize(s))
        case "title":
            try noArguments(args)
            return .string(PyText.title(s))
        case "swapcase":
            try noArguments(args)
            return .string(PyText.swapcase(s))
        case "startswith", "endswith":
            let bound = try args.bind(["prefix", "start", "end"], required: 1)
            let (lo, hi) = PyText.bounds(PyText.length(s), start: try optionalInt(bound[1]), end: try optionalInt(bound[2]))
            let window = lo <= hi ? PyText.string(PyText.scalars(s)[lo..<hi]) : ""
            let candidates: [Value]
            switch (bound[0] ?? .none) {
            case let .tuple(items): candidates = items
            case let other: candidates = [other]
            }
            for candidate in candidates {
                let affix = try candidate.requireString("\(name) first arg")
                if lo > hi { continue }
                if name == "startswith" ? PyText.hasPrefix(window, affix) : PyText.hasSuffix(window, affix) {
                    return .bool(true)
                }
            }
            return .bool(false)
        case "find", "rfind", "index", "rindex":
            let bound = try args.bind(["sub", "start", "end"], required: 1)
            let sub = try (bound[0] ?? .none).requireString("must be str")
            let found = PyText.find(s, sub, start: try optionalInt(bound[1]), end: try optionalInt(bound[2]),
                                    reverse: name.hasPrefix("r"))
            if let found { return .int(found) }
            if name.hasSuffix("index") { throw .valueError("substring not found") }
            return .int(-1)
        case "count":
            let bound = try args.bind(["sub", "start", "end"], required: 1)
            let sub = try (bound[0] ?? .none).requireString("must be str")
            return .int(PyText.count(s, sub, start: try optionalInt(bound[1]), end: try optionalInt(bound[2])))
        case "join":
            let items = try Access.iterate(try args.one("iterable"))
            var parts: [String] = []
            for (i, item) in items.enumerated() {
                guard case let .string(part) = item else {
                    throw .typeError("sequence item \(i): expected str instance, \(item.typeName) found")
                }
                parts.append(part)
            }
            try limits.checkJoin(parts, separator: s)
            return .string(parts.joined(separator: s))
        case "format":
            return .string(try PyFormat.format(s, args.positional, args.keyword))
        case "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "isascii":
            try noArguments(args)
            let scalars = s.unicodeScalars
            let test: (Unicode.Scalar) -> Bool
            switch name {
            case "isdigit": test = PyText.isDigit
            case "isdecimal": test = PyText.isDecimal
            case "isnumeric": test = PyText.isNumeric
            case "isalpha": test = PyText.isAlpha
            case "isspace": test = PyText.isSpace
            case "isascii": return .bool(scalars.allSatisfy(\.isASCII))
            default: test = { PyText.isAlpha($0) || PyText.isNumeric($0) }
            }
            return .bool(!scalars.isEmpty && scalars.allSatisfy(test))
        case "isprintable", "isidentifier":
            try noArguments(args)
            return .bool(name == "isprintable" ? PyText.isPrintable(s) : PyText.isIdentifier(s))
        case "isupper", "islower":
            try noArguments(args)
            return .bool(PyText.isCase(s, upper: name == "isupper"))
        case "zfill":
            let width = try args.one("width").requireInt("width")
            try JinjaLimits.checkWidth(width)
            return .string(PyText.zfill(s, width: width))
        case "center", "ljust", "rjust":
            let bound = try args.bind(["width", "fillchar"], required: 1)
            let width = try (bound[0] ?? .none).requireInt("width")
            try JinjaLimits.checkWidth(width)
            let fill = try bound[1]?.requireString("fillchar") ?? " "
            guard fill.unicodeScalars.count == 1, let fillScalar = fill.unicodeScalars.first else {
                throw .typeError("The fill character must be exactly one character long")
            }
            let align: Character = name == "center" ? "c" : name == "ljust" ? "<" : ">"
            return .string(PyText.pad(s, width: width, fill: fillScalar, align: align))
        case "partition", "rpartition":
            let sep = try args.one("sep").requireString("sep")
            if sep.isEmpty { throw .valueError("empty separator") }
            guard let at = PyText.find(s, sep, reverse: name == "rpartition") else {
                return name == "partition" ? .tuple([.string(s), .string(""), .string("")])
                    : .tuple([.string(""), .string(""), .string(s)])
            }
            let scalars = PyText.scalars(s)
            let after = at + PyText.length(sep)
            return .tuple([.string(PyText.string(scalars[..<at])), .string(sep), .string(PyText.string(scalars[after...]))])
        case "removeprefix", "removesuffix":
            let affix = try args.one("affix").requireString("argument")
            let scalars = PyText.scalars(s)
            let n = PyText.length(affix)
            if name == "removeprefix", !affix.isEmpty, PyText.hasPrefix(s, affix) {
                return .string(PyText.string(scalars[n...]))
            }
            if name == "removesuffix", !affix.isEmpty, PyText.hasSuffix(s, affix) {
                return .string(PyText.string(scalars[..<(scalars.count - n)]))
            }
            return .string(s)
        default:
            throw .unsupported("method str.\(name)() is not supported")
        }
    }

    private static func optionalInt(_ value: Value?) throws(RenderFailure) -> Int? {
        try CallArgs.optional(value)?.requireInt("slice indices")
    }

    // MARK: - list / tuple

    private static func sequence(_ items: [Value], _ name: String, _ args: CallArgs, isList: Bool) throws(RenderFailure) -> Value {
        switch name {
        case "index":
            let bound = try args.bind(["value", "start", "stop"], required: 1)
            let target = (bound[0] ?? .none)
            try PyOps.checkDefined(target)
            let (lo, hi) = PyText.bounds(items.count, start: try optionalInt(bound[1]), end: try optionalInt(bound[2]))
            if lo < hi, let found = items[lo..<hi].firstIndex(where: { PyOps.equal($0, target) }) {
                return .int(found)
            }
            throw .valueError("\(PythonRepr.repr(target)) is not in \(isList ? "list" : "tuple")")
        case "count":
            let target = try args.one("value")
            try PyOps.checkDefined(target)
            return .int(items.filter { PyOps.equal($0, target) }.count)
        case "copy":
            try noArguments(args)
            return .list(items)
        default:
            // Values are immutable here; Jinja2 itself discourages mutating in templates.
            throw .unsupported("method list.\(name)() mutates the list and is not supported")
        }
    }

    // MARK: - dict

    private static func dictionary(_ dict: PyDict, _ name: String, _ args: CallArgs) throws(RenderFailure) -> Value {
        switch name {
        case "get":
            let bound = try args.bind(["key", "default"], required: 1)
            let key = (bound[0] ?? .none)
            try PyOps.checkDefined(key)
            guard PyDict.isHashable(key) else { throw .typeError("unhashable type: '\(key.typeName)'") }
            return dict[key] ?? bound[1] ?? .none
        case "keys":
            try noArguments(args)
            return .list(dict.keys)
        case "values":
            try noArguments(args)
            return .list(dict.values)
        case "items":
            try noArguments(args)
            return .list(dict.pairs.map { .tuple([$0, $1]) })
        case "copy":
            try noArguments(args)
            return .dict(dict)
        default:
            throw .unsupported("method dict.\(name)() is not supported")
        }
    }
}
