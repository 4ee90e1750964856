import Foundation
import Python

/// Jinja2's built-in filters (the subset templates use) plus lm-eval's `regex_replace`.
enum Filters {
    static let implemented: Set<String> = [
        "abs", "attr", "capitalize", "center", "count", "d", "default", "e", "escape", "first", "float",
        "forceescape", "format", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
        "regex_replace", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
        "sort", "string", "sum", "title", "trim", "unique", "upper", "wordcount",
    ]

    /// Jinja2 filters this port does not implement; other unknown names fail as in Jinja2.
    static let unimplemented: Set<String> = [
        "batch", "dictsort", "filesizeformat", "groupby", "indent", "pprint", "random", "slice",
        "striptags", "tojson", "truncate", "urlencode", "urlize", "wordwrap", "xmlattr",
    ]

    static func validate(_ name: String, line: Int) throws(JinjaSyntaxError) {
        if implemented.contains(name) { return }
        if unimplemented.contains(name) {
            throw JinjaSyntaxError(message: "the '\(name)' filter is not supported", line: line, kind: .unsupported)
        }
        throw JinjaSyntaxError(message: "No filter named '\(name)'.", line: line)
    }

    static func apply(_ name: String, _ value: Value, _ args: CallArgs, limits: JinjaLimits = .default) throws(RenderFailure) -> Value {
        var args = args
        args.function = name
        switch name {
        case "abs":
            _ = try args.bind([])
            try PyOps.checkDefined(value)
            switch PyOps.Number(value) {
            case let .int(i)?:
                guard i != Int.min else { throw PyOps.overflow() }
                return .int(abs(i))
            case let .double(d)?: return .double(abs(d))
            case nil: throw .typeError("bad operand type for abs(): '\(value.typeName)'")
            }
        case "attr":
            let attribute = try args.one("name").requireString("attribute name")
            try PyOps.checkDefined(value)
            return Access.pythonAttribute(value, attribute) ?? .undefined(.attribute(attribute, of: value))
        case "capitalize":
            _ = try args.bind([])
            return .string(PyText.capitalize(try PythonRepr.str(value)))
        case "center":
            let width = try args.bind(["width"])[0]?.requireInt("width") ?? 80
            try JinjaLimits.checkWidth(width)
            return .string(PyText.pad(try PythonRepr.str(value), width: width, fill: " ", align: "c"))
        case "count", "length":
            _ = try args.bind([])
            return .int(try Access.length(value))
        case "d", "default":
            let bound = try args.bind(["default_value", "boolean"])
            let fallback = bound[0] ?? .string("")
            if value.isUndefined { return fallback }
            if let boolean = bound[1], try PyOps.truthy(boolean), !(try PyOps.truthy(value)) { return fallback }
            return value
        case "e", "escape", "forceescape":
            _ = try args.bind([])
            return .string(htmlEscape(try PythonRepr.str(value)))
        case "safe":
            _ = try args.bind([])
            return .string(try PythonRepr.str(value))
        case "format":
            // Jinja2: `soft_str(value) % (kwargs or args)`.
            let text = try PythonRepr.str(value)
            if !args.keyword.isEmpty {
                guard args.positional.isEmpty else {
                    throw .python("FilterArgumentError", "can't handle positional and keyword arguments at the same time")
                }
                var mapping = PyDict()
                for (key, item) in args.keyword { mapping.set(.string(key), item) }
                return .string(try PyPrintf.format(text, .dict(mapping)))
            }
            return .string(try PyPrintf.format(text, .tuple(args.positional)))
        case "first":
            _ = try args.bind([])
            return try Access.iterate(value).first ?? .undefined(Undefined(message: "No first item, sequence was empty."))
        case "last":
            _ = try args.bind([])
            return try Access.iterate(value).last ?? .undefined(Undefined(message: "No last item, sequence was empty."))
        case "float":
            let fallback = try args.bind(["default"])[0] ?? .double(0)
            return try toFloat(value) ?? fallback
        case "int":
            let bound = try args.bind(["default", "base"])
            return try toInt(value, base: try bound[1]?.requireInt("base") ?? 10) ?? bound[0] ?? .int(0)
        case "items":
            _ = try args.bind([])
            if value.isUndefined { return .list([]) }
            guard case let .dict(dict) = value else { throw .python("TypeError", "Can only get item pairs from a mapping.") }
            return .list(dict.pairs.map { .tuple([$0, $1]) })
        case "join":
            let bound = try args.bind(["d", "attribute"])
            let separator = try bound[0].map { v throws(RenderFailure) in try PythonRepr.str(v) } ?? ""
            var items = try Access.iterate(value)
            if let attribute = bound[1] { items = try items.map { v throws(RenderFailure) in try attributePath(v, attribute) } }
            var parts: [String] = []
            for item in items { parts.append(try PythonRepr.str(item)) }
            try limits.checkJoin(parts, separator: separator)
            return .string(parts.joined(separator: separator))
        case "list":
            _ = try args.bind([])
            return .list(try Access.iterate(value))
        case "lower":
            _ = try args.bind([])
            return .string(PyText.lower(try PythonRepr.str(value)))
        case "upper":
            _ = try args.bind([])
            return .string(PyText.upper(try PythonRepr.str(value)))
        case "title":
            _ = try args.bind([])
            return .string(jinjaTitle(try PythonRepr.str(value)))
        case "map":
            return .list(try map(value, args))
        case "max", "min":
            let bound = try args.bind(["case_sensitive", "attribute"])
            let caseSensitive = try bound[0].map { v throws(RenderFailure) in try PyOps.truthy(v) } ?? false
            let items = try Access.iterate(value)
            guard var best = items.first else {
                return .undefined(Undefined(message: "No aggregated item, sequence was empty."))
            }
            for item in items.dropFirst() {
                let a = try sortKey(item, attribute: bound[1], caseSensitive: caseSensitive)
                let b = try sortKey(best, attribute: bound[1], caseSensitive: caseSensitive)
                if try PyOps.compare(name == "max" ? .gt : .lt, a, b) { best = item }
            }
            return best
        case "regex_replace":
            let bound = try args.bind(["pattern", "repl", "count"], required: 2)
            let pattern = try (bound[0] ?? .none).requireString("regex_replace pattern")
            return try regexReplace(value, regex: try PyRegex(pattern: pattern), repl: bound[1] ?? .none, count: bound[2],
                                    limits: limits)
        case "replace":
            let bound = try args.bind(["old", "new", "count"], required: 2)
            let count = try CallArgs.optional(bound[2])?.requireInt("count") ?? -1
            let (text, old, new) = (try PythonRepr.str(value), try PythonRepr.str(bound[0] ?? .none), try PythonRepr.str(bound[1] ?? .none))
            try limits.checkReplace(text, old, new)
            return .string(PyText.replace(text, old, new, count: count))
        case "reverse":
            _ = try args.bind([])
            if case let .string(s) = value { return .string(PyText.string(s.unicodeScalars.reversed())) }
            return .list(try Access.iterate(value).reversed())
        case "round":
            let bound = try args.bind(["precision", "method"])
            let precision = try bound[0]?.requireInt("precision") ?? 0
            let method = try bound[1]?.requireString("method") ?? "common"
            return try round(value, precision: precision, method: method)
        case "select", "reject", "selectattr", "rejectattr":
            return .list(try select(name, value, args))
        case "sort":
            let bound = try args.bind(["reverse", "case_sensitive", "attribute"])
            let reverse = try bound[0].map { v throws(RenderFailure) in try PyOps.truthy(v) } ?? false
            let caseSensitive = try bound[1].map { v throws(RenderFailure) in try PyOps.truthy(v) } ?? false
            let items = try Access.iterate(value)
            var keyed: [(key: Value, item: Value)] = []
            for item in items { keyed.append((try sortKey(item, attribute: bound[2], caseSensitive: caseSensitive), item)) }
            return .list(try stableSort(keyed, reverse: reverse).map(\.item))
        case "string":
            _ = try args.bind([])
            return .string(try PythonRepr.str(value))
        case "sum":
            let bound = try args.bind(["attribute", "start"])
            var total = bound[1] ?? .int(0)
            for item in try Access.iterate(value) {
                total = try PyOps.binary(.add, total, try bound[0].map { a throws(RenderFailure) in try attributePath(item, a) } ?? item)
            }
            return total
        case "trim":
            let chars = try CallArgs.optional(args.bind(["chars"])[0])?.requireString("chars")
            return .string(PyText.strip(try PythonRepr.str(value), chars: chars, left: true, right: true))
        case "unique":
            let bound = try args.bind(["case_sensitive", "attribute"])
            let caseSensitive = try bound[0].map { v throws(RenderFailure) in try PyOps.truthy(v) } ?? false
            var seen: [Value] = []
            var out: [Value] = []
            for item in try Access.iterate(value) {
                let key = try sortKey(item, attribute: bound[1], caseSensitive: caseSensitive)
                if !seen.contains(where: { PyOps.equal($0, key) }) {
                    seen.append(key)
                    out.append(item)
                }
            }
            return .list(out)
        case "wordcount":
            _ = try args.bind([])
            return .int(wordCount(try PythonRepr.str(value)))
        default:
            throw .unsupported("the '\(name)' filter is not supported")
        }
    }

    /// `regex_replace(s, pattern, repl, count=0)` = Python `re.sub(pattern, repl, s, count=count)`.
    static func regexReplace(_ value: Value, regex: PyRegex, repl: Value, count: Value?,
                             limits: JinjaLimits = .default) throws(RenderFailure) -> Value {
        try PyOps.checkDefined(value)
        guard case let .string(text) = value else { throw .typeError("expected string or bytes-like object, got '\(value.typeName)'") }
        let template = try repl.requireString("repl")
        try limits.checkSubstitution(text, template: template)
        let n = try CallArgs.optional(count)?.requireInt("count") ?? 0
        return .string(try regex.substitute(in: text, template: template, count: n))
    }

    // MARK: - helpers

    /// Jinja2's `int` filter: `int(v)`, falling back to `int(float(v))`, then to the default.
    static func toInt(_ value: Value, base: Int) throws(RenderFailure) -> Value? {
        switch value {
        case let .undefined(u): throw .undefined(u)
        case let .bool(b): return .int(b ? 1 : 0)
        case let .int(i): return .int(i)
        case let .double(d): return try PyOps.truncate(d).map(Value.int)
        case let .string(s):
            switch PyNumbers.parseInt(s, base: base) {
            case let .value(i): return .int(i)
            case .overflow: throw PyOps.overflow()
            case .invalid:
                // Jinja2's fallback `int(float(value))` also swallows OverflowError.
                guard let d = PyNumbers.parseFloat(s), d.isFinite else { return nil }
                return try PyOps.truncate(d).map(Value.int)
            }
        default: return nil
        }
    }

    static func toFloat(_ value: Value) throws(RenderFailure) -> Value? {
        switch value {
        case let .undefined(u): throw .undefined(u)
        case let .bool(b): return .double(b ? 1 : 0)
        case let .int(i): return .double(Double(i))
        case let .double(d): return .double(d)
        case let .string(s): return PyNumbers.parseFloat(s).map(Value.double)
        default: return nil
        }
    }

    private static func round(_ value: Value, precision: Int, method: String) throws(RenderFailure) -> Value {
        guard ["common", "ceil", "floor"].contains(method) else {
            throw .python("FilterArgumentError", "method must be common, ceil or floor")
        }
        try PyOps.checkDefined(value)
        guard let number = PyOps.Number(value) else {
            throw .typeError("type \(value.typeName) doesn't define __round__ method")
        }
        if method == "common" {
            switch number {
            case let .int(i): return .int(PyNumbers.round(i, digits: precision))
            case let .double(d): return .double(PyNumbers.round(d, digits: precision))
            }
        }
        let scale = Foundation.pow(10.0, Double(precision))
        let scaled = number.double * scale
        return .double((method == "ceil" ? ceil(scaled) : floor(scaled)) / scale)
    }

    /// Jinja2's `title`: capitalises each run separated by whitespace, `-`, or an opening bracket.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var word = ""
        func flushWord() {
            guard let first = word.unicodeScalars.first else { return }
            out += PyText.upper(String(first)) + PyText.lower(PyText.string(word.unicodeScalars.dropFirst()))
            word = ""
        }
        for c in s.unicodeScalars {
            if PyText.isSpace(c) || "-({[<".unicodeScalars.contains(c) {
                flushWord()
                out.unicodeScalars.append(c)
            } else {
                word.unicodeScalars.append(c)
            }
        }
        flushWord()
        return out
    }

    /// `len(re.findall(r"\w+", s))` with Python's Unicode `\w`.
    private static func wordCount(_ s: String) -> Int {
        var count = 0
        var inWord = false
        for c in s.unicodeScalars {
            let isWord = c == "_" || PyText.isAlpha(c) || PyText.isNumeric(c)
            if isWord, !inWord { count += 1 }
            inWord = isWord
        }
        return count
    }

    private static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Jinja2's `make_attrgetter`: a dotted path, digits as integer indexes, via `getitem`.
    static func attributePath(_ item: Value, _ attribute: Value, default fallback: Value? = nil) throws(RenderFailure) -> Value {
        let parts: [Value]
        switch attribute {
        case let .string(s):
            parts = s.split(separator: ".", omittingEmptySubsequences: false).map { part in
                part.allSatisfy(\.isNumber) && !part.isEmpty ? .int(Int(part) ?? 0) : .string(String(part))
            }
        default: parts = [attribute]
        }
        var current = item
        for part in parts {
            current = try Access.item(current, part)
            if let fallback, current.isUndefined { current = fallback }
        }
        return current
    }

    private static func sortKey(_ item: Value, attribute: Value?, caseSensitive: Bool) throws(RenderFailure) -> Value {
        var key = item
        if let attribute { key = try attributePath(item, attribute) }
        if !caseSensitive, case let .string(s) = key { key = .string(PyText.lower(s)) }
        return key
    }

    private static func stableSort(_ items: [(key: Value, item: Value)], reverse: Bool) throws(RenderFailure) -> [(key: Value, item: Value)] {
        // Insertion sort keeps Python's stability and lets comparison errors propagate.
        var sorted: [(key: Value, item: Value)] = []
        for entry in items {
            var position = sorted.count
            while position > 0 {
                let before = try PyOps.compare(.lt, entry.key, sorted[position - 1].key)
                let after = try PyOps.compare(.lt, sorted[position - 1].key, entry.key)
                if reverse ? after : before { position -= 1 } else { break }
            }
            sorted.insert(entry, at: position)
        }
        return sorted
    }

    private static func map(_ value: Value, _ args: CallArgs) throws(RenderFailure) -> [Value] {
        let items = try Access.iterate(value)
        if args.positional.isEmpty, let attribute = args.keyword.first(where: { $0.name == "attribute" })?.value {
            let fallback = args.keyword.first(where: { $0.name == "default" })?.value
            if let extra = args.keyword.first(where: { $0.name != "attribute" && $0.name != "default" }) {
                throw .python("FilterArgumentError", "Unexpected keyword argument '\(extra.name)'")
            }
            var out: [Value] = []
            for item in items { out.append(try attributePath(item, attribute, default: fallback)) }
            return out
        }
        guard let first = args.positional.first else { throw .python("FilterArgumentError", "map requires a filter argument") }
        let filter = try first.requireString("filter name")
        guard implemented.contains(filter) else {
            throw unimplemented.contains(filter) ? .unsupported("the '\(filter)' filter is not supported")
                : .python("TemplateRuntimeError", "No filter named '\(filter)' found.")
        }
        let rest = CallArgs(positional: Array(args.positional.dropFirst()), keyword: args.keyword)
        var out: [Value] = []
        for item in items { out.append(try apply(filter, item, rest)) }
        return out
    }

    private static func select(_ name: String, _ value: Value, _ args: CallArgs) throws(RenderFailure) -> [Value] {
        let items = try Access.iterate(value)
        var positional = args.positional
        var attribute: Value?
        if name.hasSuffix("attr") {
            guard !positional.isEmpty else { throw .python("FilterArgumentError", "Missing parameter for attribute name") }
            attribute = positional.removeFirst()
        }
        let keep = name.hasPrefix("select")
        var out: [Value] = []
        for item in items {
            let subject = try attribute.map { a throws(RenderFailure) in try attributePath(item, a) } ?? item
            let passed: Bool
            if let test = positional.first {
                let testName = try test.requireString("test name")
                passed = try TestFunctions.apply(testName, subject, CallArgs(positional: Array(positional.dropFirst()), keyword: args.keyword))
            } else {
                passed = try PyOps.truthy(subject)
            }
            if passed == keep { out.append(item) }
        }
        return out
    }
}
