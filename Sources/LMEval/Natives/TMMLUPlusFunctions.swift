import JSON
import Python

/// TMMLU+'s `process_docs` (67 tasks of lm-eval 0.4.9's tree, the most any one missing
/// `!function` blocked): each row keeps its columns and gains `questions`, `choices` (A–D) and
/// `goal` (the answer letter's index), as datasets' `map` merges the returned fields.
enum TMMLUPlusFunctions {
    static let letters = ["A", "B", "C", "D"]

    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: "tmmluplus/default/utils.py", name: "process_docs", .processDocs { docs throws(LMEvalError) in
            var out: [JSONObject] = []
            out.reserveCapacity(docs.count)
            for doc in docs { out.append(try processed(doc)) }
            return out
        })
    }

    static func processed(_ doc: JSONObject) throws(LMEvalError) -> JSONObject {
        let function = "tmmluplus process_docs"
        var out = doc
        guard let question = doc["question"] else { throw LMEvalError(.documents, "\(function): the row has no field question") }
        var choices: [JSONValue] = []
        for letter in letters {
            guard let choice = doc[letter] else { throw LMEvalError(.documents, "\(function): the row has no field \(letter)") }
            choices.append(choice)
        }
        guard let answer = doc["answer"], case let .string(letter) = answer, let goal = letters.firstIndex(of: letter) else {
            throw LMEvalError(.documents, "\(function): answer \(PythonValue.repr(doc["answer"] ?? .null)) is not one of A, B, C, D")
        }
        out["questions"] = question
        out["choices"] = .array(choices)
        out["goal"] = .int(goal)
        return out
    }
}
