/// Builds the AST with Jinja2's grammar and operator precedence (including its left-associative `**`).
///
/// The parser recurses once per nesting level (block, bracket, unary operator, chained conditional);
/// `maxNesting` bounds that recursion, and with it the renderer's, well inside the smallest stack
/// a template is rendered on.
struct Parser {
    private let tokens: [Token]
    private var pos = 0
    private let maxNesting: Int
    private var nesting = 0

    static func parse(_ source: String, maxNesting: Int = JinjaLimits.default.maxNesting) throws(JinjaSyntaxError) -> [Node] {
        var parser = Parser(tokens: try Lexer.tokenize(source), maxNesting: maxNesting)
        let (body, end) = try parser.parseBody(until: [])
        if let end { throw parser.error("Encountered unknown tag '\(end)'.") }
        return body
    }

    private init(tokens: [Token], maxNesting: Int) {
        self.tokens = tokens
        self.maxNesting = maxNesting
    }

    /// Every recursive path of the grammar passes through here; pair with `leave()`.
    private mutating func enter() throws(JinjaSyntaxError) {
        nesting += 1
        guard nesting <= maxNesting else {
            throw error("the template nests deeper than \(maxNesting) levels (JinjaLimits.maxNesting)", kind: .limit)
        }
    }

    private mutating func leave() { nesting -= 1 }

    // MARK: - token helpers

    private var current: Token { tokens[pos] }
    private var line: Int { current.line }

    private func peek(_ offset: Int = 1) -> Token {
        tokens[min(pos + offset, tokens.count - 1)]
    }

    private func error(_ message: String, kind: JinjaError.Kind = .syntax) -> JinjaSyntaxError {
        JinjaSyntaxError(message: message, line: line, kind: kind)
    }

    private mutating func next() -> Token {
        let token = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return token
    }

    private func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    private func isName(_ name: String) -> Bool { current.kind == .name(name) }

    private mutating func skipOp(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        _ = next()
        return true
    }

    private mutating func skipName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        _ = next()
        return true
    }

    private mutating func expectOp(_ op: String) throws(JinjaSyntaxError) {
        guard skipOp(op) else { throw error("expected token '\(op)', got \(describe(current))") }
    }

    private mutating func expectBlockEnd() throws(JinjaSyntaxError) {
        guard current.kind == .blockEnd else { throw error("expected end of statement block, got \(describe(current))") }
        _ = next()
    }

    private mutating func expectName() throws(JinjaSyntaxError) -> String {
        guard case let .name(name) = current.kind else { throw error("expected a name, got \(describe(current))") }
        _ = next()
        return name
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .data: "template data"
        case .variableBegin: "'{{'"
        case .variableEnd: "end of print statement"
        case .blockBegin: "'{%'"
        case .blockEnd: "end of statement block"
        case let .name(n): "'\(n)'"
        case let .string(s): "string \(PythonRepr.repr(.string(s)))"
        case let .integer(i): "integer \(i)"
        case let .float(d): "float \(d)"
        case let .op(o): "'\(o)'"
        case .eof: "end of template"
        }
    }

    // MARK: - statements

    /// Parses nodes until one of `endTags` opens a block (left unconsumed after its name).
    private mutating func parseBody(until endTags: Set<String>) throws(JinjaSyntaxError) -> ([Node], String?) {
        var body: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case let .data(text):
                _ = next()
                body.append(.text(text))
            case .variableBegin:
                _ = next()
                let expr = try parseTuple()
                guard current.kind == .variableEnd else {
                    throw error("expected end of print statement, got \(describe(current))")
                }
                _ = next()
                body.append(.output(expr, line: token.line))
            case .blockBegin:
                _ = next()
                guard case let .name(tag) = current.kind else { throw error("tag name expected") }
                if endTags.contains(tag) {
                    _ = next()
                    return (body, tag)
                }
                body.append(try parseStatement(tag))
            case .eof:
                if !endTags.isEmpty {
                    let expected = endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw error("Unexpected end of template. Jinja was looking for the following tags: \(expected).")
                }
                return (body, nil)
            default:
                throw error("unexpected \(describe(token))")
            }
        }
    }

    private mutating func parseStatement(_ tag: String) throws(JinjaSyntaxError) -> Node {
        let startLine = line
        _ = next()
        try enter()
        defer { leave() }
        switch tag {
        case "if": return try parseIf(line: startLine)
        case "for": return try parseFor(line: startLine)
        case "set": return try parseSet(line: startLine)
        case "macro", "call", "filter", "with", "block", "extends", "include", "import", "from", "autoescape",
             "do", "break", "continue", "trans", "pluralize", "debug":
            throw JinjaSyntaxError(message: "the '\(tag)' tag is not supported", line: startLine, kind: .unsupported)
        default:
            throw JinjaSyntaxError(message: "Encountered unknown tag '\(tag)'.", line: startLine)
        }
    }

    private mutating func parseIf(line startLine: Int) throws(JinjaSyntaxError) -> Node {
        var branches: [(test: Expr, body: [Node])] = []
        // Jinja2 parses `if`/`elif` tests without a conditional expression.
        var test = try parseTuple(withCondExpr: false)
        try expectBlockEnd()
        while true {
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((test, body))
            switch end {
            case "elif":
                test = try parseTuple(withCondExpr: false)
                try expectBlockEnd()
            case "else":
                try expectBlockEnd()
                let (otherwise, _) = try parseBody(until: ["endif"])
                try expectBlockEnd()
                return .ifBlock(branches: branches, otherwise: otherwise, line: startLine)
            default:
                try expectBlockEnd()
                return .ifBlock(branches: branches, otherwise: [], line: startLine)
            }
        }
    }

    private mutating func parseFor(line startLine: Int) throws(JinjaSyntaxError) -> Node {
        let target = try parseAssignTarget(endName: "in")
        guard skipName("in") else { throw error("expected 'in', got \(describe(current))") }
        let iterable = try parseTuple(withCondExpr: false, endNames: ["recursive", "if"])
        var filter: Expr?
        if skipName("if") { filter = try parseExpression() }
        if isName("recursive") {
            throw JinjaSyntaxError(message: "recursive for loops are not supported", line: startLine, kind: .unsupported)
        }
        try expectBlockEnd()
        let (body, end) = try parseBody(until: ["endfor", "else"])
        var otherwise: [Node] = []
        if end == "else" {
            try expectBlockEnd()
            (otherwise, _) = try parseBody(until: ["endfor"])
        }
        try expectBlockEnd()
        return .forLoop(ForLoop(target: target, iterable: iterable, filter: filter, body: body,
                                otherwise: otherwise, line: startLine))
    }

    private mutating func parseSet(line startLine: Int) throws(JinjaSyntaxError) -> Node {
        let target = try parseAssignTarget(endName: nil)
        if skipOp("=") {
            let value = try parseTuple()
            try expectBlockEnd()
            return .set(target: target, value: value, line: startLine)
        }
        guard case let .name(name) = target else { throw error("expected '='") }
        if isOp("|") {
            throw JinjaSyntaxError(message: "filtered set blocks are not supported", line: startLine, kind: .unsupported)
        }
        try expectBlockEnd()
        let (body, _) = try parseBody(until: ["endset"])
        try expectBlockEnd()
        return .setBlock(name: name, body: body, line: startLine)
    }

    private mutating func parseAssignTarget(endName: String?) throws(JinjaSyntaxError) -> Target {
        var names: [Target] = []
        var isTuple = false
        while true {
            if !names.isEmpty {
                guard skipOp(",") else { break }
                isTuple = true
            }
            if let endName, isName(endName) { break }
            if isOp("=") || current.kind == .blockEnd { break }
            if skipOp("(") {
                try enter()
                defer { leave() }
                let inner = try parseAssignTarget(endName: nil)
                try expectOp(")")
                names.append(inner)
            } else {
                let name = try expectName()
                if isOp(".") {
                    throw JinjaSyntaxError(message: "namespace attribute assignment is not supported", line: line,
                                           kind: .unsupported)
                }
                names.append(.name(name))
            }
        }
        guard let first = names.first else { throw error("expected an assignment target") }
        return isTuple ? .tuple(names) : first
    }

    // MARK: - expressions

    private func isTupleEnd(_ endNames: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .eof: return true
        case .op(")"): return true
        case let .name(n): return endNames.contains(n)
        default: return false
        }
    }

    private mutating func parseTuple(
        withCondExpr: Bool = true, endNames: Set<String> = [], explicitParentheses: Bool = false
    ) throws(JinjaSyntaxError) -> Expr {
        var items: [Expr] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOp(",") }
            if isTupleEnd(endNames) { break }
            items.append(withCondExpr ? try parseExpression() : try parseOr())
            if isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let first = items.first { return first }
            if !explicitParentheses { throw error("Expected an expression, got \(describe(current))") }
        }
        return .tuple(items)
    }

    private mutating func parseExpression() throws(JinjaSyntaxError) -> Expr {
        try enter()
        defer { leave() }
        var expr = try parseOr()
        while skipName("if") {
            let test = try parseOr()
            let otherwise: Expr? = skipName("else") ? try parseExpression() : nil
            expr = .conditional(test: test, then: expr, otherwise: otherwise)
        }
        return expr
    }

    private mutating func parseOr() throws(JinjaSyntaxError) -> Expr {
        var left = try parseAnd()
        while skipName("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(JinjaSyntaxError) -> Expr {
        var left = try parseNot()
        while skipName("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(JinjaSyntaxError) -> Expr {
        if skipName("not") {
            try enter()
            defer { leave() }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(JinjaSyntaxError) -> Expr {
        let first = try parseMath1()
        var ops: [(op: CompareOp, rhs: Expr)] = []
        while true {
            if case let .op(o) = current.kind, let op = CompareOp(rawValue: o), op != .in, op != .notIn {
                _ = next()
                ops.append((op, try parseMath1()))
            } else if skipName("in") {
                ops.append((.in, try parseMath1()))
            } else if isName("not"), peek().kind == .name("in") {
                _ = next()
                _ = next()
                ops.append((.notIn, try parseMath1()))
            } else {
                break
            }
        }
        return ops.isEmpty ? first : .compare(first, ops)
    }

    private mutating func parseMath1() throws(JinjaSyntaxError) -> Expr {
        var left = try parseConcat()
        while isOp("+") || isOp("-") {
            let op: BinaryOp = isOp("+") ? .add : .sub
            _ = next()
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws(JinjaSyntaxError) -> Expr {
        var items = [try parseMath2()]
        while skipOp("~") { items.append(try parseMath2()) }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func parseMath2() throws(JinjaSyntaxError) -> Expr {
        var left = try parsePow()
        while true {
            let op: BinaryOp
            if isOp("*") { op = .mul } else if isOp("/") { op = .div }
            else if isOp("//") { op = .floorDiv } else if isOp("%") { op = .mod } else { break }
            _ = next()
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws(JinjaSyntaxError) -> Expr {
        var left = try parseUnary()
        while skipOp("**") { left = .binary(.pow, left, try parseUnary()) }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws(JinjaSyntaxError) -> Expr {
        var node: Expr
        if skipOp("-") {
            try enter()
            defer { leave() }
            node = .negate(try parseUnary(withFilter: false))
        } else if skipOp("+") {
            try enter()
            defer { leave() }
            node = .plus(try parseUnary(withFilter: false))
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpr(node) }
        return node
    }

    private mutating func parsePrimary() throws(JinjaSyntaxError) -> Expr {
        let token = current
        switch token.kind {
        case let .name(name):
            _ = next()
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case var .string(text):
            _ = next()
            while case let .string(more) = current.kind {
                text += more
                _ = next()
            }
            return .literal(.string(text))
        case let .integer(i):
            _ = next()
            return .literal(.int(i))
        case let .float(d):
            _ = next()
            return .literal(.double(d))
        case .op("("):
            _ = next()
            let expr = try parseTuple(explicitParentheses: true)
            try expectOp(")")
            return expr
        case .op("["):
            _ = next()
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .list(items)
        case .op("{"):
            _ = next()
            var pairs: [(key: Expr, value: Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            try expectOp("}")
            return .dict(pairs)
        default:
            throw error("unexpected \(describe(token))")
        }
    }

    private mutating func parsePostfix(_ start: Expr) throws(JinjaSyntaxError) -> Expr {
        var node = start
        while true {
            if isOp(".") || isOp("[") {
                node = try parseSubscript(node)
            } else if isOp("(") {
                node = .call(node, try parseCallArguments())
            } else {
                return node
            }
        }
    }

    private mutating func parseFilterExpr(_ start: Expr) throws(JinjaSyntaxError) -> Expr {
        var node = start
        while true {
            if isOp("|") {
                node = try parseFilter(node)
            } else if isName("is") {
                node = try parseTest(node)
            } else if isOp("(") {
                node = .call(node, try parseCallArguments())
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ node: Expr) throws(JinjaSyntaxError) -> Expr {
        if skipOp(".") {
            let token = next()
            switch token.kind {
            case let .name(name): return .attribute(node, name)
            case let .integer(i): return .item(node, .literal(.int(i)))
            default: throw error("expected name or number")
            }
        }
        try expectOp("[")
        var args: [Expr] = []
        while !isOp("]") {
            if !args.isEmpty { try expectOp(",") }
            args.append(try parseSubscribed(node))
        }
        try expectOp("]")
        if args.count == 1 {
            if case .slice = args[0] { return args[0] }
            return .item(node, args[0])
        }
        return .item(node, .tuple(args))
    }

    /// One subscript: an index expression or a slice `start:stop:step` (each part optional).
    private mutating func parseSubscribed(_ node: Expr) throws(JinjaSyntaxError) -> Expr {
        var start: Expr?
        if !isOp(":") {
            let expr = try parseExpression()
            if !isOp(":") { return expr }
            start = expr
        }
        _ = next()
        var stop: Expr?
        if !isOp(":"), !isOp("]"), !isOp(",") { stop = try parseExpression() }
        var step: Expr?
        if skipOp(":"), !isOp("]"), !isOp(",") { step = try parseExpression() }
        return .slice(node, start: start, stop: stop, step: step)
    }

    private mutating func parseCallArguments() throws(JinjaSyntaxError) -> Arguments {
        try expectOp("(")
        var args = Arguments()
        while !isOp(")") {
            if !args.positional.isEmpty || !args.keyword.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            if isOp("*") || isOp("**") {
                throw error("*args and **kwargs in calls are not supported", kind: .unsupported)
            }
            if case let .name(name) = current.kind, peek().kind == .op("=") {
                _ = next()
                _ = next()
                args.keyword.append((name, try parseExpression()))
            } else {
                if !args.keyword.isEmpty { throw error("Invalid argument syntax: positional argument after keyword") }
                args.positional.append(try parseExpression())
            }
        }
        try expectOp(")")
        return args
    }

    private mutating func parseDottedName() throws(JinjaSyntaxError) -> String {
        var name = try expectName()
        while skipOp(".") { name += "." + (try expectName()) }
        return name
    }

    private mutating func parseFilter(_ node: Expr) throws(JinjaSyntaxError) -> Expr {
        try expectOp("|")
        let nameLine = line
        let name = try parseDottedName()
        try Filters.validate(name, line: nameLine)
        let args = isOp("(") ? try parseCallArguments() : Arguments()
        if name == "regex_replace", let first = args.positional.first, case let .literal(.string(pattern)) = first {
            let rest = Arguments(positional: Array(args.positional.dropFirst()), keyword: args.keyword)
            return .regexReplace(node, Result { () throws(RenderFailure) in try PyRegex(pattern: pattern) }, rest)
        }
        return .filter(node, name: name, args)
    }

    private mutating func parseTest(_ node: Expr) throws(JinjaSyntaxError) -> Expr {
        _ = next()
        let negated = skipName("not")
        let nameLine = line
        let name = try parseDottedName()
        try TestFunctions.validate(name, line: nameLine)
        var args = Arguments()
        if isOp("(") {
            args = try parseCallArguments()
        } else {
            var startsPrimary: Bool
            switch current.kind {
            case .name, .string, .integer, .float, .op("("), .op("["), .op("{"): startsPrimary = true
            default: startsPrimary = false
            }
            if isName("else") || isName("or") || isName("and") { startsPrimary = false }
            if startsPrimary {
                if isName("is") { throw error("You cannot chain multiple tests with is") }
                args.positional = [try parsePostfix(try parsePrimary())]
            }
        }
        let test = Expr.test(node, name: name, args)
        return negated ? .not(test) : test
    }
}
