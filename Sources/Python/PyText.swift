/// Python `str` algorithms over Unicode code points (not grapheme clusters, unlike `String`).
public enum PyText {
    /// A string as Python indexes it: one element per code point.
    public typealias Scalars = [Unicode.Scalar]

    /// The code points of `s`, for Python's indexing and slicing.
    public static func scalars(_ s: String) -> Scalars { Array(s.unicodeScalars) }

    /// A string of these code points.
    public static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `len(s)`: code points, not characters.
    public static func length(_ s: String) -> Int { s.unicodeScalars.count }

    /// Python code-point equality (Swift's `==` would equate canonically equivalent strings).
    public static func equal(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    /// Code-point order, as Python compares strings.
    public static func less(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    /// Python's `str.isspace()` for one character.
    public static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// Whether `c` may start a Python identifier.
    public static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII ? c.properties.isAlphabetic : c.properties.isXIDStart)
    }

    /// Whether `c` may continue a Python identifier.
    public static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII ? (c.properties.isAlphabetic || (c.value >= 48 && c.value <= 57)) : c.properties.isXIDContinue)
    }

    /// `s.isidentifier()`: a valid Python identifier (keywords included).
    public static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, isIdentifierStart(first) else { return false }
        return s.unicodeScalars.dropFirst().allSatisfy { isIdentifierContinue($0) }
    }

    /// Python's `str.isdecimal()` for one character (Numeric_Type Decimal).
    public static func isDecimal(_ c: Unicode.Scalar) -> Bool { c.properties.numericType == .decimal }
    /// Python's `str.isdigit()` for one character (Numeric_Type Decimal or Digit).
    public static func isDigit(_ c: Unicode.Scalar) -> Bool {
        c.properties.numericType == .decimal || c.properties.numericType == .digit
    }
    /// Python's `str.isnumeric()` for one character (any Numeric_Type).
    public static func isNumeric(_ c: Unicode.Scalar) -> Bool { c.properties.numericType != nil }
    /// Python's `str.isalpha()` for one character (a letter category).
    public static func isAlpha(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    // MARK: - strip / split

    /// `str.strip(chars)`, `lstrip` or `rstrip`; `chars == nil` strips whitespace.
    public static func strip(_ s: String, chars: String?, left: Bool, right: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let drop: (Unicode.Scalar) -> Bool = { c in set.map { $0.contains(c) } ?? isSpace(c) }
        let all = Substring(s).unicodeScalars
        var slice = all[...]
        if left { while let c = slice.first, drop(c) { slice = slice.dropFirst() } }
        if right { while let c = slice.last, drop(c) { slice = slice.dropLast() } }
        // No copy when nothing was stripped, the usual case when scoring responses.
        if slice.startIndex == all.startIndex && slice.endIndex == all.endIndex { return s }
        return String(Substring(slice))
    }

    /// `s.strip()`.
    public static func strip(_ s: String) -> String { strip(s, chars: nil, left: true, right: true) }

    /// `s.lstrip()`.
    public static func lstrip(_ s: String) -> String { strip(s, chars: nil, left: true, right: false) }

    /// `str.split(sep, maxsplit)`; `sep == nil` splits on runs of whitespace.
    public static func split(_ s: String, sep: String?, maxSplit: Int) -> [String] {
        let text = scalars(s)
        guard let sep else { return whitespaceSplit(text, maxSplit: maxSplit, reverse: false) }
        let needle = scalars(sep)
        var parts: [String] = []
        var start = 0
        var k = 0
        while k + needle.count <= text.count, maxSplit < 0 || parts.count < maxSplit {
            if text[k..<(k + needle.count)].elementsEqual(needle) {
                parts.append(string(text[start..<k]))
                k += needle.count
                start = k
            } else {
                k += 1
            }
        }
        parts.append(string(text[start...]))
        return parts
    }

    /// `str.rsplit(sep, maxsplit)`; `sep == nil` splits on runs of whitespace.
    public static func rsplit(_ s: String, sep: String?, maxSplit: Int) -> [String] {
        let text = scalars(s)
        guard let sep else { return whitespaceSplit(text, maxSplit: maxSplit, reverse: true) }
        let needle = scalars(sep)
        var parts: [String] = []
        var end = text.count
        var k = text.count - needle.count
        while k >= 0, maxSplit < 0 || parts.count < maxSplit {
            if text[k..<(k + needle.count)].elementsEqual(needle) {
                parts.append(string(text[(k + needle.count)..<end]))
                end = k
                k -= needle.count
            } else {
                k -= 1
            }
        }
        parts.append(string(text[..<end]))
        return parts.reversed()
    }

    private static func whitespaceSplit(_ text: Scalars, maxSplit: Int, reverse: Bool) -> [String] {
        var words: [String] = []
        let indices = reverse ? Array(text.indices.reversed()) : Array(text.indices)
        var k = 0
        while k < indices.count {
            while k < indices.count, isSpace(text[indices[k]]) { k += 1 }
            guard k < indices.count else { break }
            if maxSplit >= 0, words.count == maxSplit {
                // The remainder keeps all its whitespace except the run just skipped.
                var rest = Array(indices[k...])
                if reverse { rest.reverse() }
                words.append(string(rest.map { text[$0] }))
                break
            }
            var word: Scalars = []
            while k < indices.count, !isSpace(text[indices[k]]) {
                word.append(text[indices[k]])
                k += 1
            }
            words.append(string(reverse ? word.reversed() : word))
        }
        return reverse ? words.reversed() : words
    }

    /// `str.splitlines(keepends)`, on every line boundary Python knows.
    public static func splitLines(_ s: String, keepEnds: Bool) -> [String] {
        let text = scalars(s)
        var lines: [String] = []
        var start = 0
        var k = 0
        while k < text.count {
            let c = text[k].value
            let isBreak = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029].contains(c)
            guard isBreak else {
                k += 1
                continue
            }
            var end = k + 1
            if c == 0x0D, end < text.count, text[end] == "\n" { end += 1 }
            lines.append(string(text[start..<(keepEnds ? end : k)]))
            start = end
            k = end
        }
        if start < text.count { lines.append(string(text[start...])) }
        return lines
    }

    // MARK: - search

    /// Resolves Python's optional `start`/`end` arguments to a clamped range.
    public static func bounds(_ count: Int, start: Int?, end: Int?) -> (Int, Int) {
        func clamp(_ v: Int) -> Int { v < 0 ? max(0, v + count) : min(v, count) }
        return (clamp(start ?? 0), clamp(end ?? count))
    }

    /// `str.find(sub, start, end)` (`rfind` with `reverse`); nil where Python returns -1.
    public static func find(_ s: String, _ sub: String, start: Int? = nil, end: Int? = nil, reverse: Bool = false) -> Int? {
        let text = scalars(s)
        let needle = scalars(sub)
        let (lo, hi) = bounds(text.count, start: start, end: end)
        guard hi - lo >= needle.count else { return nil }
        let candidates = Array(lo...(hi - needle.count))
        for k in reverse ? candidates.reversed() : candidates where text[k..<(k + needle.count)].elementsEqual(needle) {
            return k
        }
        return nil
    }

    /// `str.count(sub, start, end)`: non-overlapping occurrences.
    public static func count(_ s: String, _ sub: String, start: Int? = nil, end: Int? = nil) -> Int {
        let text = scalars(s)
        let needle = scalars(sub)
        let (lo, hi) = bounds(text.count, start: start, end: end)
        guard hi - lo >= needle.count else { return 0 }
        if needle.isEmpty { return hi - lo + 1 }
        var total = 0
        var k = lo
        while k + needle.count <= hi {
            if text[k..<(k + needle.count)].elementsEqual(needle) {
                total += 1
                k += needle.count
            } else {
                k += 1
            }
        }
        return total
    }

    /// `sub in s`.
    public static func contains(_ s: String, _ sub: String) -> Bool { find(s, sub) != nil }

    /// `s.startswith(prefix)`, by code points.
    public static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        s.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// `s.startswith(prefix, position)` over code points already split out (the scanners' source text).
    public static func hasPrefix(_ scalars: Scalars, _ prefix: String, at position: Int) -> Bool {
        var k = position
        for scalar in prefix.unicodeScalars {
            guard k >= 0, k < scalars.count, scalars[k] == scalar else { return false }
            k += 1
        }
        return true
    }

    /// `s.endswith(suffix)`, by code points.
    public static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
        s.unicodeScalars.reversed().starts(with: suffix.unicodeScalars.reversed())
    }

    /// `str.replace(old, new, count)`; count < 0 replaces all.
    public static func replace(_ s: String, _ old: String, _ new: String, count: Int = -1) -> String {
        let text = scalars(s)
        let needle = scalars(old)
        let replacement = scalars(new)
        var out: Scalars = []
        out.reserveCapacity(text.count)
        var done = 0
        if needle.isEmpty {
            // Python inserts `new` before every character and at the end.
            for c in text {
                if count < 0 || done < count {
                    out += replacement
                    done += 1
                }
                out.append(c)
            }
            if count < 0 || done < count { out += replacement }
            return string(out)
        }
        var k = 0
        while k < text.count {
            if count < 0 || done < count, k + needle.count <= text.count,
               text[k..<(k + needle.count)].elementsEqual(needle)
            {
                out += replacement
                k += needle.count
                done += 1
            } else {
                out.append(text[k])
                k += 1
            }
        }
        return string(out)
    }

    // MARK: - case

    /// Python `str.lower()`: full case mapping, with Greek final sigma chosen by context.
    public static func lower(_ s: String) -> String {
        let text = scalars(s)
        var out = ""
        for (k, c) in text.enumerated() {
            if c == "\u{03A3}" {
                out += isFinalSigma(text, at: k) ? "\u{03C2}" : "\u{03C3}"
            } else {
                out += c.properties.lowercaseMapping
            }
        }
        return out
    }

    /// Unicode's Final_Sigma: a cased letter before (skipping case-ignorables) and none after.
    private static func isFinalSigma(_ text: Scalars, at index: Int) -> Bool {
        var k = index - 1
        while k >= 0, text[k].properties.isCaseIgnorable { k -= 1 }
        guard k >= 0, text[k].properties.isCased else { return false }
        k = index + 1
        while k < text.count, text[k].properties.isCaseIgnorable { k += 1 }
        return !(k < text.count && text[k].properties.isCased)
    }

    /// Python `str.upper()`: full case mapping.
    public static func upper(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars { out += c.properties.uppercaseMapping }
        return out
    }

    /// Python 3.8+ `str.capitalize()`: first character title-cased, the rest lower-cased.
    public static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return first.properties.titlecaseMapping + lower(string(s.unicodeScalars.dropFirst()))
    }

    /// Python `str.title()`: title-case after an uncased character, lower-case after a cased one.
    public static func title(_ s: String) -> String {
        let text = scalars(s)
        var out = ""
        var previousCased = false
        for (k, c) in text.enumerated() {
            if previousCased {
                out += c == "\u{03A3}" ? (isFinalSigma(text, at: k) ? "\u{03C2}" : "\u{03C3}") : c.properties.lowercaseMapping
            } else {
                out += c.properties.titlecaseMapping
            }
            previousCased = c.properties.isCased
        }
        return out
    }

    /// Python `str.swapcase()`.
    public static func swapcase(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if c.properties.isUppercase { out += c.properties.lowercaseMapping }
            else if c.properties.isLowercase { out += c.properties.uppercaseMapping }
            else { out.unicodeScalars.append(c) }
        }
        return out
    }

    /// Python's `isupper()` / `islower()`: some cased character, none of the other case.
    public static func isCase(_ s: String, upper: Bool) -> Bool {
        var sawCased = false
        for c in s.unicodeScalars {
            if upper ? c.properties.isLowercase : c.properties.isUppercase { return false }
            if upper ? c.properties.isUppercase : c.properties.isLowercase { sawCased = true }
            if c.properties.generalCategory == .titlecaseLetter { return false }
        }
        return sawCased
    }

    // MARK: - padding

    /// `ljust`/`rjust`/`center` (align `<`, `>`, `c`) and format's `^` centring, with `fill`.
    public static func pad(_ s: String, width: Int, fill: Unicode.Scalar, align: Character) -> String {
        let length = self.length(s)
        guard width > length else { return s }
        let total = width - length
        let left: Int
        switch align {
        case ">": left = total
        case "^": left = total / 2
        case "c": left = total / 2 + (total & width & 1)  // str.center rounds differently from format's ^
        default: left = 0
        }
        let right = total - left
        // String(repeating:) copies in bulk; appending scalars one by one took seconds for a width of millions.
        let padding = String(fill)
        return String(repeating: padding, count: left) + s + String(repeating: padding, count: right)
    }

    /// `str.zfill(width)`: zeros after a leading sign.
    public static func zfill(_ s: String, width: Int) -> String {
        var text = scalars(s)
        guard width > text.count else { return s }
        let zeros = Scalars(repeating: "0", count: width - text.count)
        if let first = text.first, first == "+" || first == "-" {
            text.insert(contentsOf: zeros, at: 1)
        } else {
            text.insert(contentsOf: zeros, at: 0)
        }
        return string(text)
    }

    // MARK: - whole-string predicates and character classes

    /// `s.isdigit()`: non-empty and every character has Numeric_Type Decimal or Digit.
    public static func isDigit(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { isDigit($0) }
    }

    /// `s.isspace()`: non-empty and all whitespace.
    public static func isSpace(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { isSpace($0) }
    }

    /// `s.isprintable()`, true for the empty string.
    public static func isPrintable(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { isPrintable($0) }
    }

    /// Python's `str.isprintable()` for one character: not a control, format, surrogate,
    /// private-use, unassigned or separator character other than the space.
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// `s.translate(table)` with a table that deletes every character `drop` accepts.
    public static func removing(_ s: String, where drop: (Unicode.Scalar) -> Bool) -> String {
        guard s.unicodeScalars.contains(where: drop) else { return s }
        var view = String.UnicodeScalarView()
        for scalar in s.unicodeScalars where !drop(scalar) { view.append(scalar) }
        return String(view)
    }

    /// `c in string.punctuation`.
    public static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: return false
        }
    }

    /// `unicodedata.category(c).startswith("P")`.
    public static func isUnicodePunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
