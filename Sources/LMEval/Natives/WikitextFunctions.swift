import JSON
import Python
import PythonRegex
import Scoring

/// lm-eval's `wikitext/preprocess_wikitext.py`: the detokenized page as the rolling target, and
/// `process_results` counting words and bytes of the page before detokenization.
enum WikitextFunctions {
    static let module = "wikitext/preprocess_wikitext.py"

    static func register(in registry: inout NativeFunctionRegistry) {
        registry.register(module: module, name: "wikitext_detokenizer", .docField { doc throws(LMEvalError) in
            .string(try detokenize(NativeSupport.string(doc, "page", function: "wikitext_detokenizer")))
        })
        registry.register(module: module, name: "process_results", .processResults { doc, results throws(ScoringError) in
            guard case let .string(page)? = doc["page"] else {
                throw ScoringError(.sample, task: "wikitext", "wikitext process_results: the document has no page text")
            }
            guard let first = results.first, let loglikelihood = (first.arrayValue?.first ?? first).doubleValue else {
                throw ScoringError(.sample, task: "wikitext", "wikitext process_results: no loglikelihood result")
            }
            let words = JSONValue.int(LoglikelihoodScorer.countWords(page))
            let bytes = JSONValue.int(page.utf8.count)
            return [("word_perplexity", .array([.double(loglikelihood), words])),
                    ("byte_perplexity", .array([.double(loglikelihood), bytes])),
                    ("bits_per_byte", .array([.double(loglikelihood), bytes]))]
        })
    }

    private enum Step {
        case replace(String, String)
        case sub(pattern: String, template: String)
    }

    private static let steps: [Step] = [
        .replace("s '", "s'"), .sub(pattern: #"/' [0-9]/"#, template: #"/'[0-9]/"#),
        .replace(" @-@ ", "-"), .replace(" @,@ ", ","), .replace(" @.@ ", "."),
        .replace(" : ", ": "), .replace(" ; ", "; "), .replace(" . ", ". "), .replace(" ! ", "! "), .replace(" ? ", "? "),
        .replace(" , ", ", "),
        .sub(pattern: #"\(\s*([^\)]*?)\s*\)"#, template: #"(\1)"#), .sub(pattern: #"\[\s*([^\]]*?)\s*\]"#, template: #"[\1]"#),
        .sub(pattern: #"{\s*([^}]*?)\s*}"#, template: #"{\1}"#), .sub(pattern: #"\"\s*([^\"]*?)\s*\""#, template: #""\1""#),
        .sub(pattern: #"'\s*([^']*?)\s*'"#, template: #"'\1'"#),
        .replace("= = = =", "===="), .replace("= = =", "==="), .replace("= =", "=="), .replace(" \u{B0} ", "\u{B0}"),
        .replace(" \n", "\n"), .replace("\n ", "\n"), .replace(" N ", " 1 "), .replace(" 's", "'s"),
    ]

    /// `wikitext_detokenizer`: the replacements and substitutions in lm-eval's order.
    static func detokenize(_ page: String) throws(LMEvalError) -> String {
        var text = page
        for step in steps {
            switch step {
            case let .replace(old, new):
                text = NativeSupport.replace(text, old, with: new)
            case let .sub(pattern, template):
                do {
                    text = try PythonRegex(pattern).sub(template, in: text)
                } catch {
                    throw LMEvalError(.documents, "wikitext_detokenizer: \(pattern): \(error)")
                }
            }
        }
        return text
    }
}
