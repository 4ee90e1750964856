import CFuzzerDriver
#if canImport(Glibc)
import Glibc
#endif
import JSON
import Jinja

/// Compiles and renders against a small document with the fields lm-eval templates use; every
/// failure is a `JinjaError` (typed throws).
func fuzzJinja(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let document: JSONObject = [
        "question": "What is 2+2?", "choices": ["3", "4"], "answer": 1, "score": 0.5, "meta": ["k": "v"],
    ]
    // Smaller ceilings than the defaults keep each run fast; they are exercised all the same.
    let limits = JinjaLimits(maxStringBytes: 1 << 20, maxItems: 10_000, maxLoopIterations: 10_000)
    do {
        _ = try JinjaTemplate(source, name: "fuzz", limits: limits).render(document)
    } catch {
        precondition(!error.message.isEmpty, "a JinjaError without a message")
    }
    return 0
}

// SwiftPM's executables define `main`, so libFuzzer runs through its driver rather than its own main.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzJinja(data, size) }))
