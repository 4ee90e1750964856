import JSON
import Python

/// lm-eval's `ContextSampler` (`default`) and `FirstNSampler` (`first_n`): which few-shot rows
/// a document gets and how they are written out.
public struct FewShotSampler: Sendable {
    public let kind: SamplerKind
    /// The few-shot source rows, in order (`list(task.fewshot_docs())`).
    public let documents: [JSONObject]
    let fields: DocumentFields

    public init(kind: SamplerKind, documents: [JSONObject], fields: DocumentFields) {
        self.kind = kind
        self.documents = documents
        self.fields = fields
    }

    private var config: TaskConfig { fields.task.config }

    /// `num_fewshot + 1` when the few-shot split is the evaluation split (both unset counts as equal).
    public func drawCount(_ numFewshot: Int) -> Int {
        config.fewshotSplit == config.testSplit ? numFewshot + 1 : numFewshot
    }

    /// `sample(n)`: a random draw (`rnd.sample(docs, n)`) or the first n rows.
    public func sample(_ n: Int, rng: inout PythonRandom) throws(LMEvalError) -> [JSONObject] {
        switch kind {
        case .default:
            guard let indices = rng.sampleIndices(populationSize: documents.count, count: n) else {
                throw fields.error(.documents, "few-shot: cannot draw \(n) examples from \(documents.count) few-shot documents (sample larger than population)")
            }
            return indices.map { documents[$0] }
        case .firstN:
            guard n <= documents.count else {
                throw fields.error(.documents, "few-shot: number of few-shot samples requested (\(n)) exceeds the \(documents.count) that are available")
            }
            return Array(documents.prefix(n))
        }
    }

    /// The random draws one document's context makes, without building it (to replay earlier documents).
    public func skip(numFewshot: Int, chat: Bool, fewshotAsMultiturn: Bool, rng: inout PythonRandom) throws(LMEvalError) {
        guard numFewshot > 0, kind == .default else { return }
        // Chat without multiturn draws twice: get_chat_context samples, then get_context samples again.
        let draws = chat && !fewshotAsMultiturn ? 2 : 1
        for _ in 0..<draws { _ = try sample(drawCount(numFewshot), rng: &rng) }
    }

    private func selected(for doc: JSONObject, numFewshot: Int, rng: inout PythonRandom) throws(LMEvalError) -> [JSONObject] {
        let drawn = try sample(drawCount(numFewshot), rng: &rng)
        return Array(drawn.filter { $0 != doc }.prefix(numFewshot))
    }

    /// `get_context`: the examples as one string, each followed by the few-shot delimiter.
    public func context(for doc: JSONObject, numFewshot: Int, genPrefix: String?, rng: inout PythonRandom) throws(LMEvalError) -> String {
        let prefix = (genPrefix ?? "").isEmpty ? "" : (genPrefix ?? "") + " "
        var out = ""
        for example in try selected(for: doc, numFewshot: numFewshot, rng: &rng) {
            let content = try fields.text(example, rule: fields.task.fewshotDocToText)
            let target = try fields.target(example, rule: fields.task.fewshotDocToTarget)
            out += try exampleText(content, example)
            if target != .string("") {
                out += config.targetDelimiter + prefix + (try targetText(target, example))
                out += config.fewshotDelimiter
            }
        }
        return out
    }

    /// `get_chat_context`: user/assistant turns (multiturn), or one user turn holding `get_context`.
    public func chatContext(
        for doc: JSONObject, numFewshot: Int, fewshotAsMultiturn: Bool, genPrefix: String?, rng: inout PythonRandom
    ) throws(LMEvalError) -> [ChatMessage] {
        let prefix = (genPrefix ?? "").isEmpty ? "" : (genPrefix ?? "") + " "
        let chosen = try selected(for: doc, numFewshot: numFewshot, rng: &rng)
        guard fewshotAsMultiturn else {
            return [ChatMessage(role: "user", content: try context(for: doc, numFewshot: numFewshot, genPrefix: genPrefix, rng: &rng))]
        }
        var history: [ChatMessage] = []
        for example in chosen {
            let content = try fields.text(example, rule: fields.task.fewshotDocToText)
            let target = try fields.target(example, rule: fields.task.fewshotDocToTarget)
            history.append(ChatMessage(role: "user", content: try exampleText(content, example)))
            history.append(ChatMessage(role: "assistant", content: prefix + (try targetText(target, example))))
        }
        return history
    }

    /// The example's question: the text, or `doc_to_choice(doc)[text]` for an index.
    private func exampleText(_ content: JSONValue, _ example: JSONObject) throws(LMEvalError) -> String {
        if case let .string(s) = content { return s }
        guard config.docToChoice != nil else {
            throw fields.error(.documents, "few-shot doc_to_text returned \(content.typeName), which lm-eval cannot concatenate")
        }
        let choices = try fields.choices(example, rule: fields.task.fewshotDocToChoice)
        let choice = try fields.choice(choices, at: content, key: "few-shot doc_to_text")
        guard case let .string(s) = choice else {
            throw fields.error(.documents, "few-shot doc_to_text: choice \(PythonValue.repr(choice)) is not a string")
        }
        return s
    }

    /// The example's answer: a list's first element, a string, or `str(doc_to_choice(doc)[target])`.
    private func targetText(_ target: JSONValue, _ example: JSONObject) throws(LMEvalError) -> String {
        if case let .array(items) = target {
            guard let first = items.first else { throw fields.error(.documents, "few-shot doc_to_target returned an empty list") }
            return PythonValue.str(first)
        }
        if case let .string(s) = target { return s }
        guard config.docToChoice != nil else {
            throw fields.error(.documents, "few-shot doc_to_target returned \(target.typeName) \(PythonValue.repr(target)) and the task has no doc_to_choice; lm-eval cannot concatenate it")
        }
        let choices = try fields.choices(example, rule: fields.task.fewshotDocToChoice)
        return PythonValue.str(try fields.choice(choices, at: target, key: "few-shot doc_to_target"))
    }
}
