import JSON
import Python
import PythonRegex

/// One instruction of an IFEval prompt (lm-eval 0.4.9's `ifeval/instructions_registry.py`
/// `INSTRUCTION_DICT`), built from its id and the row's kwargs as `build_description` does, and
/// checked against a response as `check_following` does.
///
/// lm-eval draws a random value for a kwarg the row leaves out; no IFEval row does, and a random
/// draw cannot be reproduced, so a missing kwarg is an error here.
public enum IFEvalInstruction: Sendable {
    /// `<` ("less than") or `>=` ("at least"), lm-eval's `_COMPARISON_RELATION`.
    public enum Relation: String, Sendable {
        case lessThan = "less than"
        case atLeast = "at least"

        func holds(_ count: Int, _ threshold: Int) -> Bool {
            switch self {
            case .lessThan: count < threshold
            case .atLeast: count >= threshold
            }
        }
    }

    case keywordsExistence(keywords: [String])
    case keywordFrequency(keyword: String, frequency: Int, relation: Relation)
    case forbiddenWords([String])
    case letterFrequency(letter: String, frequency: Int, relation: Relation)
    case responseLanguage(String)
    case numberOfSentences(Int, Relation)
    case numberOfParagraphs(Int)
    case numberOfWords(Int, Relation)
    case nthParagraphFirstWord(paragraphs: Int, nth: Int, firstWord: String)
    case placeholders(Int)
    case postscript(marker: String)
    case bulletLists(Int)
    case constrainedResponse
    case highlightedSections(Int)
    case multipleSections(splitter: String, count: Int)
    case jsonFormat
    case title
    case twoResponses
    case repeatPrompt(String)
    case endPhrase(String)
    case capitalWordFrequency(Int, Relation)
    case englishCapital
    case englishLowercase
    case noComma
    case quotation

    /// Every instruction id lm-eval 0.4.9 registers, in its registry's order.
    public static let registeredIDs: [String] = [
        "keywords:existence", "keywords:frequency", "keywords:forbidden_words", "keywords:letter_frequency",
        "language:response_language", "length_constraints:number_sentences", "length_constraints:number_paragraphs",
        "length_constraints:number_words", "length_constraints:nth_paragraph_first_word",
        "detectable_content:number_placeholders", "detectable_content:postscript", "detectable_format:number_bullet_lists",
        "detectable_format:constrained_response", "detectable_format:number_highlighted_sections",
        "detectable_format:multiple_sections", "detectable_format:json_format", "detectable_format:title",
        "combination:two_responses", "combination:repeat_prompt", "startend:end_checker",
        "change_case:capital_word_frequency", "change_case:english_capital", "change_case:english_lowercase",
        "punctuation:no_comma", "startend:quotation",
    ]

    /// lm-eval's `_CONSTRAINED_RESPONSE_OPTIONS`.
    static let constrainedOptions = ["My answer is yes.", "My answer is no.", "My answer is maybe."]

    /// Builds instruction `id` from its kwargs; falsy values are dropped first, as lm-eval's
    /// `{k: v for k, v in kwargs.items() if v}` does.
    public init(id: String, kwargs: JSONObject, task: String = "ifeval") throws(ScoringError) {
        let arguments = InstructionArguments(id: id, task: task, values: kwargs.pairs.filter { PythonValue.isTruthy($0.value) })
        switch id {
        case "keywords:existence":
            try arguments.allow(["keywords"])
            self = .keywordsExistence(keywords: try arguments.strings("keywords").sorted(by: PyText.less))
        case "keywords:frequency":
            try arguments.allow(["keyword", "frequency", "relation"])
            self = .keywordFrequency(keyword: PyText.strip(try arguments.string("keyword")), frequency: try arguments.count("frequency"),
                                     relation: try arguments.relation("relation"))
        case "keywords:forbidden_words":
            try arguments.allow(["forbidden_words"])
            var unique: [String] = []
            for word in try arguments.strings("forbidden_words") where !unique.contains(where: { PyText.equal($0, word) }) { unique.append(word) }
            self = .forbiddenWords(unique.sorted(by: PyText.less))
        case "keywords:letter_frequency":
            try arguments.allow(["letter", "let_frequency", "let_relation"])
            let letter = try arguments.string("letter")
            let lowered = PyText.lower(letter).unicodeScalars
            guard letter.unicodeScalars.count == 1, lowered.count == 1, let first = lowered.first, (97...122).contains(first.value) else {
                throw arguments.failure("letter must be one ASCII letter, got \(PythonValue.repr(letter)) (lm-eval would draw a random one)")
            }
            self = .letterFrequency(letter: PyText.lower(PyText.strip(letter)), frequency: try arguments.count("let_frequency"),
                                    relation: try arguments.relation("let_relation"))
        case "language:response_language":
            try arguments.allow(["language"])
            self = .responseLanguage(try arguments.string("language"))
        case "length_constraints:number_sentences":
            try arguments.allow(["num_sentences", "relation"])
            self = .numberOfSentences(try arguments.count("num_sentences"), try arguments.relation("relation"))
        case "length_constraints:number_paragraphs":
            try arguments.allow(["num_paragraphs"])
            self = .numberOfParagraphs(try arguments.count("num_paragraphs"))
        case "length_constraints:number_words":
            try arguments.allow(["num_words", "relation"])
            self = .numberOfWords(try arguments.count("num_words"), try arguments.relation("relation"))
        case "length_constraints:nth_paragraph_first_word":
            try arguments.allow(["num_paragraphs", "nth_paragraph", "first_word"])
            let paragraphs = try arguments.count("num_paragraphs")
            let nth = try arguments.int("nth_paragraph")
            guard nth > 0, nth <= paragraphs else {
                throw arguments.failure("nth_paragraph \(nth) is not within 1...\(paragraphs) (lm-eval would draw a random one)")
            }
            self = .nthParagraphFirstWord(paragraphs: paragraphs, nth: nth, firstWord: PyText.lower(try arguments.string("first_word")))
        case "detectable_content:number_placeholders":
            try arguments.allow(["num_placeholders"])
            self = .placeholders(try arguments.count("num_placeholders"))
        case "detectable_content:postscript":
            try arguments.allow(["postscript_marker"])
            self = .postscript(marker: PyText.strip(try arguments.string("postscript_marker")))
        case "detectable_format:number_bullet_lists":
            try arguments.allow(["num_bullets"])
            self = .bulletLists(try arguments.count("num_bullets"))
        case "detectable_format:constrained_response":
            try arguments.allow([])
            self = .constrainedResponse
        case "detectable_format:number_highlighted_sections":
            try arguments.allow(["num_highlights"])
            self = .highlightedSections(try arguments.count("num_highlights"))
        case "detectable_format:multiple_sections":
            try arguments.allow(["section_spliter", "num_sections"])
            self = .multipleSections(splitter: PyText.strip(try arguments.string("section_spliter")), count: try arguments.count("num_sections"))
        case "detectable_format:json_format":
            try arguments.allow([])
            self = .jsonFormat
        case "detectable_format:title":
            try arguments.allow([])
            self = .title
        case "combination:two_responses":
            try arguments.allow([])
            self = .twoResponses
        case "combination:repeat_prompt":
            try arguments.allow(["prompt_to_repeat"])
            self = .repeatPrompt(try arguments.string("prompt_to_repeat"))
        case "startend:end_checker":
            try arguments.allow(["end_phrase"])
            self = .endPhrase(PyText.strip(try arguments.string("end_phrase")))
        case "change_case:capital_word_frequency":
            try arguments.allow(["capital_frequency", "capital_relation"])
            // lm-eval checks only for None here, not for a negative frequency.
            self = .capitalWordFrequency(try arguments.int("capital_frequency"), try arguments.relation("capital_relation"))
        case "change_case:english_capital":
            try arguments.allow([])
            self = .englishCapital
        case "change_case:english_lowercase":
            try arguments.allow([])
            self = .englishLowercase
        case "punctuation:no_comma":
            try arguments.allow([])
            self = .noComma
        case "startend:quotation":
            try arguments.allow([])
            self = .quotation
        default:
            throw ScoringError(.sample, task: task, "unknown IFEval instruction id '\(id)' (lm-eval 0.4.9 registers: \(Self.registeredIDs.joined(separator: ", ")))")
        }
    }

    /// `check_following(response)`: whether `response` follows the instruction.
    public func isFollowed(by value: String, task: String = "ifeval") throws(ScoringError) -> Bool {
        switch self {
        case let .keywordsExistence(keywords):
            for keyword in keywords where try Self.regex(keyword, .ignoreCase, task).search(value) == nil { return false }
            return true
        case let .keywordFrequency(keyword, frequency, relation):
            return relation.holds(try Self.regex(keyword, .ignoreCase, task).finditer(value).count, frequency)
        case let .forbiddenWords(words):
            for word in words where try Self.regex(#"\b"# + word + #"\b"#, .ignoreCase, task).search(value) != nil { return false }
            return true
        case let .letterFrequency(letter, frequency, relation):
            let target = letter.unicodeScalars.first
            let count = PyText.lower(value).unicodeScalars.reduce(0) { $0 + ($1 == target ? 1 : 0) }
            return relation.holds(count, frequency)
        case let .responseLanguage(language):
            guard let detected = LanguageDetector.standard.detect(value) else { return true }
            return detected == language
        case let .numberOfSentences(threshold, relation):
            return relation.holds(PunktSentenceTokenizer.english.tokenize(value).count, threshold)
        case let .numberOfParagraphs(expected):
            let paragraphs = Self.fixed.paragraphDivider.split(value).map { $0 ?? "" }
            var count = paragraphs.count
            for (index, paragraph) in paragraphs.enumerated() where PyText.strip(paragraph).isEmpty {
                guard index == 0 || index == paragraphs.count - 1 else { return false }
                count -= 1
            }
            return count == expected
        case let .numberOfWords(threshold, relation):
            return relation.holds(IFEvalText.countWords(value), threshold)
        case let .nthParagraphFirstWord(expected, nth, firstWord):
            return Self.nthParagraphStarts(value, paragraphs: expected, nth: nth, with: firstWord)
        case let .placeholders(minimum):
            return Self.fixed.placeholder.finditer(value).count >= minimum
        case let .postscript(marker):
            let lowered = PyText.lower(value)
            let pattern: String
            switch marker {
            case "P.P.S": pattern = #"\s*p\.\s?p\.\s?s.*$"#
            case "P.S.": pattern = #"\s*p\.\s?s\..*$"#
            default: pattern = #"\s*"# + PyText.lower(marker) + #".*$"#
            }
            return try Self.regex(pattern, .multiline, task).search(lowered) != nil
        case let .bulletLists(expected):
            return Self.fixed.starBullet.finditer(value).count + Self.fixed.dashBullet.finditer(value).count == expected
        case .constrainedResponse:
            let stripped = PyText.strip(value)
            return Self.constrainedOptions.contains { PyText.contains(stripped, $0) }
        case let .highlightedSections(minimum):
            var count = 0
            for m in Self.fixed.highlight.finditer(value) where !PyText.strip(PyText.strip(m.group(0) ?? "", chars: "*", left: true, right: true)).isEmpty {
                count += 1
            }
            for m in Self.fixed.doubleHighlight.finditer(value) {
                let scalars = Array((m.group(0) ?? "").unicodeScalars)
                // removeprefix("**").removesuffix("**") on a match that starts and ends with "**".
                let inner = scalars.count >= 4 ? PyText.string(scalars[2..<(scalars.count - 2)]) : ""
                if !PyText.strip(inner).isEmpty { count += 1 }
            }
            return count >= minimum
        case let .multipleSections(splitter, minimum):
            let sections = try Self.regex(#"\s?"# + splitter + #"\s?\d+\s?"#, [], task).split(value)
            return sections.count - 1 >= minimum
        case .jsonFormat:
            return IFEvalText.isJSON(value)
        case .title:
            return Self.fixed.title.finditer(value).contains { m in
                let title = m.group(0) ?? ""
                let trimmed = PyText.strip(PyText.strip(title, chars: "<", left: true, right: false), chars: ">", left: false, right: true)
                return !PyText.strip(trimmed).isEmpty
            }
        case .twoResponses:
            let responses = PyText.split(value, sep: "******", maxSplit: -1)
            var valid: [String] = []
            for (index, response) in responses.enumerated() {
                if PyText.strip(response).isEmpty {
                    if index != 0, index != responses.count - 1 { return false }
                } else {
                    valid.append(response)
                }
            }
            return valid.count == 2 && !PyText.equal(PyText.strip(valid[0]), PyText.strip(valid[1]))
        case let .repeatPrompt(prompt):
            return PyText.hasPrefix(PyText.lower(PyText.strip(value)), PyText.lower(PyText.strip(prompt)))
        case let .endPhrase(phrase):
            let end = PyText.lower(PyText.strip(PyText.strip(value), chars: "\"", left: true, right: true))
            return PyText.hasSuffix(end, PyText.lower(PyText.strip(phrase)))
        case let .capitalWordFrequency(threshold, relation):
            let capitals = NLTKWordTokenizer.wordTokenize(value).filter { PyText.isCase($0, upper: true) }.count
            return relation.holds(capitals, threshold)
        case .englishCapital:
            guard PyText.isCase(value, upper: true) else { return false }
            guard let detected = LanguageDetector.standard.detect(value) else { return true }
            return detected == "en"
        case .englishLowercase:
            guard PyText.isCase(value, upper: false) else { return false }
            guard let detected = LanguageDetector.standard.detect(value) else { return true }
            return detected == "en"
        case .noComma:
            return !PyText.contains(value, ",")
        case .quotation:
            let stripped = Array(PyText.strip(value).unicodeScalars)
            return stripped.count > 1 && stripped.first == "\"" && stripped.last == "\""
        }
    }

    private static func nthParagraphStarts(_ value: String, paragraphs expected: Int, nth: Int, with firstWord: String) -> Bool {
        let paragraphs = PyText.split(value, sep: "\n\n", maxSplit: -1)
        let count = paragraphs.count - paragraphs.filter { PyText.strip($0).isEmpty }.count
        guard nth <= count else { return false }
        let paragraph = PyText.strip(paragraphs[nth - 1])
        guard let word = PyText.split(paragraph, sep: nil, maxSplit: -1).first else { return false }
        let trimmed = PyText.strip(PyText.strip(PyText.strip(word), chars: "'", left: true, right: false), chars: "\"", left: true, right: false)
        let punctuation: Set<Unicode.Scalar> = [".", ",", "?", "!", "'", "\""]
        var first = ""
        for scalar in trimmed.unicodeScalars {
            if punctuation.contains(scalar) { break }
            first += PyText.lower(String(scalar))
        }
        return count == expected && PyText.equal(first, firstWord)
    }

    /// The fixed patterns of the checkers, compiled once.
    private struct FixedPatterns: Sendable {
        let paragraphDivider = compile(#"\s?\*\*\*\s?"#)
        let placeholder = compile(#"\[.*?\]"#)
        let starBullet = compile(#"^\s*\*[^\*].*$"#, .multiline)
        let dashBullet = compile(#"^\s*-.*$"#, .multiline)
        let highlight = compile(#"\*[^\n\*]*\*"#)
        let doubleHighlight = compile(#"\*\*[^\n\*]*\*\*"#)
        let title = compile(#"<<[^\n]+>>"#)

        private static func compile(_ pattern: String, _ flags: PythonRegex.Flags = []) -> PythonRegex {
            // These patterns are constants that compile; a failure is a translator regression.
            do { return try PythonRegex(pattern, flags: flags) } catch { fatalError("IFEval pattern \(pattern): \(error)") }
        }
    }

    private static let fixed = FixedPatterns()

    /// A pattern built from the row's kwargs (lm-eval passes keywords to `re` unescaped).
    private static func regex(_ pattern: String, _ flags: PythonRegex.Flags, _ task: String) throws(ScoringError) -> PythonRegex {
        do {
            return try PythonRegex(pattern, flags: flags)
        } catch {
            throw ScoringError(.sample, task: task, "IFEval: \(PythonValue.repr(pattern)) is not a valid Python regular expression (\(error))")
        }
    }
}

/// An instruction's kwargs after lm-eval's falsy-value filter, read with `build_description`'s rules.
private struct InstructionArguments {
    let id: String
    let task: String
    let values: [(key: String, value: JSONValue)]

    func failure(_ message: String) -> ScoringError {
        ScoringError(.sample, task: task, "IFEval instruction '\(id)': \(message)")
    }

    /// `build_description` raises TypeError on a keyword it does not take.
    func allow(_ keys: [String]) throws(ScoringError) {
        if let unexpected = values.first(where: { !keys.contains($0.key) }) {
            throw failure("unexpected kwarg '\(unexpected.key)' = \(PythonValue.repr(unexpected.value)) (takes: \(keys.isEmpty ? "none" : keys.joined(separator: ", ")))")
        }
    }

    func value(_ key: String) throws(ScoringError) -> JSONValue {
        guard let value = values.first(where: { $0.key == key })?.value else {
            throw failure("kwarg '\(key)' is missing or empty (lm-eval would draw a random value)")
        }
        return value
    }

    func string(_ key: String) throws(ScoringError) -> String {
        guard case let .string(s) = try value(key) else { throw failure("kwarg '\(key)' must be a string") }
        return s
    }

    func strings(_ key: String) throws(ScoringError) -> [String] {
        guard case let .array(items) = try value(key) else { throw failure("kwarg '\(key)' must be a list of strings") }
        var out: [String] = []
        for item in items {
            guard case let .string(s) = item else { throw failure("kwarg '\(key)' must be a list of strings") }
            out.append(s)
        }
        return out
    }

    func int(_ key: String) throws(ScoringError) -> Int {
        guard let i = try value(key).intValue else { throw failure("kwarg '\(key)' must be an integer") }
        return i
    }

    /// A count lm-eval replaces with a random one when negative.
    func count(_ key: String) throws(ScoringError) -> Int {
        let i = try int(key)
        guard i >= 0 else { throw failure("kwarg '\(key)' is negative (lm-eval would draw a random value)") }
        return i
    }

    func relation(_ key: String) throws(ScoringError) -> IFEvalInstruction.Relation {
        let name = try string(key)
        guard let relation = IFEvalInstruction.Relation(rawValue: name) else {
            throw failure("The supported relation for comparison must be in ('less than', 'at least'), but \(name) is given.")
        }
        return relation
    }
}
