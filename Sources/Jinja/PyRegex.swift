import Foundation

/// A Python `re` pattern run by ICU (NSRegularExpression), for the `regex_replace` filter.
///
/// The pattern is translated: `(?P<n>…)` → `(?<n>…)`, `(?P=n)` → `\k<n>`, `\Z` → `\z`, a literal
/// `[` inside a class and a `{` that is not a quantifier are escaped, `{,n}` → `{0,n}`, and `.`,
/// `^`, `$` are rewritten so only `\n` ends a line, as in Python. Known divergences: ICU's `\w` also matches combining marks,
/// and its `\s` does not match `\x1c`-`\x1f`; Python matches the reverse.
struct PyRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    let regex: NSRegularExpression
    let groupNames: Set<String>

    init(pattern: String) throws(RenderFailure) {
        var names: Set<String> = []
        var rest = Substring(pattern)
        while let start = rest.range(of: "(?P<") {
            rest = rest[start.upperBound...]
            if let close = rest.firstIndex(of: ">") { names.insert(String(rest[..<close])) }
        }
        groupNames = names
        do {
            regex = try NSRegularExpression(pattern: PyRegex.translate(pattern), options: [.useUnixLineSeparators])
        } catch {
            throw .python("re.error", "invalid regular expression \(PythonRepr.repr(.string(pattern)))")
        }
    }

    static func translate(_ pattern: String) -> String {
        let p = Array(pattern.unicodeScalars)
        var out = String.UnicodeScalarView()
        var k = 0
        var inClass = false
        // Python only allows global flags at the start: `(?ims)`.
        var dotAll = false
        var multiline = false
        var scan = 0
        while scan + 2 < p.count, p[scan] == "(", p[scan + 1] == "?", "aiLmsux".unicodeScalars.contains(p[scan + 2]) {
            var end = scan + 2
            while end < p.count, "aiLmsux".unicodeScalars.contains(p[end]) { end += 1 }
            guard end < p.count, p[end] == ")" else { break }
            for flag in p[(scan + 2)..<end] {
                if flag == "s" { dotAll = true }
                if flag == "m" { multiline = true }
            }
            scan = end + 1
        }
        func append(_ s: String) { out.append(contentsOf: s.unicodeScalars) }
        func startsWith(_ s: String, at index: Int) -> Bool {
            let needle = Array(s.unicodeScalars)
            return index + needle.count <= p.count && Array(p[index..<(index + needle.count)]) == needle
        }
        while k < p.count {
            let c = p[k]
            if c == "\\", k + 1 < p.count {
                if !inClass, p[k + 1] == "Z" {
                    append("\\z")
                } else {
                    out.append(c)
                    out.append(p[k + 1])
                }
                k += 2
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
            switch c {
            case "[":
                inClass = true
                out.append(c)
                k += 1
                // A `]` right after `[` or `[^` is a literal in both dialects; keep it in the class.
                if k < p.count, p[k] == "^" {
                    out.append(p[k])
                    k += 1
                }
                if k < p.count, p[k] == "]" {
                    append("\\]")
                    k += 1
                }
            case "(" where startsWith("(?P<", at: k):
                append("(?<")
                k += 4
            case "(" where startsWith("(?P=", at: k):
                var end = k + 4
                while end < p.count, p[end] != ")" { end += 1 }
                append("\\k<" + PyText.string(p[(k + 4)..<min(end, p.count)]) + ">")
                k = end + 1
            case "{":
                var end = k + 1
                while end < p.count, p[end].isASCII, p[end].properties.numericType != nil || p[end] == "," { end += 1 }
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
            case "}":
                append("\\}")
                k += 1
            case "." where !dotAll:
                append("[^\\n]")
                k += 1
            case "$":
                append(multiline ? "(?=\\n|\\z)" : "(?=\\n?\\z)")
                k += 1
            case "^" where multiline:
                append("(?<![^\\n])")
                k += 1
            default:
                out.append(c)
                k += 1
            }
        }
        return String(out)
    }

    /// One piece of a parsed Python replacement template.
    private enum Piece {
        case literal(String)
        case group(Int)
        case named(String)
    }

    private func parseTemplate(_ template: String) throws(RenderFailure) -> [Piece] {
        let t = Array(template.unicodeScalars)
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
        }
        func bad(_ message: String) -> RenderFailure { .python("re.error", message) }
        let groups = regex.numberOfCaptureGroups
        var k = 0
        while k < t.count {
            let c = t[k]
            guard c == "\\" else {
                literal.append(c)
                k += 1
                continue
            }
            guard k + 1 < t.count else { throw bad("bad escape (end of pattern)") }
            let e = t[k + 1]
            k += 2
            switch e {
            case "g":
                guard k < t.count, t[k] == "<", let close = t[k...].firstIndex(of: ">") else {
                    throw bad("missing group name")
                }
                let name = PyText.string(t[(k + 1)..<close])
                k = close + 1
                flush()
                if let index = Int(name) {
                    guard index >= 0, index <= groups else { throw bad("invalid group reference \(index)") }
                    pieces.append(.group(index))
                } else {
                    guard groupNames.contains(name) else { throw .python("IndexError", "unknown group name '\(name)'") }
                    pieces.append(.named(name))
                }
            case "0":
                var value: UInt32 = 0
                var taken = 0
                while taken < 2, k < t.count, ("0"..."7").contains(t[k]) {
                    value = value * 8 + t[k].value - 48
                    k += 1
                    taken += 1
                }
                if let scalar = Unicode.Scalar(value) { literal.append(scalar) }
            case "1"..."9":
                var number = Int(e.value - 48)
                if k < t.count, ("0"..."9").contains(t[k]) {
                    // Three octal digits make a character, otherwise two digits are a group.
                    if ("0"..."7").contains(e), ("0"..."7").contains(t[k]), k + 1 < t.count, ("0"..."7").contains(t[k + 1]) {
                        let value = (e.value - 48) * 64 + (t[k].value - 48) * 8 + (t[k + 1].value - 48)
                        guard value <= 0o377, let scalar = Unicode.Scalar(value) else { throw bad("octal escape value outside of range") }
                        literal.append(scalar)
                        k += 2
                        continue
                    }
                    number = number * 10 + Int(t[k].value - 48)
                    k += 1
                }
                guard number <= groups else { throw bad("invalid group reference \(number)") }
                flush()
                pieces.append(.group(number))
            case "a": literal.append("\u{07}")
            case "b": literal.append("\u{08}")
            case "f": literal.append("\u{0C}")
            case "n": literal.append("\n")
            case "r": literal.append("\r")
            case "t": literal.append("\t")
            case "v": literal.append("\u{0B}")
            case "\\": literal.append("\\")
            default:
                if e.isASCII, e.properties.isAlphabetic { throw bad("bad escape \\\(e)") }
                literal.append("\\")
                literal.append(e)
            }
        }
        flush()
        return pieces
    }

    /// Python `re.sub(pattern, template, text, count)`; count 0 replaces every match.
    func substitute(in text: String, template: String, count: Int) throws(RenderFailure) -> String {
        let pieces = try parseTemplate(template)
        let whole = NSRange(text.startIndex..<text.endIndex, in: text)
        var matches = regex.matches(in: text, options: [], range: whole)
        if count > 0, matches.count > count { matches = Array(matches.prefix(count)) }
        // Slice the scalar view: String subscripts would round to grapheme boundaries (`\r\n`).
        // `Range(_:in:)` rejects ranges inside a grapheme, so map UTF-16 offsets by hand.
        let scalars = text.unicodeScalars
        let utf16 = text.utf16
        func bounds(_ range: NSRange) -> Range<String.Index>? {
            guard range.location != NSNotFound else { return nil }
            let lower = utf16.index(utf16.startIndex, offsetBy: range.location)
            return lower..<utf16.index(lower, offsetBy: range.length)
        }
        var out = ""
        var cursor = text.startIndex
        func substring(_ range: NSRange) -> String? {
            bounds(range).map { String(scalars[$0]) }
        }
        for match in matches {
            guard let r = bounds(match.range) else { continue }
            out += String(scalars[cursor..<r.lowerBound])
            for piece in pieces {
                switch piece {
                case let .literal(s): out += s
                case let .group(i): out += substring(match.range(at: i)) ?? ""
                case let .named(name):
                    out += substring(match.range(withName: name)) ?? ""
                }
            }
            cursor = r.upperBound
        }
        out += String(scalars[cursor...])
        return out
    }
}
