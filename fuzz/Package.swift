// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for the parsers, kept out of the main package so that its normal build never
// sees `-sanitize=fuzzer`. The engine modules are symlinks to ../Sources, so nothing is copied and the
// main package's dependencies (fetched from the network) are not needed. Run with scripts/fuzz.sh.
let package = Package(
    name: "testbench-fuzz",
    targets: [
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "Python"),
        .target(name: "JSON", dependencies: ["Python"]),
        .target(name: "YAML", dependencies: ["CYAML", "Python"]),
        .target(name: "PythonRegex", dependencies: ["Python"]),
        .target(name: "Jinja", dependencies: ["JSON", "Python", "PythonRegex"]),
        // Each main.swift hands its one-input function to libFuzzer's driver.
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzYAML", dependencies: ["YAML", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzJinja", dependencies: ["Jinja", "JSON", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["JSON", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzRegex", dependencies: ["PythonRegex", "CFuzzerDriver"]),
    ],
    swiftLanguageModes: [.v6]
)
