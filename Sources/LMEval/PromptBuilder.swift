import JSON
import Python

/// How prompts are built for a run (lm-eval's `simple_evaluate` arguments that shape them).
public struct PromptOptions: Sendable, Hashable {
    /// `--num_fewshot`; ignored when the YAML says `num_fewshot: 0`; nil and absent in the YAML means 0.
    public var numFewshot: Int?
    /// `--apply_chat_template`.
    public var applyChatTemplate: Bool
    /// `--fewshot_as_multiturn`.
    public var fewshotAsMultiturn: Bool
    /// `--system_instruction`.
    public var systemInstruction: String?
    /// `fewshot_random_seed` (simple_evaluate's default 1234).
    public var fewshotSeed: Int

    public init(
        numFewshot: Int? = nil, applyChatTemplate: Bool = false, fewshotAsMultiturn: Bool = false,
        systemInstruction: String? = nil, fewshotSeed: Int = 1234
    ) {
        self.numFewshot = numFewshot
        self.applyChatTemplate = applyChatTemplate
        self.fewshotAsMultiturn = fewshotAsMultiturn
        self.systemInstruction = systemInstruction
        self.fewshotSeed = fewshotSeed
    }

    /// The few-shot count lm-eval uses for `config` (evaluator `_adjust_config`).
    public func effectiveNumFewshot(_ config: TaskConfig) -> Int {
        if let numFewshot, config.numFewshot != 0 { return numFewshot }
        return config.numFewshot ?? 0
    }
}

/// lm-eval's `ConfigurableTask.fewshot_context`: description/system prompt, few-shot examples,
/// the question, and `gen_prefix`, in completion or chat form.
public struct PromptBuilder: Sendable {
    public let fields: DocumentFields
    public let sampler: FewShotSampler?
    public let options: PromptOptions
    /// `self.multiple_input`: set when the first evaluation document's `doc_to_text` is an index into its choices.
    public let multipleInput: Int

    public init(fields: DocumentFields, sampler: FewShotSampler?, options: PromptOptions, multipleInput: Int) {
        self.fields = fields
        self.sampler = sampler
        self.options = options
        self.multipleInput = multipleInput
    }

    private var config: TaskConfig { fields.task.config }

    /// Builds the context for `doc`, drawing few-shot examples from `rng` as lm-eval does for this document.
    public func context(for doc: JSONObject, numFewshot: Int, rng: inout PythonRandom) throws(LMEvalError) -> Prompt {
        let genPrefix = try fields.prefix(doc)
        let description = try fields.description(doc)
        let systemPrompt: String
        if let instruction = options.systemInstruction, !description.isEmpty {
            systemPrompt = instruction + config.fewshotDelimiter + description
        } else if let instruction = options.systemInstruction {
            systemPrompt = instruction
        } else {
            systemPrompt = description
        }
        if numFewshot > 0 && sampler == nil {
            throw fields.error(.documents, "num_fewshot is \(numFewshot) but the task has no few-shot documents (no fewshot_split, samples, training, validation or test split)")
        }
        return options.applyChatTemplate
            ? .messages(try chatContext(doc, systemPrompt: systemPrompt, numFewshot: numFewshot, genPrefix: genPrefix, rng: &rng))
            : .text(try completionContext(doc, systemPrompt: systemPrompt, numFewshot: numFewshot, genPrefix: genPrefix, rng: &rng))
    }

    private func completionContext(
        _ doc: JSONObject, systemPrompt: String, numFewshot: Int, genPrefix: String?, rng: inout PythonRandom
    ) throws(LMEvalError) -> String {
        var text = systemPrompt
        if numFewshot > 0, let sampler {
            text += try sampler.context(for: doc, numFewshot: numFewshot, genPrefix: genPrefix, rng: &rng)
        }
        let example = try fields.text(doc)
        let prefix = genPrefix.map { config.targetDelimiter + $0 } ?? ""
        if multipleInput > 0 { return text }
        return text + (try question(example, doc)) + prefix
    }

    private func chatContext(
        _ doc: JSONObject, systemPrompt: String, numFewshot: Int, genPrefix: String?, rng: inout PythonRandom
    ) throws(LMEvalError) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        if !systemPrompt.isEmpty { messages.append(ChatMessage(role: "system", content: systemPrompt)) }
        if numFewshot > 0, let sampler {
            messages += try sampler.chatContext(
                for: doc, numFewshot: numFewshot, fewshotAsMultiturn: options.fewshotAsMultiturn, genPrefix: genPrefix, rng: &rng)
        }
        let example = try fields.text(doc)
        if multipleInput > 0 { return messages }
        switch example {
        case .string, .int, .bool:
            appendQuestion(try question(example, doc), to: &messages, genPrefix: genPrefix)
        case .array:
            throw fields.error(.unsupported, "doc_to_text returned a list (one context per choice); that is a loglikelihood form, not a generation prompt")
        default:
            // lm-eval appends nothing for other types and sends the history as it is.
            break
        }
        return messages
    }

    /// `append_target_question`: merge into a trailing user turn unless multiturn; then the gen_prefix as an assistant turn.
    private func appendQuestion(_ question: String, to messages: inout [ChatMessage], genPrefix: String?) {
        if !options.fewshotAsMultiturn, let last = messages.last, last.role != "system" {
            messages[messages.count - 1].content += question
        } else {
            messages.append(ChatMessage(role: "user", content: question))
        }
        if let genPrefix, !genPrefix.isEmpty {
            messages.append(ChatMessage(role: "assistant", content: genPrefix))
        }
    }

    /// The question text: a string, or for an int `doc_to_choice(doc)[i]` (with choices) or `str(i)`.
    private func question(_ example: JSONValue, _ doc: JSONObject) throws(LMEvalError) -> String {
        switch example {
        case let .string(s): return s
        case .int, .bool:
            if config.docToChoice != nil {
                let choice = try fields.choice(try fields.choices(doc), at: example, key: "doc_to_text")
                guard case let .string(s) = choice else {
                    throw fields.error(.documents, "doc_to_text: choice \(PythonValue.repr(choice)) is not a string")
                }
                return s
            }
            return PythonValue.str(example)
        case .array:
            throw fields.error(.unsupported, "doc_to_text returned a list (one context per choice); that is a loglikelihood form, not a generation prompt")
        default:
            throw fields.error(.documents, "doc_to_text returned \(example.typeName); lm-eval builds no context from it")
        }
    }
}
