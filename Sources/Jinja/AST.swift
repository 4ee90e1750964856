/// A compiled template body.
indirect enum Node: Sendable {
    case text(String)
    case output(Expr, line: Int)
    case ifBlock(branches: [(test: Expr, body: [Node])], otherwise: [Node], line: Int)
    case forLoop(ForLoop)
    case set(target: Target, value: Expr, line: Int)
    case setBlock(name: String, body: [Node], line: Int)
}

struct ForLoop: Sendable {
    var target: Target
    var iterable: Expr
    var filter: Expr?
    var body: [Node]
    var otherwise: [Node]
    var line: Int
}

/// The left side of `{% set %}` or `{% for %}`.
indirect enum Target: Sendable {
    case name(String)
    case tuple([Target])
}

enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"
}

enum CompareOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", `in` = "in", notIn = "not in"
}

/// Call arguments: positional, then keyword.
struct Arguments: Sendable {
    var positional: [Expr] = []
    var keyword: [(name: String, value: Expr)] = []
}

indirect enum Expr: Sendable {
    case literal(Value)
    case name(String)
    case attribute(Expr, String)
    case item(Expr, Expr)
    case slice(Expr, start: Expr?, stop: Expr?, step: Expr?)
    case call(Expr, Arguments)
    case filter(Expr, name: String, Arguments)
    /// `regex_replace` with a literal pattern, compiled once; compile errors surface at render time.
    case regexReplace(Expr, Result<PyRegex, RenderFailure>, Arguments)
    case test(Expr, name: String, Arguments)
    case negate(Expr)
    case plus(Expr)
    case not(Expr)
    case binary(BinaryOp, Expr, Expr)
    case concat([Expr])
    case compare(Expr, [(op: CompareOp, rhs: Expr)])
    case and(Expr, Expr)
    case or(Expr, Expr)
    case conditional(test: Expr, then: Expr, otherwise: Expr?)
    case list([Expr])
    case tuple([Expr])
    case dict([(key: Expr, value: Expr)])
}
