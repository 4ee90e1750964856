import Foundation
import Python
import Testing
import YAML

/// Every task YAML of lm-eval 0.4.9 must load to exactly what PyYAML's CLoader gives (see scripts/yaml-parity/generate.py).
@Suite struct LMEvalParityTests {
    private struct Fixture: Decodable {
        var lmEvalVersion: String
        var fileCount: Int
        var digestHexDigits: Int
        /// Directory (relative to lm_eval/tasks) → file name → digest, or "error" where PyYAML fails.
        var directories: [String: [String: String]]
    }

    private static func tasksDirectory() throws -> String {
        let configured = ProcessInfo.processInfo.environment["TESTBENCH_LMEVAL_TASKS"]
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = configured ?? packageRoot.appendingPathComponent(".cache/lm-eval-0.4.9/lm_eval/tasks").path
        var isDirectory: ObjCBool = false
        try #require(
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue,
            "lm-eval 0.4.9's task tree is not at \(path); run scripts/fetch-lmeval-tasks.sh (or set TESTBENCH_LMEVAL_TASKS)")
        return path
    }

    private static func fixture() throws -> Fixture {
        let url = try #require(
            Bundle.module.url(forResource: "lmeval-0.4.9-yaml-digests", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func everyTaskFileLoadsLikePyYAML() throws {
        let tasks = try Self.tasksDirectory()
        let fixture = try Self.fixture()
        var expected: [String: String] = [:]
        for (directory, files) in fixture.directories {
            for (name, digest) in files { expected[directory.isEmpty ? name : directory + "/" + name] = digest }
        }
        #expect(expected.count == fixture.fileCount)

        let onDisk = (FileManager.default.enumerator(atPath: tasks)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".yaml") }
        #expect(Set(onDisk) == Set(expected.keys), "the task tree differs from the one the fixture was generated from")

        var mismatches: [String] = []
        var checked = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (path, digest) in expected.sorted(by: { $0.key < $1.key }) {
                checked += 1
                let outcome: String
                do {
                    let value = try YAMLLoader.load(contentsOfFile: tasks + "/" + path)
                    outcome = String(SHA256.hex(bytes: CanonicalJSON.bytes(value)).prefix(fixture.digestHexDigits))
                } catch {
                    outcome = "error"
                    if digest != "error" { mismatches.append("\(path): \(error)") }
                    continue
                }
                if outcome != digest { mismatches.append("\(path): digest \(outcome), PyYAML gives \(digest)") }
            }
        }
        print("YAML parity: checked \(checked) lm-eval \(fixture.lmEvalVersion) task files in \(elapsed) (load + canonicalise + hash); \(mismatches.count) mismatches")
        #expect(checked == 10_863)
        #expect(mismatches.isEmpty, "\(mismatches.count) files differ from PyYAML:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test func canonicalFormMatchesTheGeneratorsOnAKnownDocument() throws {
        // Digest computed with the generator's canonical() + json.dumps for this exact text.
        let text = "b: [1, 2.5, .nan, ~, yes]\na: !function utils.f\nc: \"q\\\"\\n\\u0001é\"\n"
        let canonical = String(decoding: CanonicalJSON.bytes(try YAMLLoader.load(text)), as: UTF8.self)
        #expect(canonical == #"{"a":{"$tag":"!function","$value":"utils.f"},"b":[1,{"$float":"4004000000000000"},{"$float":"nan"},null,true],"c":"q\"\n\u0001é"}"#)
        #expect(SHA256.hex(bytes: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
