import CFuzzerDriver
#if canImport(Glibc)
import Glibc
#endif
import YAML

/// Any input either loads or fails with a `YAMLError` (typed throws); a crash, hang or runaway
/// allocation is what libFuzzer reports.
func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try YAMLLoader.loadAll(text, file: "fuzz.yaml")
    } catch {
        precondition(!error.message.isEmpty, "a YAMLError without a message")
    }
    return 0
}

// SwiftPM's executables define `main`, so libFuzzer runs through its driver rather than its own main.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzYAML(data, size) }))
