import CFuzzerDriver
#if canImport(Glibc)
import Glibc
#endif
import JSON

/// Parses, and re-parses what it serialises: the round trip must succeed for anything accepted.
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    let text = value.serialized()
    precondition((try? JSONValue.parse(text)) != nil, "serialised JSON does not parse again: \(text)")
    return 0
}

// SwiftPM's executables define `main`, so libFuzzer runs through its driver rather than its own main.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in fuzzJSON(data, size) }))
