import ArgumentParser
import BenchSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JSON
import LMEval
import Python
import Scoring
import Testbench

/// Loglikelihood requests built per second (5-shot mmlu_anatomy, 4 instances per document) and
/// loglikelihood responses scored per second, natively and with lm-eval 0.4.9 on the same
/// documents and the same made-up values in the same run (scripts/bench-loglikelihood/lmeval_loglikelihood.py).
struct LoglikelihoodBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loglikelihood",
        abstract: "Build 5-shot mmlu_anatomy loglikelihood requests for N synthetic documents and score made-up responses, natively and with lm-eval; print one table.")

    @Option(help: "Synthetic mmlu-shaped test documents (4 instances each).") var documents = 10_000
    @Option(name: .customLong("lmeval-tasks"), help: "lm-eval 0.4.9's task tree (scripts/fetch-lmeval-tasks.sh fetches it).")
    var lmevalTasks = ".cache/lm-eval-0.4.9/lm_eval/tasks"
    @Option(name: .customLong("lmeval-python"), help: "Python of a virtualenv with lm-eval 0.4.9 (default: $LMEVAL_PYTHON); without it only the native side runs.")
    var lmevalPython: String?
    @Option(help: "Timed repetitions of each phase, on both sides (the best is reported).") var repetitions = 3
    @Option(help: "Seed of the made-up loglikelihoods (Python's random.Random).") var seed = 14

    static let task = "mmlu_anatomy"

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("bench-loglikelihood-\(UUID().uuidString)")
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // Both sides read the same files: test (evaluated) and dev (mmlu's fewshot_split, first_n).
        try write((0..<documents).map(Self.row), to: data.appendingPathComponent("test.jsonl"))
        try write((0..<5).map { Self.row(1_000_000 + $0) }, to: data.appendingPathComponent("dev.jsonl"))
        let loaded = try LocalDocuments(folder: data.path)
        let splits = InMemoryDocuments(["test": try loaded.documents(split: "test") ?? [], "dev": try loaded.documents(split: "dev") ?? []])

        let index = try TaskIndex(folders: [lmevalTasks])
        let resolved = try index.resolveTask(named: Self.task)
        let options = PromptOptions(numFewshot: 5)
        let model = APIModelOptions(model: "testbench-model")
        let reps = max(1, repetitions)
        print("\(Self.task) 5-shot, \(documents) documents, native build: \(ScoringBenchmark.buildKind), best of \(reps)")

        // Phase 1: the renderer (process_docs, few-shot source), every document's 4 instances and
        // their /v1/completions bodies, serialised as they would be sent.
        resetPeakRSS()
        var buildSeconds = Double.infinity
        var rendered: [RenderedDocument] = []
        var instanceCount = 0, bodyBytes = 0
        for _ in 0..<reps {
            rendered = []
            let started = ContinuousClock.now
            let renderer = try TaskRenderer(task: resolved, documents: splits, options: options, model: model)
            rendered = try renderer.renderAll()
            var count = 0, bytes = 0
            for document in rendered {
                count += document.instances.count
                for request in document.requests { bytes += JSONValue.object(request).serialized().utf8.count }
            }
            buildSeconds = min(buildSeconds, seconds(ContinuousClock.now - started))
            instanceCount = count
            bodyBytes = bytes
        }
        let buildRSS = peakRSSMiB()

        // Made-up (loglikelihood, is_greedy) per instance, and the echoed body a server would answer
        // it with; written out so lm-eval scores the very same values and bodies.
        var rng = PythonRandom(seed: seed)
        var pairs: [[(context: String, continuation: String)]] = []
        var values: [[ContinuationScore]] = []
        var bodies: [[String]] = []
        var lines: [String] = []
        lines.reserveCapacity(instanceCount)
        for document in rendered {
            var docPairs: [(context: String, continuation: String)] = [], docValues: [ContinuationScore] = [], docBodies: [String] = []
            for instance in document.instances {
                guard case let .loglikelihood(context, continuation) = instance.arguments else {
                    throw ValidationError("\(Self.task) doc \(document.docID): instance \(instance.idx) is not a loglikelihood request")
                }
                // Six decimals, as the parity fixtures' made-up values, so the JSON round trip is exact on both sides.
                let loglikelihood = -((0.05 + rng.random() * 11.95) * 1e6).rounded() / 1e6
                let greedy = rng.random() < 0.35
                let body = Self.echoBody(context: context.contextString, continuation: continuation, logprob: loglikelihood, greedy: greedy)
                docPairs.append((context.contextString, continuation))
                docValues.append(ContinuationScore(loglikelihood: loglikelihood, isGreedy: greedy))
                docBodies.append(body)
                lines.append(JSONValue.object(["doc_id": .int(document.docID), "idx": .int(instance.idx), "loglikelihood": .double(loglikelihood),
                                               "is_greedy": .bool(greedy), "body": .string(body)]).serialized())
            }
            pairs.append(docPairs)
            values.append(docValues)
            bodies.append(docBodies)
        }
        let responsesFile = work.appendingPathComponent("responses.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: responsesFile)
        lines = []
        let docs = rendered.map(\.doc)
        rendered = []

        let firstDocument = docs.first ?? JSONObject()
        let scoring = try LoglikelihoodTaskScoring(task: resolved, firstDocument: firstDocument, root: lmevalTasks)
        func accuracy(_ rows: [ResultRow]) -> Double { rows.first { $0.metric == "acc" }?.value ?? .nan }

        // Phase 2a: the scorer alone over the made-up values. glibc keeps the freed rendered documents
        // and response lines resident; handing them back first makes the phase's peak what it holds.
        trimMalloc()
        resetPeakRSS()
        var scorerSeconds = Double.infinity
        var scorerMean = Double.nan
        for _ in 0..<reps {
            let started = ContinuousClock.now
            var scores: [[(name: String, item: LoglikelihoodItem)]] = []
            scores.reserveCapacity(docs.count)
            for (i, doc) in docs.enumerated() {
                scores.append(try scoring.scorer.score(try scoring.sample(docID: i, doc: doc, results: values[i])))
            }
            let rows = try scoring.scorer.aggregate(scores)
            scorerSeconds = min(scorerSeconds, seconds(ContinuousClock.now - started))
            scorerMean = accuracy(rows)
        }
        let scorerRSS = peakRSSMiB()

        // Phase 2b: the response path, from each echoed body's text to the scorer.
        resetPeakRSS()
        var bodySeconds = Double.infinity
        var bodyMean = Double.nan
        for _ in 0..<reps {
            let started = ContinuousClock.now
            var scores: [[(name: String, item: LoglikelihoodItem)]] = []
            scores.reserveCapacity(docs.count)
            for (i, doc) in docs.enumerated() {
                var results: [ContinuationScore] = []
                results.reserveCapacity(bodies[i].count)
                for (body, pair) in zip(bodies[i], pairs[i]) {
                    let logprobs = try EchoLogprobs(completion: try JSONValue.parse(body))
                    results.append(try logprobs.score(context: pair.context, continuation: pair.continuation))
                }
                scores.append(try scoring.scorer.score(try scoring.sample(docID: i, doc: doc, results: results)))
            }
            let rows = try scoring.scorer.aggregate(scores)
            bodySeconds = min(bodySeconds, seconds(ContinuousClock.now - started))
            bodyMean = accuracy(rows)
        }
        let bodyRSS = peakRSSMiB()

        var lmeval: (requests: JSONValue, scoring: JSONValue)?
        if let python = lmevalPython ?? ProcessInfo.processInfo.environment["LMEVAL_PYTHON"] {
            let script = "scripts/bench-loglikelihood/lmeval_loglikelihood.py"
            let requests = try JSONValue.parse(try lastOutputLine(of: python, [script, "requests", lmevalTasks, data.path, String(reps)]))
            let scored = try JSONValue.parse(try lastOutputLine(of: python, [script, "scoring", lmevalTasks, data.path, String(reps), responsesFile.path]))
            lmeval = (requests, scored)
        }

        func rate(_ count: Int, _ seconds: Double?) -> Double? { seconds.map { Double(count) / $0 } }
        func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "-" }
        let theirInstances = lmeval?.requests["instances"]?.intValue
        let theirScored = lmeval?.scoring["instances"]?.intValue ?? 0
        let rows: [(String, Double, Double?, Double, Double?)] = [
            ("requests built (instances + bodies)", Double(instanceCount) / buildSeconds,
             rate(theirInstances ?? 0, lmeval?.requests["seconds"]?.doubleValue), buildRSS, lmeval?.requests["peak_rss_mib"]?.doubleValue),
            ("responses scored: scorer alone", Double(instanceCount) / scorerSeconds,
             rate(theirScored, lmeval?.scoring["scorer_seconds"]?.doubleValue), scorerRSS, lmeval?.scoring["peak_rss_mib"]?.doubleValue),
            ("responses scored: echoed body -> score", Double(instanceCount) / bodySeconds,
             rate(theirScored, lmeval?.scoring["bodies_seconds"]?.doubleValue), bodyRSS, lmeval?.scoring["peak_rss_mib"]?.doubleValue),
        ]
        print("")
        print("phase (per instance, 4 per document)   |    ours/s | lm-eval/s |   ratio | ours peak RSS | lm-eval peak RSS")
        print("---------------------------------------|-----------|-----------|---------|---------------|-----------------")
        for (name, ours, theirs, ourRSS, theirRSS) in rows {
            let ratio = theirs.map { ours / $0 }
            print(name.padding(toLength: 39, withPad: " ", startingAt: 0)
                  + "| " + String(format: "%9.0f", ours) + " | " + cell(theirs, "%9.0f").leftPadded(9) + " | " + cell(ratio, "%6.1fx").leftPadded(7)
                  + " | " + String(format: "%9.1f MiB", ourRSS) + " | " + cell(theirRSS, "%9.1f MiB").leftPadded(13))
        }
        print("")
        print(String(format: "ours: %d instances, %d body bytes; acc %.6f (scorer), %.6f (bodies)", instanceCount, bodyBytes, scorerMean, bodyMean))
        guard let lmeval else {
            print("lm-eval side skipped: pass --lmeval-python (a virtualenv with lm-eval 0.4.9)")
            return
        }
        let theirScorerMean = lmeval.scoring["scorer_mean"]?.doubleValue ?? .nan, theirBodyMean = lmeval.scoring["bodies_mean"]?.doubleValue ?? .nan
        print(String(format: "lm-eval: %d instances, %d body bytes; acc %.6f (process_results), %.6f (bodies)",
                     theirInstances ?? 0, lmeval.requests["body_bytes"]?.intValue ?? 0, theirScorerMean, theirBodyMean))
        let agree = theirInstances == instanceCount && theirScored == instanceCount
            && abs(theirScorerMean - scorerMean) < 1e-12 && abs(theirBodyMean - bodyMean) < 1e-12
        print("instance counts and acc \(agree ? "agree" : "DIFFER"); RSS: ours is the process's peak during the phase (VmHWM reset before it, "
              + "so it includes what earlier phases still hold), lm-eval's the whole phase process's (VmHWM, imports and dataset load included)")
    }

    /// One synthetic mmlu row (question, subject, choices, answer) whose lengths vary with `i`.
    static func row(_ i: Int) -> JSONObject {
        let organs = ["femur", "aorta", "cerebellum", "pancreas", "trachea", "scapula", "retina", "diaphragm"]
        let organ = organs[i % organs.count]
        let padding = String(repeating: " in the adult human body", count: i % 3)
        let choices: [JSONValue] = (0..<4).map { .string("\(organs[(i + $0 + 1) % organs.count]) region \(i % 97 + $0)") }
        return JSONObject([
            ("question", .string("Question \(i): which structure lies nearest to the \(organ)\(padding)?")),
            ("subject", "anatomy"), ("choices", .array(choices)), ("answer", .int(i % 4)),
        ])
    }

    /// An echoed `/v1/completions` answer for `context + continuation` as the loglikelihood tests
    /// build it: tokens [context, continuation, "\n"]; when `greedy` is false another token beats the
    /// continuation in `top_logprobs`.
    static func echoBody(context: String, continuation: String, logprob: Double, greedy: Bool) -> String {
        let contextLength = context.unicodeScalars.count, promptLength = contextLength + continuation.unicodeScalars.count
        let top: JSONValue = greedy ? [continuation: .double(logprob)] : [continuation: .double(logprob), " Z": .double(logprob / 2)]
        let logprobs: JSONValue = [
            "tokens": [.string(context), .string(continuation), "\n"],
            "token_logprobs": [.null, .double(logprob), -0.5],
            "top_logprobs": [.null, top, ["\n": -0.5]],
            "text_offset": [0, .int(contextLength), .int(promptLength)],
        ]
        return JSONValue.object(["id": "cmpl", "object": "text_completion", "model": "testbench-model",
                                 "choices": [["index": 0, "text": .string(context + continuation + "\n"), "logprobs": logprobs, "finish_reason": "length"]]])
            .serialized()
    }

    private func write(_ rows: [JSONObject], to url: URL) throws {
        try Data((rows.map { JSONValue.object($0).serialized() }.joined(separator: "\n") + "\n").utf8).write(to: url)
    }
}

/// glibc's `malloc_trim(0)`, looked up at run time because Swift's Glibc module does not export it;
/// does nothing where it is missing.
func trimMalloc() {
    #if canImport(Glibc)
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return }
    typealias Trim = @convention(c) (Int) -> Int32
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
    #endif
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
