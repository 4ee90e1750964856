import Foundation
import JSON
import Python
import Scoring

/// The `!function`s of the Open LLM Leaderboard v1 multiple-choice tasks: hellaswag's
/// `process_docs`, winogrande's partial-sentence fields and truthfulqa_mc2's `process_results`
/// (arc and mmlu need none: their fields are templates).
enum MultipleChoiceFunctions {
    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: "hellaswag/utils.py", name: "process_docs", .processDocs { docs throws(LMEvalError) in
            var out: [JSONObject] = []
            out.reserveCapacity(docs.count)
            for doc in docs { out.append(try hellaswag(doc)) }
            return out
        })
        let winogrande = "winogrande/preprocess_winogrande.py"
        registry.register(module: winogrande, name: "doc_to_text", .docField { doc throws(LMEvalError) in
            // `{"1": 0, "2": 1}[doc["answer"]]`
            switch try NativeSupport.string(doc, "answer", function: "winogrande doc_to_text") {
            case "1": return .int(0)
            case "2": return .int(1)
            case let other: throw LMEvalError(.documents, "winogrande doc_to_text: answer \(PythonValue.repr(other)) is neither \"1\" nor \"2\"")
            }
        })
        registry.register(module: winogrande, name: "doc_to_target", .docField { doc throws(LMEvalError) in
            let (sentence, blank) = try winograndeBlank(doc, function: "winogrande doc_to_target")
            return .string(PyText.strip(String(String.UnicodeScalarView(sentence[(blank + 1)...]))))
        })
        registry.register(module: winogrande, name: "doc_to_choice", .docField { doc throws(LMEvalError) in
            let (sentence, blank) = try winograndeBlank(doc, function: "winogrande doc_to_choice")
            let head = String(String.UnicodeScalarView(sentence[..<blank]))
            let options = [try NativeSupport.string(doc, "option1", function: "winogrande doc_to_choice"),
                           try NativeSupport.string(doc, "option2", function: "winogrande doc_to_choice")]
            return .array(options.map { .string(head + $0) })
        })
        registry.register(module: "truthfulqa/utils.py", name: "process_results_mc2", .processResults { doc, results throws(ScoringError) in
            [("acc", .double(try truthfulQAMC2(doc, results)))]
        })
    }

    /// hellaswag `_process_doc`: the row with `query`, `choices` and `gold` added (datasets' `map` keeps the columns).
    static func hellaswag(_ doc: JSONObject) throws(LMEvalError) -> JSONObject {
        let function = "hellaswag process_docs"
        let ctx = try NativeSupport.string(doc, "ctx_a", function: function) + " "
            + PyText.capitalize(try NativeSupport.string(doc, "ctx_b", function: function))
        let label = try NativeSupport.string(doc, "activity_label", function: function)
        guard case let .array(endings)? = doc["endings"] else { throw LMEvalError(.documents, "\(function): field endings is not a list") }
        var choices: [JSONValue] = []
        for ending in endings {
            guard case let .string(s) = ending else { throw LMEvalError(.documents, "\(function): an ending is \(ending.typeName), not a string") }
            choices.append(.string(hellaswagPreprocess(s)))
        }
        let gold: Int
        switch doc["label"] {
        case let .int(n)?: gold = n
        case let .string(s)?:
            guard case let .value(n) = PyNumbers.parseInt(s, base: 10) else {
                throw LMEvalError(.documents, "\(function): label \(PythonValue.repr(s)) is not an integer")
            }
            gold = n
        default: throw LMEvalError(.documents, "\(function): the document has no integer label")
        }
        var out = doc
        out["query"] = .string(hellaswagPreprocess(label + ": " + ctx))
        out["choices"] = .array(choices)
        out["gold"] = .int(gold)
        return out
    }

    /// hellaswag `preprocess`: strip, " [title]" → ". ", drop `\[.*?\]` (not across lines), "  " → " ".
    static func hellaswagPreprocess(_ text: String) -> String {
        let replaced = NativeSupport.replace(PyText.strip(text), " [title]", with: ". ")
        let s = Array(replaced.unicodeScalars)
        var kept = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "[" {
                var j = i + 1
                while j < s.count, s[j] != "]", s[j] != "\n" { j += 1 }
                if j < s.count, s[j] == "]" {
                    i = j + 1
                    continue
                }
            }
            kept.append(s[i])
            i += 1
        }
        return NativeSupport.replace(String(kept), "  ", with: " ")
    }

    /// The sentence's code points and the position of its `_` (`sentence.index("_")`).
    static func winograndeBlank(_ doc: JSONObject, function: String) throws(LMEvalError) -> ([Unicode.Scalar], Int) {
        let sentence = Array(try NativeSupport.string(doc, "sentence", function: function).unicodeScalars)
        guard let blank = sentence.firstIndex(of: "_") else {
            throw LMEvalError(.documents, "\(function): the sentence has no \"_\" (ValueError: substring not found)")
        }
        return (sentence, blank)
    }

    /// truthfulqa `process_results_mc2`: the normalised probability mass of the true answers.
    static func truthfulQAMC2(_ doc: JSONObject, _ results: [JSONValue]) throws(ScoringError) -> Double {
        let function = "truthfulqa process_results_mc2"
        guard case let .object(targets)? = doc["mc2_targets"], case let .array(labels)? = targets["labels"] else {
            throw ScoringError(.sample, task: "truthfulqa_mc2", "\(function): the document has no mc2_targets.labels list")
        }
        var probabilities: [Double] = []
        for result in results {
            guard case let .array(pair) = result, let ll = pair.first?.doubleValue else {
                throw ScoringError(.sample, task: "truthfulqa_mc2", "\(function): a result is not a (loglikelihood, is_greedy) pair")
            }
            probabilities.append(Foundation.exp(ll))
        }
        guard labels.count == probabilities.count else {
            throw ScoringError(.sample, task: "truthfulqa_mc2", "\(function): \(labels.count) labels for \(probabilities.count) loglikelihoods (numpy cannot mask them)")
        }
        let total = NumpySum.pairwise(probabilities)
        let normalised = probabilities.map { $0 / total }
        return NumpySum.pairwise(zip(normalised, labels).filter { $0.1.intValue == 1 }.map(\.0))
    }
}

/// numpy's float64 `sum`: pairwise summation, eight accumulators per block of up to 128 values,
/// so the last bits agree with lm-eval's `np.sum`.
enum NumpySum {
    static func pairwise(_ values: [Double]) -> Double { pairwise(values[...]) }

    static func pairwise(_ a: ArraySlice<Double>) -> Double {
        let n = a.count
        let base = a.startIndex
        if n < 8 {
            // numpy starts from -0.0 so that a sum of negative zeros stays negative.
            var res = -0.0
            for v in a { res += v }
            return res
        } else if n <= 128 {
            var r = (0..<8).map { a[base + $0] }
            var i = 8
            while i < n - (n % 8) {
                for k in 0..<8 { r[k] += a[base + i + k] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[base + i]
                i += 1
            }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(a[base..<(base + n2)]) + pairwise(a[(base + n2)...])
        }
    }
}
