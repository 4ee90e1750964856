import Foundation
import JSON
import LMEval
import Testbench
import Testing

/// `--output_path`/`--log_samples` files against the ones lm-eval 0.4.9's own command line writes
/// for the same run (`scripts/lmeval-fixtures/output_files.py`).
@Suite struct LMEvalOutputTests {
    static let fixtures = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/lmeval-output").path
    static let groups = PackagePaths.root.appendingPathComponent("Tests/TestbenchTests/Fixtures/group-tables/groups").path
    /// Keys whose values depend on when, where and with what the run happened.
    static let undetermined: Set<String> = [
        "date", "start_time", "end_time", "total_evaluation_time_seconds", "git_hash", "pretty_env_info", "transformers_version",
        "lm_eval_version", "upper_git_hash",
    ]

    /// The fixture's command line: (flag, value) pairs.
    static func argument(_ name: String) throws -> String? {
        let args = try JSONValue.parse(String(contentsOfFile: "\(fixtures)/args.json", encoding: .utf8)).arrayValue?.compactMap(\.stringValue) ?? []
        guard let index = args.firstIndex(of: name), index + 1 < args.count else { return nil }
        return args[index + 1]
    }

    static func report() async throws -> (ReferenceRunReport, LMEvalRunRecord) {
        let tasks = try #require(try argument("--tasks")).split(separator: ",").map(String.init)
        let limit = try #require(try argument("--limit").flatMap(Double.init))
        let index = try TaskIndex(folders: [PackagePaths.tasks, groups])
        let options = ReferenceRunOptions(tasks: tasks, datasetsDir: PackagePaths.datasets, limit: DocumentLimit(lmEval: limit))
        let report = try await ReferenceRunner(index: index, options: options).run(.file(try ResponsesFile(path: "\(fixtures)/responses.jsonl")))
        let record = LMEvalRunRecord(modelSource: try #require(try argument("--model")), modelArgs: try #require(try argument("--model_args")),
                                     limit: limit)
        return (report, record)
    }

    /// Every difference between two JSON values: a key present on one side only, or (outside
    /// `skipping`) a different value; doubles equal to 1e-12 relative.
    static func differences(_ ours: JSONValue, _ theirs: JSONValue, path: String = "", skipping: Set<String> = []) -> [String] {
        switch (ours, theirs) {
        case let (.object(a), .object(b)):
            var out: [String] = []
            if a.keys != b.keys { out.append("\(path): keys \(a.keys) ≠ \(b.keys)") }
            for key in b.keys where !skipping.contains(key) {
                guard let left = a[key], let right = b[key] else { continue }
                out += differences(left, right, path: path + "." + key)
            }
            return out
        case let (.array(a), .array(b)):
            guard a.count == b.count else { return ["\(path): \(a.count) items ≠ \(b.count)"] }
            return zip(a, b).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        default:
            if let x = ours.doubleValue, let y = theirs.doubleValue, ours.stringValue == nil, theirs.stringValue == nil,
               ours.boolValue == nil, theirs.boolValue == nil {
                return abs(x - y) <= 1e-12 * max(1, abs(y)) ? [] : ["\(path): \(x) ≠ \(y)"]
            }
            return ours == theirs ? [] : ["\(path): \(ours.serialized()) ≠ \(theirs.serialized())"]
        }
    }

    @Test func resultsFileHasLMEvalsKeysAndValues() async throws {
        let (report, record) = try await Self.report()
        let ours = JSONValue.object(LMEvalOutput.results(report, record: record, logSamples: true, ended: record.startClock + 1, gitHash: nil))
        let theirs = try JSONValue.parse(String(contentsOfFile: "\(Self.fixtures)/results.json", encoding: .utf8))
        let differences = Self.differences(ours, theirs, skipping: Self.undetermined)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test func samplesLinesEqualLMEvalsFieldByField() async throws {
        let (report, _) = try await Self.report()
        #expect(report.tasks.count == 3)
        for task in report.tasks {
            let text = try String(contentsOfFile: "\(Self.fixtures)/samples_\(task.task).jsonl", encoding: .utf8)
            let theirs = try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
            let ours = LMEvalOutput.sampleLines(task).map(JSONValue.object)
            #expect(ours.count == theirs.count, "\(task.task)")
            for (line, (mine, expected)) in zip(ours, theirs).enumerated() {
                let differences = Self.differences(mine, expected)
                #expect(differences.isEmpty, "\(task.task) line \(line): \(differences.joined(separator: "\n"))")
            }
            // And as text: lm-eval's json.dumps separators, UTF-8 kept, floats as Python writes them.
            let format = JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false)
            #expect(ours.map { $0.serialized(format) + "\n" }.joined() == text, "\(task.task)")
        }
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("é—日本", "24af7724ddbac6ea7f873fb673e325fd02c7575328b08972c58336658a70bc77"),
    ])
    func hashStringIsSHA256OfUTF8(_ text: String, _ hex: String) {
        #expect(LMEvalOutput.hash(text) == hex)
    }

    @Test func hashCrossesBlockBoundaries() {
        // 55, 56 and 64 bytes: the padding's length field fits, spills, and a whole block precedes it.
        #expect(LMEvalOutput.hash(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(LMEvalOutput.hash(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(LMEvalOutput.hash(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test(arguments: [
        ("testbench-model", "testbench-model"), ("org/model", "org__model"), ("a:/b", "a__b"), (#"x"<>y"#, "x__y"), ("[q]", "__q__"),
    ])
    func modelNameIsSanitizedAsLMEvals(_ name: String, _ sanitized: String) {
        #expect(LMEvalOutput.sanitizeModelName(name) == sanitized)
    }

    @Test(arguments: [
        ("base_url=http://h/v1/completions,model=org/m,num_concurrent=2", "org/m"), ("pretrained=p,model=m", "p"), ("base_url=x", ""),
    ])
    func modelNameComesFromModelArgs(_ args: String, _ name: String) {
        #expect(LMEvalRunRecord(modelSource: "local-completions", modelArgs: args).modelName == name)
    }

    @Test func timestampIsPythonsIsoformatWithDashes() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(LMEvalOutput.dateID(Date(timeIntervalSince1970: 1_764_653_045.25), timeZone: utc) == "2025-12-02T05-24-05.250000")
        #expect(LMEvalOutput.dateID(Date(timeIntervalSince1970: 1_764_653_045), timeZone: utc) == "2025-12-02T05-24-05", "no fraction when it is zero")
    }

    @Test func pathsFollowLMEvalsRules() {
        let folder = LMEvalOutput.Paths(outputPath: "/tmp/out", modelNameSanitized: "org__m", dateID: "D")
        #expect(folder.results == "/tmp/out/org__m/results_D.json")
        #expect(folder.samples(task: "t") == "/tmp/out/org__m/samples_t_D.jsonl")
        let file = LMEvalOutput.Paths(outputPath: "/tmp/out/run.json", modelNameSanitized: "org__m", dateID: "D")
        #expect(file.results == "/tmp/out/run_D.json")
        #expect(file.samples(task: "t") == "/tmp/out/samples_t_D.jsonl")
    }
}
