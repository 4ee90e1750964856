import JSON
import Python

/// lm-eval's `mmlu_pro/utils.py`: per-subject `process_*` filters and the chain-of-thought
/// question formatting (`doc_to_text` without the answer, `fewshot_to_text` with it).
enum MMLUProFunctions {
    static let module = "mmlu_pro/utils.py"
    static let letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]
    static let subjects: [(function: String, category: String)] = [
        ("process_biology", "biology"), ("process_business", "business"), ("process_chemistry", "chemistry"),
        ("process_computer_science", "computer science"), ("process_economics", "economics"),
        ("process_engineering", "engineering"), ("process_health", "health"), ("process_history", "history"),
        ("process_law", "law"), ("process_math", "math"), ("process_other", "other"),
        ("process_philosophy", "philosophy"), ("process_physics", "physics"), ("process_psychology", "psychology"),
    ]

    static func register(in registry: inout NativeFunctionRegistry) {
        for (function, category) in subjects {
            // `dataset.filter(lambda x: x["category"] == subject)`
            registry.register(module: module, name: function, .keepRows(key: "category", value: .string(category)))
        }
        registry.register(module: module, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try formatExample(doc, includingAnswer: false))
        })
        registry.register(module: module, name: "fewshot_to_text", .docField { doc throws(LMEvalError) in
            .string(try formatExample(doc, includingAnswer: true))
        })
    }

    /// `format_cot_example`: question, as many lettered options as there are `letters` (ten here), then
    /// the answer cue or the worked answer.
    static func formatExample(_ doc: JSONObject, includingAnswer: Bool, letters: [String] = letters) throws(LMEvalError) -> String {
        let question = try NativeSupport.string(doc, "question", function: "mmlu_pro format_cot_example")
        guard case let .array(options)? = doc["options"] else {
            throw LMEvalError(.documents, "mmlu_pro format_cot_example: field options is not a list")
        }
        var prompt = "Question:\n" + question + "\n" + "Options:\n"
        for (i, option) in options.enumerated() {
            if i >= letters.count { break }
            prompt += letters[i] + ". " + PythonValue.str(option) + "\n"
        }
        if includingAnswer {
            let cot = try NativeSupport.string(doc, "cot_content", function: "mmlu_pro format_cot_example")
            prompt += NativeSupport.replace(cot, "A: Let's think step by step.", with: "Answer: Let's think step by step.") + "\n\n"
        } else {
            prompt += "Answer: Let's think step by step."
        }
        return prompt
    }
}
