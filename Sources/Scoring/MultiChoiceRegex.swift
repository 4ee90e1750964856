import JSON
import Python
import PythonRegex

/// lm-eval's `multi_choice_regex` filter for letter-answer tasks whose documents carry `choices`.
///
/// For each response: the configured regex; failing that, the text of one of the document's
/// choices (after `regexes_to_ignore`, `ignore_case`, `ignore_punctuation` — every Unicode `P*`
/// character — on both sides), mapped to "(A)", "(B)"…; failing that, `: A` style letters,
/// mapped to "(A)"…; failing that, `fallback`.
public struct MultiChoiceRegex: Sendable {
    let regex: PythonRegex
    let groupSelect: Int
    let fallback: JSONValue
    let ignoreCase: Bool
    let ignorePunctuation: Bool
    let regexesToIgnore: [PythonRegex]?

    func extract(from response: String, doc: JSONObject, task: String) throws(ScoringError) -> JSONValue {
        guard case let .array(choiceValues)? = doc["choices"] else {
            throw ScoringError(.sample, task: task, "multi_choice_regex needs a 'choices' list in the document")
        }
        var choiceRegexes: [String] = []
        var choiceToLetter: [String: String] = [:]
        var letters: [String] = []
        var letterToTarget: [String: String] = [:]
        var next: UInt32 = 65
        for value in choiceValues {
            guard case let .string(choice) = value else {
                throw ScoringError(.sample, task: task, "multi_choice_regex: choice \(PythonValue.repr(value)) is not a string")
            }
            let letter = String(Unicode.Scalar(next).map(Character.init) ?? "?")
            let cleaned = try ignoring(PyText.strip(choice), task: task)
            choiceRegexes.append(PythonRegex.escape(cleaned))
            choiceToLetter[cleaned] = "(\(letter))"
            letters.append(letter)
            letterToTarget[letter] = "(\(letter))"
            next += 1
        }
        let choiceRegex: PythonRegex
        let letterRegex: PythonRegex
        do {
            choiceRegex = try PythonRegex(choiceRegexes.joined(separator: "|"))
            letterRegex = try PythonRegex(#":[\s]*("# + letters.joined(separator: "|") + ")")
        } catch {
            throw ScoringError(.sample, task: task, "multi_choice_regex: \(error)")
        }
        var match = try find(regex, in: response, convert: [:], task: task)
        if match.isEmpty {
            match = try find(choiceRegex, in: try ignoring(response, task: task), convert: choiceToLetter, task: task)
            if match.isEmpty {
                match = try find(letterRegex, in: response, convert: letterToTarget, task: task)
            }
        }
        return match.isEmpty ? fallback : .string(match)
    }

    /// lm-eval's `find_match`: "" when nothing matched.
    private func find(_ regex: PythonRegex, in text: String, convert: [String: String], task: String) throws(ScoringError) -> String {
        let found = regex.findall(text)
        guard !found.isEmpty else { return "" }
        let index = groupSelect < 0 ? found.count + groupSelect : groupSelect
        guard index >= 0, index < found.count else {
            throw ScoringError(.sample, task: task, "multi_choice_regex: group_select \(groupSelect) is out of range for \(found.count) match(es)")
        }
        var match: String
        switch found[index] {
        case let .string(s): match = s
        case let .tuple(groups):
            guard let first = groups.first(where: { !$0.isEmpty }) else {
                throw ScoringError(.sample, task: task, "multi_choice_regex: every group of the match is empty (lm-eval raises IndexError)")
            }
            match = first
        }
        match = PyText.strip(match)
        if !match.isEmpty, let converted = convert[match] { match = converted }
        return match
    }

    private func ignoring(_ text: String, task: String) throws(ScoringError) -> String {
        var s = text
        for regex in regexesToIgnore ?? [] {
            s = regex.sub(in: s) { _ in "" }
        }
        if ignoreCase { s = s.lowercased() }
        if ignorePunctuation { s = PyText.removing(s, where: PyText.isUnicodePunctuation) }
        return s
    }
}

/// lm-eval's `format_span` filter (NER answers as "label: entity $ label: entity").
enum SpanFormatter {
    private static let labels: [(String, String)] = [
        ("person", "PER"), ("location", "LOC"), ("organization", "ORG"), ("counties", "LOC"),
        ("places", "LOC"), ("people", "PER"), ("persons", "PER"), ("company", "ORG"),
        ("country", "LOC"), ("continent", "LOC"), ("time", "DATE"), ("date", "DATE"),
        ("per", "PER"), ("loc", "LOC"), ("org", "ORG"),
    ]

    // A fixed, valid pattern: compiled once.
    private static let entity: PythonRegex? = try? PythonRegex(#"\b(PER|LOC|ORG|DATE):\s*([^$]+)"#)

    static func format(_ response: String) -> String {
        var text = response.lowercased().lowercased()
        for (key, value) in labels { text = PyText.replace(text, key, value) }
        text = PyText.split(text, sep: "$$", maxSplit: -1).joined(separator: "$")
        text = PyText.string(Array(text.unicodeScalars).reversed().drop(while: { $0 == "$" }).reversed())
        text = PyText.strip(PyText.replace(text, "\n", "$"))
        var entities: [String] = []
        for found in entity?.findall(text) ?? [] {
            guard case let .tuple(groups) = found, groups.count == 2 else { continue }
            for value in PyText.split(groups[1], sep: ",", maxSplit: -1) {
                let name = PyText.strip(value)
                if name.lowercased() != "none" { entities.append("\(groups[0].lowercased()): \(name)") }
            }
        }
        return entities.joined(separator: " $ ")
    }
}
