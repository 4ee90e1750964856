import ExtendedJSON
import Foundation
import JSON
import LMEval
import Scoring
import WorkflowDefinitions

/// What an evaluation computed: the `results` document and counts for logs and the workflow result.
public struct EvaluationResult: Sendable {
    /// `{_id, result_data{_id, task_id, num_samples, status, result_height, result_time}, scores[…]}`.
    public var document: JSONObject
    /// 0: scores computed (some may be failures); 1: nothing to score.
    public var status: Int
    /// Documents scored by the task's filters and metrics.
    public var scored: Int
    /// Failed samples (a response that was not ok or not a usable completion, or a document the scorer rejected).
    public var failed: Int
    /// Documents skipped because some prompt has no response at all (the original's inner join drops them).
    public var unanswered: Int
    /// Mean of the first selected score over the scored documents (nil when none).
    public var meanScore: Double?
    public var selection: ScoreSelection?
    /// lm-eval's aggregate rows (every filter × metric, with stderr) over the scored documents.
    public var rows: [ResultRow]
}

/// The Evaluator's computation without any store: joins instances, prompts and responses the way
/// the original's aggregation does, parses the generations, scores every document whose every
/// prompt has a usable response, and builds the `results` document.
///
/// Differences from the original, on purpose:
/// - When a prompt has several responses (the requester retried), one counts: the latest usable
///   one, else the latest failure; the original scored or failed every copy.
/// - A response that is `ok: false` with `error_code` 0 fails with code 1 (relay), not 0, so no
///   failure looks like a success to the manager.
/// - A document the scorer rejects (lm-eval would raise and fail the whole task) is a failed
///   sample with code 12 and the reason.
public enum TaskEvaluation {
    /// Joins and scores. Throws for bad input only (responses for prompts of another task, a task
    /// configuration the scorer cannot run); per-sample problems become failed samples.
    public static func run(
        taskID: ObjectID, api: CompletionAPI, task: ResolvedTask, root: String?, settings: TaskSettings? = nil,
        instances: [JSONObject], prompts: [JSONObject], responses: [JSONObject], resultTime: Date
    ) throws(ApplicationError) -> EvaluationResult {
        let join = try Join(taskID: taskID, instances: instances, prompts: prompts, responses: responses)
        if LoglikelihoodTaskScoring.applies(to: task) {
            let outcome = try LoglikelihoodEvaluation.run(task: task, root: root, settings: settings, join: join)
            return result(taskID: taskID, join: join, scores: outcome.scores + outcome.failures, scored: outcome.values,
                          failed: outcome.failures.count, unanswered: outcome.unanswered, selection: outcome.selection,
                          rows: outcome.rows, resultTime: resultTime)
        }

        var features = Set<String>()
        for document in join.documents {
            for (key, _) in document.doc { features.insert(key) }
        }

        var answered: [(docID: Int, doc: JSONObject, texts: [String], runTime: Double)] = []
        var failures: [JSONObject] = []
        var unanswered = 0
        for document in join.documents {
            var texts: [String] = []
            var runTime = 0.0
            var docFailures: [JSONObject] = []
            var missing = false
            for instance in document.instances {
                var time = 0.0, timed = 0
                if instance.responses.isEmpty { missing = true }
                for response in instance.responses {
                    guard let response else { missing = true; continue }
                    switch parse(response, api: api) {
                    case let .text(text):
                        texts.append(text)
                        time += response["ms"]?.doubleValue ?? 0
                        timed += 1
                    case let .failed(code, error):
                        docFailures.append(scoreEntry(score: 0, docID: document.docID, runTime: 0, code: code, error: error))
                    }
                }
                if timed > 0 { runTime += time / Double(timed) }
            }
            if !docFailures.isEmpty {
                failures += docFailures
            } else if missing {
                unanswered += 1
            } else {
                answered.append((document.docID, document.doc, texts, runTime))
            }
        }

        var scores: [JSONObject] = []
        var selection: ScoreSelection?
        var values: [Double] = []
        var sampleScores: [SampleScore] = []
        var rows: [ResultRow] = []
        if let first = answered.first {
            let scoring = try TaskScoring(task: task, root: root, firstDocument: first.doc, features: features, settings: settings)
            selection = scoring.selection
            for document in answered {
                let outcome: Result<[Double], ApplicationError>
                do {
                    let sample = try scoring.sample(docID: document.docID, doc: document.doc, responses: document.texts)
                    let score = try scoring.scorer.score(sample)
                    outcome = scoring.selectedScores(score)
                    if case .success = outcome { sampleScores.append(score) }
                } catch let error as ScoringError where error.kind == .configuration {
                    throw ApplicationError(error.description, type: "LMEH")
                } catch let error as ScoringError {
                    outcome = .failure(ApplicationError(error.message, type: "LMEH"))
                } catch let error as ApplicationError {
                    outcome = .failure(error)
                } catch {
                    outcome = .failure(ApplicationError("\(error)", type: "LMEH"))
                }
                switch outcome {
                case let .success(selected):
                    // One entry per selected filter × metric, as the original stores them.
                    values.append(selected[0])
                    for value in selected {
                        scores.append(scoreEntry(score: value, docID: document.docID, runTime: document.runTime, code: 0, error: ""))
                    }
                case let .failure(error):
                    failures.append(scoreEntry(score: 0, docID: document.docID, runTime: 0, code: CompletionBody.Code.evaluation, error: error.message))
                }
            }
            if !sampleScores.isEmpty {
                do {
                    rows = try scoring.scorer.aggregate(sampleScores)
                } catch {
                    throw ApplicationError(error.description, type: "LMEH")
                }
            }
        }
        return result(taskID: taskID, join: join, scores: scores + failures, scored: values, failed: failures.count,
                      unanswered: unanswered, selection: selection, rows: rows, resultTime: resultTime)
    }

    /// The `results` document over the stored scores (successes, then failures).
    private static func result(
        taskID: ObjectID, join: Join, scores: [JSONObject], scored values: [Double], failed: Int, unanswered: Int,
        selection: ScoreSelection?, rows: [ResultRow], resultTime: Date
    ) -> EvaluationResult {
        let status = scores.isEmpty ? 1 : 0
        let resultData = JSONObject([
            ("_id", .objectID(EvaluatorIDs.resultDataID(task: taskID))), ("task_id", .objectID(taskID)),
            ("num_samples", .int(scores.count)), ("status", .int(status)), ("result_height", .int(join.resultHeight)),
            ("result_time", .date(resultTime)),
        ])
        let document = JSONObject([
            ("_id", .objectID(EvaluatorIDs.resultID(task: taskID))), ("result_data", .object(resultData)),
            ("scores", .array(scores.map(JSONValue.object))),
        ])
        return EvaluationResult(
            document: document, status: status, scored: values.count, failed: failed, unanswered: unanswered,
            meanScore: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count), selection: selection, rows: rows)
    }

    /// One `scores` entry, fields in the original's order.
    static func scoreEntry(score: Double, docID: Int, runTime: Double, code: Int, error: String) -> JSONObject {
        JSONObject([
            ("score", .double(score)), ("id", .int(docID)), ("run_time", .double(runTime)),
            ("status_code", .int(code)), ("error_str", .string(error)),
        ])
    }

    /// A stored response as the evaluator sees it: the requester's failure, or the parsed body.
    public static func parse(_ response: JSONObject, api: CompletionAPI) -> CompletionBody.Parsed {
        let ok = response["ok"]?.boolValue ?? false
        let code = response["error_code"]?.intValue ?? 0
        if !ok || code != 0 {
            return .failed(code: code == 0 ? 1 : code, error: response["error"]?.stringValue ?? "")
        }
        guard case let .string(raw)? = response["response"] else {
            return .failed(code: CompletionBody.Code.evaluation, error: "the response document has no 'response' string")
        }
        return CompletionBody.parse(raw, api: api)
    }

    /// Whether a stored response is usable in principle (the requester called it a success).
    static func isSuccess(_ response: JSONObject) -> Bool {
        (response["ok"]?.boolValue ?? false) && (response["error_code"]?.intValue ?? 0) == 0
    }

    /// Instances grouped by document with the chosen response of each prompt.
    struct Join {
        struct Instance {
            /// One entry per prompt of the instance, nil when the prompt has no response.
            var responses: [JSONObject?]
            /// lm-eval's request arguments (`[context, continuation]` for a loglikelihood request).
            var arguments: JSONValue?
        }

        struct Document {
            var docID: Int
            var doc: JSONObject
            var instances: [Instance]
        }

        var documents: [Document] = []
        var resultHeight = -1

        init(taskID: ObjectID, instances: [JSONObject], prompts: [JSONObject], responses: [JSONObject]) throws(ApplicationError) {
            // Keyed by ObjectID, not hex text: no string is built per lookup. An instance's prompts
            // are a chain through `nextPrompt` (in prompt order), not an array per instance.
            var promptIDs: [ObjectID] = []
            promptIDs.reserveCapacity(prompts.count)
            var nextPrompt: [Int] = []
            nextPrompt.reserveCapacity(prompts.count)
            var promptChain: [ObjectID: (first: Int, last: Int)] = [:]
            promptChain.reserveCapacity(prompts.count)
            var promptInstance: [ObjectID: ObjectID] = [:]
            promptInstance.reserveCapacity(prompts.count)
            for prompt in prompts {
                guard let id = Self.key(prompt["_id"]), let instance = Self.key(prompt["instance_id"]) else {
                    throw ApplicationError("a prompt of task \(taskID.hex) has no ObjectId _id or instance_id", type: "LMEH")
                }
                let position = promptIDs.count
                promptIDs.append(id)
                nextPrompt.append(-1)
                if let chain = promptChain[instance] {
                    nextPrompt[chain.last] = position
                    promptChain[instance] = (chain.first, position)
                } else {
                    promptChain[instance] = (position, position)
                }
                promptInstance[id] = instance
            }
            var chosen: [ObjectID: JSONObject] = [:]
            chosen.reserveCapacity(responses.count)
            for response in responses {
                guard let promptID = Self.key(response["prompt_id"]) else {
                    let responseID = Self.key(response["_id"])?.hex ?? "?"
                    throw ApplicationError("response \(responseID) of task \(taskID.hex) has no prompt_id", type: "BadResponses")
                }
                guard let instance = promptInstance[promptID] else {
                    let responseID = Self.key(response["_id"])?.hex ?? "?"
                    throw ApplicationError(
                        "response \(responseID) (task_id \(taskID.hex)) answers prompt \(promptID), which is not a prompt of task \(taskID.hex): responses belong to another task",
                        type: "BadResponses")
                }
                if let claimed = Self.key(response["instance_id"]), claimed != instance {
                    let responseID = Self.key(response["_id"])?.hex ?? "?"
                    throw ApplicationError("response \(responseID) names instance \(claimed) but its prompt \(promptID) belongs to instance \(instance)",
                                         type: "BadResponses")
                }
                if let height = response["session_height"]?.intValue ?? response["height"]?.intValue { resultHeight = max(resultHeight, height) }
                // The latest usable response wins; a failure never replaces a usable one.
                if let current = chosen[promptID], TaskEvaluation.isSuccess(current), !TaskEvaluation.isSuccess(response) { continue }
                chosen[promptID] = response
            }

            var order: [(docID: Int, idx: Int, instance: Int)] = []
            order.reserveCapacity(instances.count)
            for (position, instance) in instances.enumerated() {
                guard let docID = instance["doc_id"]?.intValue else {
                    throw ApplicationError("an instance of task \(taskID.hex) has no integer doc_id", type: "LMEH")
                }
                order.append((docID, instance["idx"]?.intValue ?? 0, position))
            }
            order.sort { ($0.docID, $0.idx) < ($1.docID, $1.idx) }
            // Sorted by document, so a document's instances are adjacent.
            documents.reserveCapacity(order.count)
            for (docID, _, position) in order {
                let instance = instances[position]
                var responses: [JSONObject?] = []
                if let key = Self.key(instance["_id"]), let chain = promptChain[key] {
                    var prompt = chain.first
                    while prompt >= 0 {
                        responses.append(chosen[promptIDs[prompt]])
                        prompt = nextPrompt[prompt]
                    }
                }
                let entry = Instance(responses: responses, arguments: instance["arguments"])
                if documents.last?.docID == docID {
                    documents[documents.count - 1].instances.append(entry)
                    continue
                }
                guard case let .object(doc)? = instance["doc"] else {
                    let id = Self.key(instance["_id"])?.hex ?? ""
                    throw ApplicationError("instance \(id) (doc \(docID)) has no 'doc' object", type: "LMEH")
                }
                documents.append(Document(docID: docID, doc: doc, instances: [entry]))
            }
        }

        /// An ObjectId (`{"$oid": "<hex>"}`), whichever case its hex was stored in.
        static func key(_ value: JSONValue?) -> ObjectID? {
            value?.objectIDValue
        }
    }
}

/// Ids of the `results` document, derived from the task id so a retry writes the same document.
public enum EvaluatorIDs {
    public static func resultID(task: ObjectID) -> ObjectID { derived(task, "result") }
    public static func resultDataID(task: ObjectID) -> ObjectID { derived(task, "result_data") }
    /// The `_id` of a `tokenizers`/`configs` entry: from its hash, so two evaluations of the same files agree.
    public static func signatureEntryID(hash: String, collection: String) -> ObjectID {
        ObjectID(high: SamplerIDs.fnv1a(collection + "/" + hash), low: UInt32(truncatingIfNeeded: SamplerIDs.fnv1a(hash + "#" + collection)))
    }

    private static func derived(_ task: ObjectID, _ kind: String) -> ObjectID {
        let high = SamplerIDs.fnv1a(task.hex + "/" + kind)
        let low = SamplerIDs.fnv1a(kind + "#" + task.hex)
        return ObjectID(high: high, low: UInt32(truncatingIfNeeded: low))
    }
}
