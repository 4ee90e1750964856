/// The original's `mmlu_pro_categories/utils.py`: mmlu_pro's chain-of-thought formatting with
/// sixteen option letters (A–P) instead of ten.
enum MMLUProCategoriesFunctions {
    static let module = "mmlu_pro_categories/utils.py"
    static let letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P"]

    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: module, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            .string(try MMLUProFunctions.formatExample(doc, includingAnswer: false, letters: letters))
        })
        registry.register(module: module, name: "fewshot_to_text", .docField { doc throws(LMEvalError) in
            .string(try MMLUProFunctions.formatExample(doc, includingAnswer: true, letters: letters))
        })
    }
}
