import PythonRegex
import Testing

/// Task configs carry regex patterns (`regex_pattern` filters, `regex_replace`): a pattern nested
/// 100,000 deep must fail or work, never overflow a concurrency thread's stack.
@Suite struct NestingTests {
    @Test(arguments: [("(", ")"), ("(?:", ")"), ("(?P<g>", ")"), ("[", "]")])
    func deeplyNestedPatternsDoNotCrash(open: String, close: String) async {
        let deep = 100_000
        let pattern = String(repeating: open, count: deep) + "a" + String(repeating: close, count: deep)
        let outcome = await Task.detached { () -> String in
            do throws(PythonRegexError) {
                let regex = try PythonRegex(pattern)
                return regex.search("xa") == nil ? "no match" : "match"
            } catch {
                return "error: \(error.message)"
            }
        }.value
        #expect(!outcome.isEmpty)
    }
}
