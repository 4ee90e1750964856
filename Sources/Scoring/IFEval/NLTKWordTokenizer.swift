import Python
import PythonRegex

/// nltk's `word_tokenize(text)` (English): Punkt sentences, then `NLTKWordTokenizer` (the improved
/// Treebank tokenizer) on each, as nltk 3.10 does; the substitution rules are nltk's.
public enum NLTKWordTokenizer {
    private typealias Rule = (regex: PythonRegex, template: String)

    private struct Rules: Sendable {
        let startingQuotes: [Rule]
        let punctuation: [Rule]
        let parensBrackets: Rule
        let doubleDashes: Rule
        let endingQuotes: [Rule]
        let contractions: [Rule]

        init() {
            startingQuotes = [
                (Self.compile("([«“‘„]|[`]+)"), #" \1 "#),
                (Self.compile(#"^\""#), "``"),
                (Self.compile("(``)"), #" \1 "#),
                (Self.compile(#"([ \(\[{<])(\"|\'{2})"#), #"\1 `` "#),
                (Self.compile(#"(?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)"#), #"\1 "#),
            ]
            punctuation = [
                (Self.compile(#"([^\.])(\.)([\]\)}>"\'»”’ ]*+)\s*$"#), #"\1 \2 \3 "#),
                (Self.compile(#"([:,])([^\d])"#), #" \1 \2"#),
                (Self.compile(#"([:,])$"#), #" \1 "#),
                (Self.compile(#"\.{2,}"#), #" \g<0> "#),
                (Self.compile(#"[;@#$%&]"#), #" \g<0> "#),
                (Self.compile(#"[\u2012-\u2015]"#), #" \g<0> "#),
                (Self.compile(#"([^\.])(\.)([\]\)}>"\']*)\s*$"#), #"\1 \2\3 "#),
                (Self.compile(#"[?!]"#), #" \g<0> "#),
                (Self.compile(#"([^'])' "#), #"\1 ' "#),
                (Self.compile(#"[*]"#), #" \g<0> "#),
            ]
            parensBrackets = (Self.compile(#"[\]\[\(\)\{\}\<\>]"#), #" \g<0> "#)
            doubleDashes = (Self.compile("--"), " -- ")
            endingQuotes = [
                (Self.compile("([»”’])"), #" \1 "#),
                (Self.compile("''"), " '' "),
                (Self.compile("\""), " '' "),
                (Self.compile(#"\s+"#), " "),
                (Self.compile(#"([^' ])('[sS]|'[mM]|'[dD]|') "#), #"\1 \2 "#),
                (Self.compile(#"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "#), #"\1 \2 "#),
            ]
            // MacIntyre's contractions (CONTRACTIONS2 and CONTRACTIONS3; nltk does not apply CONTRACTIONS4).
            contractions = [
                #"(?i)\b(can)(?#X)(not)\b"#, #"(?i)\b(d)(?#X)('ye)\b"#, #"(?i)\b(gim)(?#X)(me)\b"#, #"(?i)\b(gon)(?#X)(na)\b"#,
                #"(?i)\b(got)(?#X)(ta)\b"#, #"(?i)\b(lem)(?#X)(me)\b"#, #"(?i)\b(more)(?#X)('n)\b"#, #"(?i)\b(wan)(?#X)(na)(?=\s)"#,
                #"(?i) ('t)(?#X)(is)\b"#, #"(?i) ('t)(?#X)(was)\b"#,
            ].map { (Self.compile($0), #" \1 \2 "#) }
        }

        private static func compile(_ pattern: String) -> PythonRegex {
            // Constants that compile; a failure is a regex-translator regression.
            do { return try PythonRegex(pattern) } catch { fatalError("nltk word tokenizer pattern \(pattern): \(error)") }
        }
    }

    private static let rules = Rules()

    /// `nltk.word_tokenize(text)`.
    public static func wordTokenize(_ text: String) -> [String] {
        PunktSentenceTokenizer.english.tokenize(text).flatMap(tokenize)
    }

    /// `NLTKWordTokenizer().tokenize(sentence)`.
    public static func tokenize(_ sentence: String) -> [String] {
        var text = sentence
        func apply(_ rule: Rule) {
            text = (try? rule.regex.sub(rule.template, in: text)) ?? text
        }
        rules.startingQuotes.forEach(apply)
        rules.punctuation.forEach(apply)
        apply(rules.parensBrackets)
        apply(rules.doubleDashes)
        text = " " + text + " "
        rules.endingQuotes.forEach(apply)
        rules.contractions.forEach(apply)
        return PyText.split(text, sep: nil, maxSplit: -1)
    }
}
