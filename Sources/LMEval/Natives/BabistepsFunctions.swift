import JSON
import Python
import Scoring

/// The original's `babisteps/{default,chat-cot}/utils.py`: world enumeration, story and question
/// as the prompt; the few-shot answer; `process_results_listing`.
///
/// Where the original writes one of several acceptable answers into a few-shot example it takes
/// `random.choice(doc["answer"])` from Python's process-wide `random` state (in the original's
/// long-running worker, whatever earlier work left it at). Here it is the first answer, so a prompt
/// is the same on every run; rows whose answer list has one item give the original's text.
enum BabistepsFunctions {
    static let completionModule = "babisteps/default/utils.py"
    static let chatModule = "babisteps/chat-cot/utils.py"

    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: completionModule, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try completionPrompt(doc) + "Answer: ")
        })
        registry.register(module: completionModule, name: "fewshot_to_text", .docField { doc throws(LMEvalError) in
            .string(try completionPrompt(doc) + "Answer: " + (try firstAnswer(doc)))
        })
        registry.register(module: completionModule, name: "listing_doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try completionPrompt(doc) + "Answer: ")
        })
        registry.register(module: completionModule, name: "listing_fewshot_to_text", .docField { doc throws(LMEvalError) in
            .string(try completionPrompt(doc) + "Answer: " + (try listingAnswer(doc)))
        })
        registry.register(module: chatModule, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try chatPrompt(doc))
        })
        registry.register(module: chatModule, name: "fewshot_to_text", .docField { doc throws(LMEvalError) in
            .string(try chatPrompt(doc))
        })
        registry.register(module: chatModule, name: "fewshot_doc_to_target", .docField { doc throws(LMEvalError) in
            .string("Final answer: " + (try firstAnswer(doc)))
        })
        registry.register(module: chatModule, name: "listing_fewshot_doc_to_target", .docField { doc throws(LMEvalError) in
            .string("Final answer: " + (try listingAnswer(doc)))
        })
        for module in [completionModule, chatModule] {
            registry.register(module: module, name: "process_results_listing", .processResults { doc, results throws(ScoringError) in
                try processResultsListing(doc: doc, results: results)
            })
        }
    }

    /// `base_format` of the completion form (options never included).
    static func completionPrompt(_ doc: JSONObject) throws(LMEvalError) -> String {
        let function = "babisteps doc_to_text"
        return "\n\n## World enumeration ##\n" + (try NativeSupport.string(doc, "world_enumerate", function: function))
            + "\n\n## Story ##\n" + (try NativeSupport.string(doc, "story", function: function))
            + "\nQuestion: " + (try NativeSupport.string(doc, "question", function: function)) + "\n"
    }

    /// `base_format` of the chat chain-of-thought form: no leading blank lines, no answer cue.
    static func chatPrompt(_ doc: JSONObject) throws(LMEvalError) -> String {
        let function = "babisteps-chat-cot doc_to_text"
        return "## World enumeration ##\n" + (try NativeSupport.string(doc, "world_enumerate", function: function))
            + "\n\n## Story ##\n" + (try NativeSupport.string(doc, "story", function: function))
            + "\nQuestion: " + (try NativeSupport.string(doc, "question", function: function))
    }

    static func answers(_ doc: JSONObject) throws(LMEvalError) -> [String] {
        guard case let .array(items)? = doc["answer"], !items.isEmpty else {
            throw LMEvalError(.documents, "babisteps: field answer is not a non-empty list")
        }
        return items.map { $0.stringValue ?? PythonValue.str($0) }
    }

    /// The few-shot answer where the original draws `random.choice(answer)`: the first.
    static func firstAnswer(_ doc: JSONObject) throws(LMEvalError) -> String {
        try answers(doc)[0]
    }

    /// Listing: every item joined by ", ", unless the leaf label is `none`/`unknown` (one answer of several).
    static func listingAnswer(_ doc: JSONObject) throws(LMEvalError) -> String {
        if isUnlisted(doc) { return try firstAnswer(doc) }
        return try answers(doc).joined(separator: ", ")
    }

    static func isUnlisted(_ doc: JSONObject) -> Bool {
        doc["leaf_label"] == .string("none") || doc["leaf_label"] == .string("unknown")
    }

    /// `process_results_listing`: any acceptable answer (`exact_match` 1.0/0.0) for `none`/`unknown`
    /// leaves, else set equality of the comma-separated items with spaces removed (1/0).
    static func processResultsListing(doc: JSONObject, results: [JSONValue]) throws(ScoringError) -> [(name: String, value: JSONValue)] {
        guard case let .string(result)? = results.first else {
            throw ScoringError(.sample, task: "babisteps listing", "process_results_listing needs a string response")
        }
        guard case let .array(items)? = doc["answer"] else {
            throw ScoringError(.sample, task: "babisteps listing", "the document's answer is not a list")
        }
        let gold = items.map { $0.stringValue ?? PythonValue.str($0) }
        if isUnlisted(doc) {
            // lm-eval's exact_match over [result] * len(gold) against gold, then "> 0".
            return [("exact_match", .double(gold.contains(result) ? 1.0 : 0.0))]
        }
        let given = Set(NativeSupport.replace(result, " ", with: "").split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        return [("exact_match", .int(Set(gold) == given ? 1 : 0))]
    }
}
