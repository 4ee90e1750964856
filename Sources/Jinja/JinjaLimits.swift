/// Ceilings on what one template may nest, produce or iterate, so that a hostile template fails with
/// a `.limit` error instead of exhausting the stack or memory of the worker that renders it.
///
/// The defaults sit far above lm-eval 0.4.9's task tree (its deepest template nests one block and
/// two brackets; its longest prompt is a few hundred kilobytes) and far below what a worker's
/// smallest stack (a Swift concurrency thread) and memory can take.
public struct JinjaLimits: Sendable, Equatable {
    /// Blocks (`{% if %}`, `{% for %}`, `{% set %}…{% endset %}`) plus brackets, unary operators and
    /// chained conditionals, counted together: the parser and renderer recurse once per level.
    public var maxNesting: Int
    /// UTF-8 bytes of the rendered output and of any string computed on the way.
    public var maxStringBytes: Int
    /// Elements of any list, tuple or `range()` computed while rendering.
    public var maxItems: Int
    /// `{% for %}` iterations of one render, nested loops included.
    public var maxLoopIterations: Int

    public init(maxNesting: Int = 100, maxStringBytes: Int = 32 << 20, maxItems: Int = 1_000_000,
                maxLoopIterations: Int = 1_000_000) {
        self.maxNesting = maxNesting
        self.maxStringBytes = maxStringBytes
        self.maxItems = maxItems
        self.maxLoopIterations = maxLoopIterations
    }

    /// The limits templates get unless their creator passes others.
    public static let `default` = JinjaLimits()

    /// A field width or precision in a format spec or a padding call. Fixed rather than configurable:
    /// the format code sees no limits, and `maxStringBytes` still bounds the string it produces.
    static let maxWidth = 1 << 24

    static func checkWidth(_ width: Int) throws(RenderFailure) {
        guard width <= maxWidth else {
            throw .limit("a field width or precision of \(width) exceeds the limit of \(maxWidth)")
        }
    }

    func checkString(bytes: Int) throws(RenderFailure) {
        guard bytes <= maxStringBytes else {
            throw .limit("a string of \(bytes) bytes exceeds the limit of \(maxStringBytes) (JinjaLimits.maxStringBytes)")
        }
    }

    func checkItems(_ count: Int) throws(RenderFailure) {
        guard count <= maxItems else {
            throw .limit("a sequence of \(count) items exceeds the limit of \(maxItems) (JinjaLimits.maxItems)")
        }
    }

    /// `text.replace(old, new)` may grow to `(len(text) + 1) * len(new)`; refused before building it.
    func checkReplace(_ text: String, _ old: String, _ new: String) throws(RenderFailure) {
        let newBytes = new.utf8.count
        guard newBytes > old.utf8.count else { return }
        let textBytes = text.utf8.count
        let slots = old.isEmpty ? JinjaLimits.sum(textBytes, 1) : textBytes / old.utf8.count
        try checkString(bytes: JinjaLimits.sum(textBytes, JinjaLimits.product(slots, newBytes)))
    }

    /// `re.sub(pattern, template, text)`: at most one match per position, each adding the template's
    /// literal text, and each group reference adding at most the text once over all (matches do not
    /// overlap); refused before substituting when that bound passes the limit.
    func checkSubstitution(_ text: String, template: String) throws(RenderFailure) {
        let textBytes = text.utf8.count
        let references = template.utf8.reduce(0) { $1 == UInt8(ascii: "\\") ? $0 + 1 : $0 }
        let perMatch = template.utf8.count
        let bound = JinjaLimits.sum(JinjaLimits.sum(textBytes, JinjaLimits.product(JinjaLimits.sum(textBytes, 1), perMatch)),
                                    JinjaLimits.product(references, textBytes))
        try checkString(bytes: bound)
    }

    /// `separator.join(parts)`, refused before building it.
    func checkJoin(_ parts: [String], separator: String) throws(RenderFailure) {
        var total = JinjaLimits.product(max(parts.count - 1, 0), separator.utf8.count)
        for part in parts { total = JinjaLimits.sum(total, part.utf8.count) }
        try checkString(bytes: total)
    }

    /// `str()` of a container repeats shared strings as often as they are referenced (`[s] * n` costs
    /// n pointers but prints n copies), so its printed size is bounded before printing: a walk that
    /// adds up a lower bound of the repr's length and stops as soon as that passes the limit.
    func checkPrintable(_ value: Value) throws(RenderFailure) {
        switch value {
        case .list, .tuple, .dict: break
        default: return
        }
        var total = 0
        var pending = [value]
        while let next = pending.popLast() {
            switch next {
            case let .string(text): total = JinjaLimits.sum(total, JinjaLimits.sum(text.utf8.count, 2))
            case let .list(items), let .tuple(items):
                total = JinjaLimits.sum(total, 2 * max(items.count, 1))
                pending.append(contentsOf: items)
            case let .dict(dict):
                total = JinjaLimits.sum(total, 4 * max(dict.count, 1))
                pending.append(contentsOf: dict.keys)
                pending.append(contentsOf: dict.values)
            default: total = JinjaLimits.sum(total, 1)
            }
            if total > maxStringBytes {
                throw .limit("printing this value would exceed the limit of \(maxStringBytes) bytes (JinjaLimits.maxStringBytes)")
            }
        }
    }

    /// `a * b` for sizes, saturating instead of trapping: the product only needs comparing to a limit.
    static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = max(a, 0).multipliedReportingOverflow(by: max(b, 0))
        return overflow ? .max : value
    }

    /// `a + b` for sizes, saturating.
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : value
    }
}
