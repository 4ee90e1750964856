import Foundation
import JSON
import Jinja
import PythonRegex
import Testing
import YAML

/// A bounded, seeded cousin of the libFuzzer harnesses in fuzz/ (scripts/fuzz.sh): the committed seed
/// corpus mutated a fixed number of times through each parser, on a concurrency thread as in the
/// worker. Typed throws already make every failure a typed error; this asserts that no input crashes,
/// hangs, or fails without a message. The same seed always replays the same inputs.
@Suite struct MutationFuzzTests {
    static let iterations = 4_000

    @Test func yamlLoader() async throws {
        let failures = try await fuzz("yaml", seed: 0x59414D4C) { text in
            do throws(YAMLError) {
                _ = try YAMLLoader.loadAll(text, file: "fuzz.yaml")
                return true
            } catch {
                #expect(!error.message.isEmpty && error.file == "fuzz.yaml")
                return false
            }
        }
        #expect(failures > 0 && failures < Self.iterations, "mutations should both pass and fail")
    }

    @Test func jinjaEngine() async throws {
        let document: JSONObject = ["question": "What is 2+2?", "choices": ["3", "4"], "answer": 1, "score": 0.5, "meta": ["k": "v"]]
        let limits = JinjaLimits(maxStringBytes: 1 << 20, maxItems: 10_000, maxLoopIterations: 10_000)
        let failures = try await fuzz("jinja", seed: 0x4A494E4A41) { source in
            do throws(JinjaError) {
                _ = try JinjaTemplate(source, name: "fuzz", limits: limits).render(document)
                return true
            } catch {
                #expect(!error.message.isEmpty && error.template == "fuzz")
                return false
            }
        }
        #expect(failures > 0 && failures < Self.iterations)
    }

    @Test func jsonParser() async throws {
        let failures = try await fuzz("json", seed: 0x4A534F4E) { text in
            do throws(JSONParseError) {
                let value = try JSONValue.parse(text)
                // Whatever parses serialises to something that parses to the same value.
                #expect((try? JSONValue.parse(value.serialized())) == value)
                return true
            } catch {
                #expect(!error.message.isEmpty)
                return false
            }
        }
        #expect(failures > 0 && failures < Self.iterations)
    }

    @Test func pythonRegexTranslator() async throws {
        let failures = try await fuzz("regex", seed: 0x5245) { text in
            let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let subject = parts.count > 1 ? String(parts[1].prefix(256)) : "The answer is 42."
            do throws(PythonRegexError) {
                let regex = try PythonRegex(String(parts.first ?? ""))
                _ = regex.search(subject)
                _ = regex.findall(subject)
                return true
            } catch {
                #expect(!"\(error)".isEmpty)
                return false
            }
        }
        #expect(failures > 0 && failures < Self.iterations)
    }

    /// Runs `body` on `iterations` mutants of the corpus seeds; returns how many it rejected.
    private func fuzz(_ corpus: String, seed: UInt64, _ body: @escaping @Sendable (String) -> Bool) async throws -> Int {
        let seeds = try Self.seeds(corpus)
        try #require(!seeds.isEmpty)
        return await Task.detached {
            var random = SplitMix64(seed: seed)
            var rejected = 0
            for _ in 0..<Self.iterations {
                var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
                for _ in 0...(random.next() % 4) { Mutator.mutate(&bytes, with: &random, seeds: seeds) }
                if !body(String(decoding: bytes, as: UTF8.self)) { rejected += 1 }
            }
            return rejected
        }.value
    }

    private static func seeds(_ corpus: String) throws -> [[UInt8]] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../fuzz/corpus/\(corpus)").standardizedFileURL
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
    }
}

/// Deterministic and seedable, unlike the system generator.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// libFuzzer-like byte mutations, plus duplication of a range, which grows nesting quickly.
enum Mutator {
    static let maxLength = 4_096
    /// Tokens that matter to the four grammars, inserted whole.
    static let tokens: [String] = [
        "{{", "}}", "{%", "%}", "{#", "#}", "(", ")", "[", "]", "{", "}", ":", ",", "-", "*", "&a", "*a", "<<", "!!str",
        "|", "'", "\"", "\\", "\n", "\t", "  ", "if", "for", "in", "endif", "endfor", "set", "not", "~", "**",
        "(?P<n>", "(?=", "(?<!", "\\b", "\\d", "+?", "{2,}", "\\u00e9", "1e999", "-0", "null", "\u{0}", "é", "😀",
    ]

    static func mutate(_ bytes: inout [UInt8], with random: inout SplitMix64, seeds: [[UInt8]]) {
        let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
        switch random.next() % 6 {
        case 0 where !bytes.isEmpty && position < bytes.count:
            bytes[position] ^= UInt8(1 << (random.next() % 8))
        case 1:
            bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))].utf8, at: position)
        case 2 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int(random.next() % 16) + 1)
            if position < end { bytes.removeSubrange(position..<end) }
        case 3 where !bytes.isEmpty:
            let end = min(bytes.count, position + Int(random.next() % 64) + 1)
            if position < end {
                let piece = Array(bytes[position..<end])
                for _ in 0..<(random.next() % 8 + 1) { bytes.insert(contentsOf: piece, at: position) }
            }
        case 4:
            let other = seeds[Int(random.next() % UInt64(seeds.count))]
            let cut = other.isEmpty ? 0 : Int(random.next() % UInt64(other.count))
            bytes.insert(contentsOf: other[cut...], at: position)
        default:
            bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
    }
}
