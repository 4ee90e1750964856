import JSON
import Python
import PythonRegex

/// lm-eval 0.4.9's `exact_match` (its port of HF evaluate's `exact_match`, in `api/metrics.py`).
///
/// `regexes_to_ignore` are removed (`re.sub(p, "", x)`, in order) from predictions and
/// references alike, then `ignore_case` lower-cases, `ignore_punctuation` deletes
/// `string.punctuation` (ASCII only), `ignore_numbers` deletes ASCII digits; the score is the
/// mean of element-wise equality. The values go through numpy string arrays, which drop
/// trailing NUL characters but keep trailing whitespace (numpy 2.x): `"2\n" != "2"`.
public struct ExactMatch: Sendable {
    public let regexesToIgnore: [PythonRegex]?
    public let ignoreCase: Bool
    public let ignorePunctuation: Bool
    public let ignoreNumbers: Bool

    public init(regexesToIgnore: [PythonRegex]? = nil, ignoreCase: Bool = false, ignorePunctuation: Bool = false, ignoreNumbers: Bool = false) {
        self.regexesToIgnore = regexesToIgnore
        self.ignoreCase = ignoreCase
        self.ignorePunctuation = ignorePunctuation
        self.ignoreNumbers = ignoreNumbers
    }

    /// The keyword arguments `exact_match` accepts in a `metric_list` entry.
    static let argumentNames: Set<String> = ["regexes_to_ignore", "ignore_case", "ignore_punctuation", "ignore_numbers"]

    init(_ args: Arguments) throws(ScoringError) {
        try args.allow(Self.argumentNames)
        self.init(regexesToIgnore: try args.regexList("regexes_to_ignore"),
                  ignoreCase: try args.bool("ignore_case", default: false),
                  ignorePunctuation: try args.bool("ignore_punctuation", default: false),
                  ignoreNumbers: try args.bool("ignore_numbers", default: false))
    }

    /// The score for parallel lists of predictions and references (`np.mean(predictions == references)`).
    public func score(predictions: [JSONValue], references: [JSONValue], task: String = "") throws(ScoringError) -> Double {
        guard predictions.count == references.count, !predictions.isEmpty else {
            throw ScoringError(.sample, task: task, "exact_match needs as many predictions as references (\(predictions.count) vs \(references.count))")
        }
        // With `regexes_to_ignore: []` and no other option the values stay Python lists, and
        // `list == list` is one bool rather than an element-wise comparison.
        let asArrays = regexesToIgnore.map { !$0.isEmpty } ?? true || ignoreCase || ignorePunctuation || ignoreNumbers
        let needsStrings = regexesToIgnore.map { !$0.isEmpty } ?? false || ignoreCase || ignorePunctuation || ignoreNumbers
        func prepare(_ values: [JSONValue]) throws(ScoringError) -> [JSONValue] {
            var out: [JSONValue] = []
            for value in values {
                guard case var .string(s) = value else {
                    if needsStrings {
                        throw ScoringError(.sample, task: task, "exact_match with regexes_to_ignore/ignore_* needs strings, got \(value.typeName) \(PythonValue.repr(value))")
                    }
                    out.append(value)
                    continue
                }
                for regex in regexesToIgnore ?? [] { s = regex.sub(in: s) { _ in "" } }
                if asArrays { s = Self.numpyString(s) }
                if ignoreCase { s = s.lowercased() }
                if ignorePunctuation { s = PyText.removing(s, where: PyText.isASCIIPunctuation) }
                if ignoreNumbers { s = PyText.removing(s, where: { $0.value >= 48 && $0.value <= 57 }) }
                out.append(.string(s))
            }
            return out
        }
        let p = try prepare(predictions)
        let r = try prepare(references)
        let equal = zip(p, r).map { Self.pythonEqual($0, $1) }
        if !asArrays { return equal.allSatisfy { $0 } ? 1.0 : 0.0 }
        return Double(equal.filter { $0 }.count) / Double(equal.count)
    }

    /// A numpy `str_` element: trailing NULs are padding and disappear.
    static func numpyString(_ s: String) -> String {
        guard s.unicodeScalars.last == "\u{0}" else { return s }
        return PyText.string(Array(s.unicodeScalars).reversed().drop(while: { $0 == "\u{0}" }).reversed())
    }

    static func pythonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case let .string(x) = a, case let .string(y) = b { return PyText.equal(x, y) }
        if case .string = a { return false }
        if case .string = b { return false }
        return a == b
    }
}
