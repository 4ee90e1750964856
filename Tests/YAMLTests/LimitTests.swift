import Foundation
import Testing
import YAML

/// Issue 12: hostile nesting, alias bombs and oversized input fail fast with an error naming the file
/// and the limit, on the smallest stack the worker runs on (a Swift concurrency thread).
@Suite struct LimitTests {
    /// Loads on a cooperative-pool thread, as the worker does.
    private func loadInTask(_ text: String, limits: YAMLLimits = .default) async -> Result<YAMLValue, YAMLError> {
        await timedLoadInTask(text, limits: limits).result
    }

    /// The time is taken on the task, so that waiting for one of the pool's few threads is not counted.
    private func timedLoadInTask(_ text: String, limits: YAMLLimits = .default) async -> (result: Result<YAMLValue, YAMLError>, time: Duration) {
        await Task.detached {
            let started = ContinuousClock.now
            let result = Result { () throws(YAMLError) in try YAMLLoader.load(text, file: "tasks/hostile.yaml", limits: limits) }
            return (result, ContinuousClock.now - started)
        }.value
    }

    private static let deep = 100_000

    /// Hostile shapes by name, so that a failure prints the name rather than the text.
    private static let hostile: [String: String] = [
        "flow sequences": String(repeating: "[", count: deep) + String(repeating: "]", count: deep),
        "flow mappings": String(repeating: "{a: ", count: deep) + "1" + String(repeating: "}", count: deep),
        "block sequences": String(repeating: "- ", count: deep) + "x\n",
        "block mappings": (0..<2_000).map { String(repeating: " ", count: $0) + "k:\n" }.joined(),
    ]

    @Test(arguments: hostile.keys.sorted())
    func nestingFarBeyondTheLimitFailsFastNamingTheLimit(shape: String) async throws {
        let (result, time) = await timedLoadInTask(try #require(Self.hostile[shape]))
        let error = try #require(throws: YAMLError.self) { try result.get() }
        #expect(error.file == "tasks/hostile.yaml")
        #expect(error.message.contains("deeper than 256 levels (YAMLLimits.maxDepth)"), "\(shape): \(error)")
        #expect(error.line == 1 || shape == "block mappings")
        #expect(time < .seconds(5), "\(shape) took \(time)")
    }

    @Test func twentyThousandDeepIsRefusedWithinMilliseconds() async throws {
        let text = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        let (result, time) = await timedLoadInTask(text)
        #expect(throws: YAMLError.self) { try result.get() }
        #expect(time < .seconds(1), "took \(time)")
    }

    @Test func nestingUpToTheLimitLoadsAndTheLimitIsConfigurable() async throws {
        func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        var value = try await loadInTask(nested(256)).get()
        var depth = 0
        while case .sequence(let items) = value {
            depth += 1
            value = items.first ?? .null
        }
        #expect(depth == 256)
        #expect(throws: YAMLError.self) { try YAMLLoader.load(nested(257)) }
        #expect(throws: YAMLError.self) { try YAMLLoader.load(nested(11), limits: YAMLLimits(maxDepth: 10)) }
        _ = try await loadInTask(nested(2_000), limits: YAMLLimits(maxDepth: 2_000)).get()
    }

    @Test func billionLaughsIsRefusedBeforeItExpands() async throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        #expect(text.utf8.count < 1_000)
        let (result, time) = await timedLoadInTask(text)
        let error = try #require(throws: YAMLError.self) { try result.get() }
        #expect(error.message.contains("more than 1000000 nodes with its aliases (YAMLLimits.maxNodes)"))
        #expect(error.file == "tasks/hostile.yaml" && error.line == 6, "\(error)")
        #expect(time < .seconds(1), "took \(time)")
    }

    @Test func aliasesWithinTheNodeLimitStillShareTheirTarget() throws {
        let text = "base: &b {x: 1, y: [1, 2]}\nuse: *b\nmerged:\n  <<: *b\n  z: 3\n"
        let value = try YAMLLoader.load(text, limits: YAMLLimits(maxNodes: 29))
        guard case .mapping(let top) = value, case .mapping(let merged)? = top["merged"] else {
            Issue.record("not a mapping: \(value)")
            return
        }
        #expect(top["use"] == top["base"])
        #expect(merged.keys == ["x", "y", "z"])
        #expect(throws: YAMLError.self) { try YAMLLoader.load(text, limits: YAMLLimits(maxNodes: 28)) }
    }

    @Test func oversizedInputIsRefusedBeforeParsing() throws {
        let limits = YAMLLimits(maxBytes: 64)
        let text = "key: " + String(repeating: "x", count: 100) + "\n"
        let fromText = try #require(throws: YAMLError.self) { try YAMLLoader.load(text, file: "big.yaml", limits: limits) }
        #expect(fromText.description == "big.yaml: the input is 106 bytes, more than the limit of 64 (YAMLLimits.maxBytes)")
        #expect(throws: YAMLError.self) { try YAMLLoader.loadAll(text, limits: limits) }

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-limit-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try #require(throws: YAMLError.self) { try YAMLLoader.load(contentsOfFile: path, limits: limits) }
        #expect(fromFile.file == path && fromFile.message.contains("YAMLLimits.maxBytes"))
        #expect(try YAMLLoader.load(contentsOfFile: path) != .null)
    }
}
