import Python
import PythonRegex

/// A trained Punkt model: nltk's `PunktParameters`.
public struct PunktParameters: Sendable {
    var abbreviationTypes: Set<String> = []
    var collocations: Set<[String]> = []
    var sentenceStarters: Set<String> = []
    var orthographicContext: [String: Int] = [:]

    /// Reads punkt_tab's four tables (one entry a line; `.tab` files are tab-separated).
    init(tables: [String: String]) {
        func lines(_ name: String) -> [String] {
            (tables[name] ?? "").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        }
        abbreviationTypes = Set(lines("abbreviationTypes"))
        sentenceStarters = Set(lines("sentenceStarters"))
        collocations = Set(lines("collocations").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) })
        for line in lines("orthographicContext") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count == 2, let flags = Int(fields[1]) { orthographicContext[String(fields[0])] = flags }
        }
    }
}

/// nltk's `PunktSentenceTokenizer.tokenize(text)` (nltk 3.10, `realign_boundaries=True`) with
/// a trained model; `english` is the model `sent_tokenize` and lm-eval's ifeval `count_sentences` load.
public struct PunktSentenceTokenizer: Sendable {
    let parameters: PunktParameters

    /// nltk's English model (punkt_tab/english).
    public static let english = PunktSentenceTokenizer(parameters: PunktParameters(tables: PunktParameters.englishTables))

    // Orthographic context flags (nltk's _ORTHO_*).
    private static let begUC = 1 << 1, midUC = 1 << 2, unkUC = 1 << 3
    private static let begLC = 1 << 4, midLC = 1 << 5, unkLC = 1 << 6
    private static let upperFlags = begUC | midUC | unkUC
    private static let lowerFlags = begLC | midLC | unkLC

    private struct Patterns: Sendable {
        static let nonWord = #"(?:[)\";}\]\*:@\'\({\[\u2018\u2019\u201c\u201d\xab\xbb?!])"#
        static let multiChar = #"(?:\-{2,}|\.{2,}|(?:\.\s){2,}\.)"#
        static let wordStart = #"[^\(\"\`{\[:;&\#\*@\)}\]\-,]"#

        let periodContext = compile(#"[\.?!](?=(?P<after_tok>"# + nonWord + #"|\s+(?P<next_tok>\S+)))"#)
        let word = compile("(" + multiChar + "|(?=" + wordStart + #")\S+?(?=\s|$|"# + nonWord + "|" + multiChar
                           + #"|,(?=$|\s|"# + nonWord + "|" + multiChar + #"))|\S)"#)
        let boundaryRealignment = compile(#"["\')\]}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:\s+|(?=--)|$)"#, .multiline)
        let numeric = compile(#"^-?[\.,]?\d[\d,\.-]*\.?$"#)
        let ellipsis = compile(#"\.\.+$"#)
        let initial = compile(#"[^\W\d]\.$"#)

        private static func compile(_ pattern: String, _ flags: PythonRegex.Flags = []) -> PythonRegex {
            // Constants that compile; a failure is a regex-translator regression.
            do { return try PythonRegex(pattern, flags: flags) } catch { fatalError("Punkt pattern \(pattern): \(error)") }
        }
    }

    private static let patterns = Patterns()

    /// nltk's `PunktToken`, with the annotations the tokenizer reads.
    private struct Token {
        let text: String
        let type: String
        let periodFinal: Bool
        var sentenceBreak = false
        var abbreviation = false
        var ellipsis = false

        init(_ text: String) {
            self.text = text
            let lowered = PyText.lower(text)
            type = PunktSentenceTokenizer.patterns.numeric.search(lowered) != nil ? "##number##" : lowered
            periodFinal = text.unicodeScalars.last == "."
        }

        var typeNoPeriod: String {
            let s = Array(type.unicodeScalars)
            return s.count > 1 && s.last == "." ? PyText.string(s.dropLast()) : type
        }

        var typeNoSentencePeriod: String { sentenceBreak ? typeNoPeriod : type }
        var firstUpper: Bool { text.unicodeScalars.first.map { PyText.isCase(String($0), upper: true) } ?? false }
        var firstLower: Bool { text.unicodeScalars.first.map { PyText.isCase(String($0), upper: false) } ?? false }
        var isEllipsis: Bool { PunktSentenceTokenizer.patterns.ellipsis.match(text) != nil }
        var isInitial: Bool { PunktSentenceTokenizer.patterns.initial.match(text) != nil }
    }

    /// The sentences of `text`, as nltk's `tokenize` returns them.
    public func tokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return realignedSlices(scalars, text: text).map { PyText.string(scalars[$0]) }
    }

    private func slices(_ scalars: [Unicode.Scalar], text: String) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var lastBreak = 0
        let nextTokenGroup = Self.patterns.periodContext.groupIndex["next_tok"] ?? 2
        for (match, context) in potentialEndContexts(scalars, text: text) where containsSentenceBreak(context) {
            out.append(lastBreak..<max(lastBreak, match.span.upperBound))
            if let next = match.spans[nextTokenGroup], match.group(nextTokenGroup)?.isEmpty == false {
                lastBreak = next.lowerBound
            } else {
                lastBreak = match.span.upperBound
            }
        }
        let end = PyText.length(PyText.strip(text, chars: nil, left: false, right: true))
        out.append(lastBreak..<max(lastBreak, end))
        return out
    }

    /// nltk's `_match_potential_end_contexts`: each candidate break with the word before it and
    /// the text after it, overlapping candidates dropped.
    private func potentialEndContexts(_ scalars: [Unicode.Scalar], text: String) -> [(PythonMatch, String)] {
        var out: [(PythonMatch, String)] = []
        var previousSlice = 0..<0
        var previousMatch: PythonMatch?
        let afterTokenGroup = Self.patterns.periodContext.groupIndex["after_tok"] ?? 1
        func context(_ match: PythonMatch, _ slice: Range<Int>) -> String {
            PyText.string(scalars[slice]) + (match.group(0) ?? "") + (match.group(afterTokenGroup) ?? "")
        }
        for match in Self.patterns.periodContext.finditer(text) {
            let start = match.span.lowerBound
            let before = scalars[min(previousSlice.upperBound, start)..<start]
            var lastSpace = 0
            for (offset, c) in before.enumerated().reversed() where " \t\n\r\u{0B}\u{0C}".unicodeScalars.contains(c) {
                lastSpace = offset
                break
            }
            let wordStart = lastSpace != 0 ? lastSpace + previousSlice.upperBound + 1 : previousSlice.lowerBound
            let wordSlice = wordStart..<max(wordStart, start)
            if let previous = previousMatch, previousSlice.upperBound <= wordSlice.lowerBound {
                out.append((previous, context(previous, previousSlice)))
            }
            previousMatch = match
            previousSlice = wordSlice
        }
        if let previous = previousMatch { out.append((previous, context(previous, previousSlice))) }
        return out
    }

    private func realignedSlices(_ scalars: [Unicode.Scalar], text: String) -> [Range<Int>] {
        let raw = slices(scalars, text: text)
        var out: [Range<Int>] = []
        var realign = 0
        for (index, current) in raw.enumerated() {
            // Python slices: a start past the stop is an empty sentence.
            let start = current.lowerBound + realign
            let first = start < current.upperBound ? start..<current.upperBound : nil
            guard index + 1 < raw.count else {
                if let first { out.append(first) }
                continue
            }
            let next = raw[index + 1]
            if let m = Self.patterns.boundaryRealignment.match(PyText.string(scalars[next])) {
                let kept = PyText.length(PyText.strip(m.group(0) ?? "", chars: nil, left: false, right: true))
                out.append(start..<max(start, next.lowerBound + kept))
                realign = m.span.upperBound
            } else {
                realign = 0
                if let first { out.append(first) }
            }
        }
        return out
    }

    /// nltk's `text_contains_sentbreak`: a token annotated as a break that is not the last one.
    private func containsSentenceBreak(_ text: String) -> Bool {
        var tokens: [Token] = []
        for line in PyText.split(text, sep: "\n", maxSplit: -1) where !PyText.strip(line).isEmpty {
            for found in Self.patterns.word.findall(line) {
                if case let .string(word) = found { tokens.append(Token(word)) }
            }
        }
        for index in tokens.indices { firstPass(&tokens[index]) }
        var found = false
        for index in tokens.indices {
            if index + 1 < tokens.count { secondPass(&tokens[index], next: tokens[index + 1]) }
            if found { return true }
            if tokens[index].sentenceBreak { found = true }
        }
        return false
    }

    private func firstPass(_ token: inout Token) {
        let text = token.text
        if text == "." || text == "?" || text == "!" {
            token.sentenceBreak = true
        } else if token.isEllipsis {
            token.ellipsis = true
        } else if token.periodFinal, !PyText.hasSuffix(text, "..") {
            let stem = PyText.lower(PyText.string(Array(text.unicodeScalars).dropLast()))
            let lastPart = PyText.split(stem, sep: "-", maxSplit: -1).last ?? stem
            if parameters.abbreviationTypes.contains(stem) || parameters.abbreviationTypes.contains(lastPart) {
                token.abbreviation = true
            } else {
                token.sentenceBreak = true
            }
        }
    }

    /// nltk's `_second_pass_annotation` of `token` given the first-pass annotated `next`.
    private func secondPass(_ token: inout Token, next: Token) {
        guard token.periodFinal else { return }
        let type = token.typeNoPeriod
        let nextType = next.typeNoSentencePeriod
        let isInitial = token.isInitial
        if parameters.collocations.contains([type, nextType]) {
            token.sentenceBreak = false
            token.abbreviation = true
            return
        }
        if token.abbreviation || token.ellipsis, !isInitial {
            if orthographicHeuristic(next) == .starter {
                token.sentenceBreak = true
                return
            }
            if next.firstUpper, parameters.sentenceStarters.contains(nextType) {
                token.sentenceBreak = true
                return
            }
        }
        if isInitial || type == "##number##" {
            let verdict = orthographicHeuristic(next)
            if verdict == .notStarter {
                token.sentenceBreak = false
                token.abbreviation = true
                return
            }
            if verdict == .unknown, isInitial, next.firstUpper, (parameters.orthographicContext[nextType] ?? 0) & Self.lowerFlags == 0 {
                token.sentenceBreak = false
                token.abbreviation = true
            }
        }
    }

    private enum Verdict { case starter, notStarter, unknown }

    /// nltk's `_ortho_heuristic`: whether `token` starts a sentence.
    private func orthographicHeuristic(_ token: Token) -> Verdict {
        if [";", ":", ",", ".", "!", "?"].contains(token.text) { return .notStarter }
        let context = parameters.orthographicContext[token.typeNoSentencePeriod] ?? 0
        if token.firstUpper, context & Self.lowerFlags != 0, context & Self.midUC == 0 { return .starter }
        if token.firstLower, context & Self.upperFlags != 0 || context & Self.begLC == 0 { return .notStarter }
        return .unknown
    }
}
