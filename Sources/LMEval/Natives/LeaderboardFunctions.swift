import JSON
import Python
import PythonRegex

/// lm-eval's Open LLM Leaderboard v2 helpers outside math: `leaderboard/gpqa/utils.py`
/// (`process_docs`), `leaderboard/musr/utils.py` (`doc_to_text`, `doc_to_choice`) and
/// `leaderboard/mmlu_pro/utils.py` (`doc_to_text`, `doc_to_choice`).
enum LeaderboardFunctions {
    static let gpqaModule = "leaderboard/gpqa/utils.py"
    static let musrModule = "leaderboard/musr/utils.py"
    static let mmluProModule = "leaderboard/mmlu_pro/utils.py"
    static let uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ").map(String.init)
    /// lm-eval seeds Python's `random` with 0 before it builds tasks; gpqa's shuffle draws from it.
    static let gpqaSeed = 0

    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: gpqaModule, name: "process_docs", .processDocs { docs throws(LMEvalError) in
            try gpqaProcessDocs(docs)
        })
        registry.register(module: musrModule, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try musrDocToText(doc))
        })
        registry.register(module: musrModule, name: "doc_to_choice", .docField { doc throws(LMEvalError) in
            .array(try musrChoices(doc).map(JSONValue.string))
        })
        registry.register(module: mmluProModule, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try mmluProDocToText(doc))
        })
        registry.register(module: mmluProModule, name: "doc_to_choice", .docField { doc throws(LMEvalError) in
            .array(try mmluProOptions(doc).indices.map { i throws(LMEvalError) in .string(try letter(i, "leaderboard_mmlu_pro doc_to_choice")) })
        })
    }

    // MARK: gpqa

    /// `preprocess`: strip, " [title]" → ". ", bracketed spans removed, double spaces halved; None → " ".
    static func gpqaPreprocess(_ value: JSONValue?) -> String {
        guard case let .string(text)? = value else { return " " }
        var out = PyText.replace(PyText.strip(text), " [title]", ". ")
        if let brackets = try? PythonRegex("\\[.*?\\]") {
            out = brackets.sub(in: out) { _ in "" }
        }
        return PyText.replace(out, "  ", " ")
    }

    /// `process_docs`: the three wrong answers and the right one, shuffled by Python's `random`
    /// (one `shuffle` per row, in order, from `random.seed(0)`), as `choice1`…`choice4` and `answer` "(X)".
    static func gpqaProcessDocs(_ docs: [JSONObject]) throws(LMEvalError) -> [JSONObject] {
        var random = PythonRandom(seed: gpqaSeed)
        var out: [JSONObject] = []
        out.reserveCapacity(docs.count)
        for doc in docs {
            var choices = [doc["Incorrect Answer 1"], doc["Incorrect Answer 2"], doc["Incorrect Answer 3"], doc["Correct Answer"]].map(gpqaPreprocess)
            random.shuffle(&choices)
            let correct = gpqaPreprocess(doc["Correct Answer"])
            guard let index = choices.firstIndex(of: correct) else {
                throw LMEvalError(.documents, "leaderboard_gpqa process_docs: the correct answer is missing after shuffling")
            }
            // dataset.map keeps the row's columns and adds (or replaces) these.
            var row = doc
            row["choice1"] = .string(choices[0])
            row["choice2"] = .string(choices[1])
            row["choice3"] = .string(choices[2])
            row["choice4"] = .string(choices[3])
            row["answer"] = .string("(" + uppercase[index] + ")")
            out.append(row)
        }
        return out
    }

    // MARK: musr

    static func musrChoices(_ doc: JSONObject) throws(LMEvalError) -> [String] {
        let text = try NativeSupport.string(doc, "choices", function: "leaderboard_musr doc_to_choice")
        let value: JSONValue
        do {
            value = try PythonLiteral.parse(text)
        } catch {
            throw LMEvalError(.documents, "leaderboard_musr: field choices is \(error)")
        }
        guard case let .array(items) = value else {
            throw LMEvalError(.documents, "leaderboard_musr: field choices is not a list literal")
        }
        return items.map { $0.stringValue ?? PythonValue.str($0) }
    }

    /// `doc_to_text`: narrative, question, the choices numbered from 1, then "Answer:".
    static func musrDocToText(_ doc: JSONObject) throws(LMEvalError) -> String {
        var choices = ""
        for (i, choice) in try musrChoices(doc).enumerated() {
            choices += "\(i + 1) - \(choice)\n"
        }
        let function = "leaderboard_musr doc_to_text"
        return (try pyStr(doc, "narrative", function)) + "\n\n" + (try pyStr(doc, "question", function)) + "\n\n" + choices + "Answer:"
    }

    // MARK: mmlu_pro

    static func mmluProOptions(_ doc: JSONObject) throws(LMEvalError) -> [JSONValue] {
        guard case let .array(options)? = doc["options"] else {
            throw LMEvalError(.documents, "leaderboard_mmlu_pro: field options is not a list")
        }
        return options
    }

    static func letter(_ i: Int, _ function: String) throws(LMEvalError) -> String {
        // string.ascii_uppercase[i] raises IndexError past Z.
        guard i < uppercase.count else { throw LMEvalError(.documents, "\(function): more than 26 options") }
        return uppercase[i]
    }

    /// `doc_to_text`: the question, "X. option" lines, then "Answer:".
    static func mmluProDocToText(_ doc: JSONObject) throws(LMEvalError) -> String {
        let function = "leaderboard_mmlu_pro doc_to_text"
        var text = (try pyStr(doc, "question", function)) + "\n"
        for (i, option) in try mmluProOptions(doc).enumerated() {
            text += (try letter(i, function)) + ". " + PythonValue.str(option) + "\n"
        }
        return text + "Answer:"
    }

    /// An f-string's `{doc[key]}`: the field's `str()`.
    static func pyStr(_ doc: JSONObject, _ key: String, _ function: String) throws(LMEvalError) -> String {
        guard let value = doc[key] else { throw LMEvalError(.documents, "\(function): the document has no field \(key)") }
        return PythonValue.str(value)
    }
}
