import Foundation
import Python

/// A compiled Python `re` pattern, run by ICU (`NSRegularExpression`) with Python's semantics.
///
/// Compile once, match many times; the value is immutable and safe to share between threads.
/// Offsets (`PythonMatch.span`) count Unicode code points, as Python's `str` indices do.
///
/// The pattern is translated (see `PatternTranslator`): `(?P<name>…)` becomes a numbered group
/// with the name kept here, `(?P=name)` a numbered back-reference, `\Z` → `\z`, a literal `[`
/// inside a class and a `{` that is not a quantifier are escaped, `{,n}` → `{0,n}`, octal escapes
/// become `\x{…}`, `\v` is the vertical tab, and `.`, `^`, `$` are rewritten so only `\n` ends a
/// line, as in Python; `(?s)`, `(?m)`, `(?x)` and their scoped forms `(?s:…)` are applied by the
/// translation, `(?i)` / `(?i:…)` by ICU.
///
/// Known divergences from CPython's `re` (none affects lm-eval's task patterns):
/// - ICU's `\w` also matches combining marks (U+0300…), and its `\s` does not match U+001C–U+001F;
///   Python's `\w` is `str.isalnum() or "_"`, its `\s` is `str.isspace()`.
/// - ICU case folding (`(?i)`) uses full Unicode simple folding; Python folds a few characters
///   (e.g. `ſ`, `K` Kelvin sign) slightly differently.
/// - Look-behind must have a bounded length in ICU (`(?<=a+)` fails to compile); Python requires
///   a fixed length, so every valid Python look-behind compiles.
/// - Not supported (a `PythonRegexError` at compile time): the ASCII flag `(?a)` / `re.ASCII`,
///   `re.LOCALE`, conditional groups `(?(1)…|…)`.
/// - Verbose mode (`(?x)`) strips whitespace and `#` comments outside classes, like Python; a
///   `[` inside a comment is not special, as in Python.
/// - ICU may accept a few patterns Python rejects (e.g. unknown escapes such as `\h`, `\R`),
///   where they keep ICU's meaning.
public struct PythonRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let regex: NSRegularExpression
    /// `(?:pattern)\z`, anchored, for `fullmatch` (which must backtrack into a full-length match).
    private let fullRegex: NSRegularExpression
    /// The Python pattern as given.
    public let pattern: String
    /// The flags given at compile time.
    public let flags: Flags
    /// Number of capturing groups, as Python's `Pattern.groups`.
    public let groupCount: Int
    /// Group name → group number, as Python's `Pattern.groupindex`.
    public let groupIndex: [String: Int]

    /// Python's compile flags (`re.I`, `re.M`, `re.S`, `re.X`).
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let ignoreCase = Flags(rawValue: 2)
        public static let multiline = Flags(rawValue: 8)
        public static let dotAll = Flags(rawValue: 16)
        public static let verbose = Flags(rawValue: 64)
    }

    /// `re.compile(pattern, flags)`.
    public init(_ pattern: String, flags: Flags = []) throws(PythonRegexError) {
        self.pattern = pattern
        self.flags = flags
        let (translated, leadingIgnoreCase) = try PatternTranslator.translate(pattern, flags: flags)
        var options: NSRegularExpression.Options = [.useUnixLineSeparators]
        if flags.contains(.ignoreCase) || leadingIgnoreCase { options.insert(.caseInsensitive) }
        do {
            regex = try NSRegularExpression(pattern: translated.pattern, options: options)
            fullRegex = try NSRegularExpression(pattern: "(?:" + translated.pattern + ")\\z", options: options)
        } catch {
            throw PythonRegexError(message: "invalid regular expression \(PythonValue.repr(pattern)) (ICU rejects \(PythonValue.repr(translated.pattern)))")
        }
        groupCount = regex.numberOfCaptureGroups
        groupIndex = translated.groupNames
    }

    /// `re.escape(text)`: a pattern matching `text` literally.
    public static func escape(_ text: String) -> String {
        let special = Set("()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}".unicodeScalars)
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            if special.contains(c) { out.append("\\") }
            out.append(c)
        }
        return String(out)
    }

    /// `pattern.search(text)`: the first match anywhere.
    public func search(_ text: String) -> PythonMatch? {
        firstMatch(regex, in: text, options: [])
    }

    /// `pattern.match(text)`: a match starting at the beginning of `text`.
    public func match(_ text: String) -> PythonMatch? {
        firstMatch(regex, in: text, options: [.anchored])
    }

    /// `pattern.fullmatch(text)`: a match covering all of `text`.
    public func fullmatch(_ text: String) -> PythonMatch? {
        firstMatch(fullRegex, in: text, options: [.anchored])
    }

    /// `pattern.finditer(text)`: every non-overlapping match, left to right (empty matches included).
    public func finditer(_ text: String) -> [PythonMatch] {
        let mapper = OffsetMapper(text)
        return regex.matches(in: text, options: [], range: mapper.whole).map { PythonMatch($0, text: text, mapper: mapper, groupIndex: groupIndex) }
    }

    /// One item of `findall`: the match (no groups), its one group, or a tuple of all groups.
    public enum Found: Sendable, Hashable {
        case string(String)
        case tuple([String])
    }

    /// `pattern.findall(text)`: no groups → the matched strings; one group → that group's strings;
    /// several groups → tuples of every group. A group that did not take part is `""`.
    public func findall(_ text: String) -> [Found] {
        finditer(text).map { m in
            switch groupCount {
            case 0: return .string(m.group(0) ?? "")
            case 1: return .string(m.group(1) ?? "")
            default: return .tuple((1...groupCount).map { m.group($0) ?? "" })
            }
        }
    }

    /// `pattern.sub(template, text, count)` with Python's replacement syntax (`\1`, `\g<1>`,
    /// `\g<name>`, `\n`…); `count` 0 replaces every match.
    public func sub(_ template: String, in text: String, count: Int = 0) throws(PythonRegexError) -> String {
        let pieces = try ReplacementTemplate(template, groupCount: groupCount, groupIndex: groupIndex)
        return sub(in: text, count: count) { pieces.expand($0) }
    }

    /// `pattern.sub(function, text, count)`: each match replaced by `replacement(match)`.
    public func sub(in text: String, count: Int = 0, _ replacement: (PythonMatch) -> String) -> String {
        var matches = finditer(text)
        if count > 0, matches.count > count { matches = Array(matches.prefix(count)) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        for m in matches {
            let span = m.span
            out.append(contentsOf: scalars[cursor..<span.lowerBound])
            out.append(contentsOf: replacement(m).unicodeScalars)
            cursor = span.upperBound
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }

    /// `pattern.split(text, maxsplit)`: the pieces between matches, with every group's text
    /// inserted after each split point (`nil` for a group that did not take part).
    public func split(_ text: String, maxsplit: Int = 0) -> [String?] {
        var matches = finditer(text)
        if maxsplit > 0, matches.count > maxsplit { matches = Array(matches.prefix(maxsplit)) }
        let scalars = Array(text.unicodeScalars)
        var out: [String?] = []
        var cursor = 0
        for m in matches {
            let span = m.span
            out.append(PyText.string(scalars[cursor..<span.lowerBound]))
            if groupCount > 0 {
                for g in 1...groupCount { out.append(m.group(g)) }
            }
            cursor = span.upperBound
        }
        out.append(PyText.string(scalars[cursor...]))
        return out
    }

    private func firstMatch(_ regex: NSRegularExpression, in text: String, options: NSRegularExpression.MatchingOptions) -> PythonMatch? {
        let mapper = OffsetMapper(text)
        guard let result = regex.firstMatch(in: text, options: options, range: mapper.whole) else { return nil }
        return PythonMatch(result, text: text, mapper: mapper, groupIndex: groupIndex)
    }
}
