import CFuzzerDriver
#if canImport(Glibc)
import Glibc
#endif
import PythonRegex

/// The first line is a Python pattern, the rest the subject; translation either succeeds or fails
/// with a `PythonRegexError` (typed throws), and a compiled pattern must search without crashing.
func fuzzRegex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let pattern = String(parts.first ?? "")
    let subject = parts.count > 1 ? String(parts[1].prefix(256)) : "The answer is 42."
    guard let regex = try? PythonRegex(pattern) else { return 0 }
    _ = regex.search(subject)
    _ = regex.findall(subject)
    return 0
}

// SwiftPM's executables define `main`, so libFuzzer runs through its driver rather than its own main.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzRegex(data, size) }))
