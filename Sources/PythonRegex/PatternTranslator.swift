import Python

/// Rewrites a Python `re` pattern into an ICU pattern with the same meaning.
///
/// ICU differs from Python where `.`, `^`, `$` and `\Z` stop (ICU knows more line terminators),
/// in what `{` and `[` inside a class mean, in group-name syntax and in which inline flags exist.
/// Named groups become plain numbered groups (ICU names may not contain `_`); the names are
/// kept in `groupNames` so `group(named:)` and `\g<name>` still work.
struct PatternTranslator {
    struct Output {
        var pattern: String
        var groupCount: Int
        var groupNames: [String: Int]
    }

    /// The flags that change how the translation reads `.`, `^`, `$` and whitespace.
    private struct Mode {
        var dotAll: Bool
        var multiline: Bool
        var verbose: Bool
    }

    private let p: [Unicode.Scalar]
    private let source: String
    private var k = 0
    private var out = String.UnicodeScalarView()
    private var mode: Mode
    private var stack: [Mode] = []
    private var groupCount = 0
    private var groupNames: [String: Int] = [:]
    /// `i` from a leading `(?i)`, passed to ICU as an option.
    private(set) var globalIgnoreCase = false

    private init(_ pattern: String, flags: PythonRegex.Flags) {
        p = Array(pattern.unicodeScalars)
        source = pattern
        mode = Mode(dotAll: flags.contains(.dotAll), multiline: flags.contains(.multiline), verbose: flags.contains(.verbose))
    }

    /// Translates `pattern`; returns the ICU pattern and whether a leading `(?i)` asked for case folding.
    static func translate(_ pattern: String, flags: PythonRegex.Flags) throws(PythonRegexError) -> (Output, ignoreCase: Bool) {
        var translator = PatternTranslator(pattern, flags: flags)
        try translator.run()
        let output = Output(pattern: String(translator.out), groupCount: translator.groupCount, groupNames: translator.groupNames)
        return (output, translator.globalIgnoreCase)
    }

    private func error(_ message: String) -> PythonRegexError {
        PythonRegexError(message: "\(message) in pattern \(PythonValue.repr(source))")
    }

    private func startsWith(_ s: String, at index: Int) -> Bool {
        PyText.hasPrefix(p, s, at: index)
    }

    private mutating func append(_ s: String) { out.append(contentsOf: s.unicodeScalars) }

    private static let flagLetters = "aiLmsux".unicodeScalars

    private mutating func run() throws(PythonRegexError) {
        try readGlobalFlags()
        var inClass = false
        while k < p.count {
            let c = p[k]
            if c == "\\" {
                try escape(inClass: inClass)
                continue
            }
            if inClass {
                if c == "]" {
                    inClass = false
                    out.append(c)
                } else if c == "[" {
                    append("\\[")
                } else if c == "&", k + 1 < p.count, p[k + 1] == "&" {
                    append("\\&")
                } else {
                    out.append(c)
                }
                k += 1
                continue
            }
            if mode.verbose, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
                k += 1
                continue
            }
            if mode.verbose, c == "#" {
                while k < p.count, p[k] != "\n" { k += 1 }
                continue
            }
            switch c {
            case "[":
                inClass = true
                out.append(c)
                k += 1
                // A `]` right after `[` or `[^` is a literal in Python; ICU needs it escaped.
                if k < p.count, p[k] == "^" {
                    out.append(p[k])
                    k += 1
                }
                if k < p.count, p[k] == "]" {
                    append("\\]")
                    k += 1
                }
            case "(":
                try openGroup()
            case ")":
                if let outer = stack.popLast() { mode = outer }
                out.append(c)
                k += 1
            case "{":
                quantifierOrBrace()
            case "}":
                append("\\}")
                k += 1
            case ".":
                append(mode.dotAll ? "(?s:.)" : "[^\\n]")
                k += 1
            case "$":
                append(mode.multiline ? "(?=\\n|\\z)" : "(?=\\n?\\z)")
                k += 1
            case "^":
                append(mode.multiline ? "(?<![^\\n])" : "^")
                k += 1
            default:
                out.append(c)
                k += 1
            }
        }
        if inClass { throw error("unterminated character set") }
    }

    /// Python allows global flags `(?imsx)` only at the very start of the pattern.
    private mutating func readGlobalFlags() throws(PythonRegexError) {
        while k + 2 < p.count, p[k] == "(", p[k + 1] == "?", Self.flagLetters.contains(p[k + 2]) {
            var end = k + 2
            while end < p.count, Self.flagLetters.contains(p[end]) { end += 1 }
            guard end < p.count, p[end] == ")" else { return }
            var global = mode
            for flag in p[(k + 2)..<end] { try apply(flag, to: &global, global: true) }
            mode = global
            k = end + 1
        }
    }

    private mutating func apply(_ flag: Unicode.Scalar, to mode: inout Mode, global: Bool) throws(PythonRegexError) {
        switch flag {
        case "s": mode.dotAll = true
        case "m": mode.multiline = true
        case "x": mode.verbose = true
        case "i": if global { globalIgnoreCase = true }
        case "u": break
        case "a": throw error("the ASCII flag (?a) is not supported")
        default: throw error("bad inline flag (?\(flag))")
        }
    }

    private mutating func openGroup() throws(PythonRegexError) {
        guard k + 1 < p.count, p[k + 1] == "?" else {
            groupCount += 1
            stack.append(mode)
            out.append("(")
            k += 1
            return
        }
        if startsWith("(?P<", at: k) {
            guard let close = p[(k + 4)...].firstIndex(of: ">") else { throw error("missing >, unterminated name") }
            let name = PyText.string(p[(k + 4)..<close])
            guard PyText.isIdentifier(name) else { throw error("bad character in group name '\(name)'") }
            guard groupNames[name] == nil else { throw error("redefinition of group name '\(name)'") }
            groupCount += 1
            groupNames[name] = groupCount
            stack.append(mode)
            out.append("(")
            k = close + 1
            return
        }
        if startsWith("(?P=", at: k) {
            guard let close = p[(k + 4)...].firstIndex(of: ")") else { throw error("missing ), unterminated name") }
            let name = PyText.string(p[(k + 4)..<close])
            guard let index = groupNames[name] else { throw error("unknown group name '\(name)'") }
            append("(?:\\\(index))")
            k = close + 1
            return
        }
        if startsWith("(?#", at: k) {
            while k < p.count, p[k] != ")" { k += 1 }
            guard k < p.count else { throw error("missing ), unterminated comment") }
            k += 1
            return
        }
        if startsWith("(?(", at: k) { throw error("conditional groups (?(...)...) are not supported") }
        if startsWith("(?<", at: k), !startsWith("(?<=", at: k), !startsWith("(?<!", at: k) {
            throw error("unknown extension ?<")
        }
        let first = k + 2
        if first < p.count, Self.flagLetters.contains(p[first]) || p[first] == "-" {
            try scopedFlags()
            return
        }
        // (?:  (?=  (?!  (?<=  (?<!  (?>  — same in both dialects.
        stack.append(mode)
        out.append("(")
        k += 1
    }

    /// `(?s:…)`, `(?i-s:…)`: flags for one group; ICU gets only `i`, the rest is translated here.
    private mutating func scopedFlags() throws(PythonRegexError) {
        var end = k + 2
        var on: [Unicode.Scalar] = []
        var off: [Unicode.Scalar] = []
        var turningOff = false
        while end < p.count, p[end] != ":" && p[end] != ")" {
            if p[end] == "-" {
                turningOff = true
            } else if turningOff {
                off.append(p[end])
            } else {
                on.append(p[end])
            }
            end += 1
        }
        guard end < p.count else { throw error("missing -, : or )") }
        if p[end] == ")" { throw error("global flags not at the start of the expression") }
        var inner = mode
        for flag in on where flag != "i" { try apply(flag, to: &inner, global: false) }
        for flag in off {
            switch flag {
            case "s": inner.dotAll = false
            case "m": inner.multiline = false
            case "x": inner.verbose = false
            case "i": break
            default: throw error("bad inline flag (?-\(flag))")
            }
        }
        var icu = "(?"
        if on.contains("i") { icu += "i" }
        if off.contains("i") { icu += "-i" }
        append(icu + ":")
        stack.append(mode)
        mode = inner
        k = end + 1
    }

    private mutating func escape(inClass: Bool) throws(PythonRegexError) {
        guard k + 1 < p.count else { throw error("bad escape (end of pattern)") }
        let e = p[k + 1]
        k += 2
        switch e {
        case "v":
            append("\\x{0B}")
        case "b" where inClass:
            append("\\x{08}")
        case "Z" where !inClass:
            append("\\z")
        case "0":
            append(octal(first: 0))
        case "1"..."9" where inClass:
            append(octal(first: e.value - 48))
        case "1"..."9":
            // Three octal digits are a character; otherwise one or two digits are a group reference.
            if ("0"..."7").contains(e), k + 1 < p.count, ("0"..."7").contains(p[k]), ("0"..."7").contains(p[k + 1]) {
                append(octal(first: e.value - 48))
                return
            }
            var number = Int(e.value - 48)
            if k < p.count, ("0"..."9").contains(p[k]) {
                number = number * 10 + Int(p[k].value - 48)
                k += 1
            }
            guard number <= groupCount else { throw error("invalid group reference \(number)") }
            append("(?:\\\(number))")
        default:
            out.append("\\")
            out.append(e)
        }
    }

    /// An octal escape: the digit already read plus up to two more (three in all).
    private mutating func octal(first: UInt32) -> String {
        var value = first
        var taken = 0
        while taken < 2, k < p.count, ("0"..."7").contains(p[k]) {
            value = value * 8 + p[k].value - 48
            k += 1
            taken += 1
        }
        return "\\x{" + String(value, radix: 16) + "}"
    }

    /// `{m}`, `{m,}`, `{,n}`, `{m,n}` are quantifiers; any other `{` is a literal in Python.
    private mutating func quantifierOrBrace() {
        var end = k + 1
        while end < p.count, p[end].isASCII, ("0"..."9").contains(p[end]) || p[end] == "," { end += 1 }
        let body = PyText.string(p[(k + 1)..<end])
        let isQuantifier = end < p.count && p[end] == "}" && !body.isEmpty && body != ","
            && body.filter({ $0 == "," }).count <= 1
        if isQuantifier {
            append("{" + (body.hasPrefix(",") ? "0" + body : body) + "}")
            k = end + 1
        } else {
            append("\\{")
            k += 1
        }
    }
}
