import ArgumentParser
import BenchSupport
import Foundation
import JSON
import Scoring

/// IFEval responses scored per second: lm-eval's `process_results` with every instruction check
/// (Punkt, word_tokenize, langdetect included) natively, against lm-eval 0.4.9's own code on the
/// same documents and responses (scripts/ifeval-fixtures/bench_lmeval.py).
struct IFEvalBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ifeval",
        abstract: "Score the ifeval fixture's responses, repeated to N, natively and with lm-eval; print both rates and the ratio.")

    @Option(help: "Folder with data/train.jsonl and responses.jsonl (default: Tests/TestbenchTests/Fixtures/ifeval-run).")
    var fixture = "Tests/TestbenchTests/Fixtures/ifeval-run"
    @Option(help: "Documents to score (the fixture's 96 repeated).") var documents = 960
    @Option(name: .customLong("lmeval-python"), help: "Python of a virtualenv with lm-eval 0.4.9, nltk and langdetect (default: $LMEVAL_PYTHON).")
    var lmevalPython: String?
    @Option(help: "Timed repetitions of the native side (the best is reported).") var repetitions = 3

    func run() async throws {
        let root = URL(fileURLWithPath: fixture)
        let rows = try lines(root.appendingPathComponent("data/train.jsonl")).compactMap(\.objectValue)
        let responses = try lines(root.appendingPathComponent("responses.jsonl")).compactMap { $0["response"]?.stringValue }
        guard !rows.isEmpty, rows.count == responses.count else { throw ValidationError("\(fixture): train.jsonl and responses.jsonl must pair up") }
        print("ifeval, \(documents) documents (\(rows.count) distinct), native build: \(ScoringBenchmark.buildKind)")

        // First use parses the Punkt and langdetect tables.
        let started = ContinuousClock.now
        _ = LanguageDetector.standard.detect("warm up")
        _ = PunktSentenceTokenizer.english.tokenize("Warm up. Now.")
        print(String(format: "native first use (parse Punkt and 55 langdetect profiles): %.3f s", seconds(ContinuousClock.now - started)))

        var best = Double.infinity
        var strict = 0.0
        for _ in 0..<max(1, repetitions) {
            let started = ContinuousClock.now
            var followed = 0
            for i in 0..<documents {
                let metrics = try IFEvalScoring.processResults(doc: rows[i % rows.count], results: [.string(responses[i % rows.count])])
                if metrics.first?.value == .bool(true) { followed += 1 }
            }
            best = min(best, seconds(ContinuousClock.now - started))
            strict = Double(followed) / Double(documents)
        }
        print(String(format: "native process_results:  %.3f s, %.0f responses/s, prompt_level_strict_acc %.4f", best, Double(documents) / best, strict))

        guard let python = lmevalPython ?? ProcessInfo.processInfo.environment["LMEVAL_PYTHON"] else {
            print("lm-eval side skipped: pass --lmeval-python")
            return
        }
        let output = try lastOutputLine(of: python, ["scripts/ifeval-fixtures/bench_lmeval.py", fixture, String(documents)])
        let lmeval = try JSONValue.parse(output)
        guard let seconds = lmeval["seconds"]?.doubleValue, let mean = lmeval["prompt_level_strict_acc"]?.doubleValue else {
            throw ValidationError("unexpected output from bench_lmeval.py: \(output)")
        }
        print(String(format: "lm-eval process_results: %.3f s, %.0f responses/s, prompt_level_strict_acc %.4f", seconds, Double(documents) / seconds, mean))
        print(String(format: "ratio native/lm-eval: %.1fx; values %@", seconds / best, abs(mean - strict) < 1e-12 ? "agree" : "DIFFER"))
    }

    private func lines(_ url: URL) throws -> [JSONValue] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }
}
