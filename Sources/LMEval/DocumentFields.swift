import Jinja
import JSON
import Python

/// lm-eval's `doc_to_text` / `doc_to_target` / `doc_to_choice` / `doc_to_prefix` and the
/// description template, for one task over documents with the given feature names.
public struct DocumentFields: Sendable {
    public let task: ResolvedTask
    /// The evaluation split's column names (`self.features`): a `doc_to_*` string equal to one returns the raw value.
    public let features: Set<String>

    public init(task: ResolvedTask, features: Set<String>) {
        self.task = task
        self.features = features
    }

    /// `doc_to_text(doc)`, or with the few-shot override rule.
    public func text(_ doc: JSONObject, rule: FieldRule? = nil) throws(LMEvalError) -> JSONValue {
        let rule = rule ?? task.docToText
        switch rule {
        case let .text(source, template, compileError):
            if features.contains(source) { return try feature(source, of: doc, key: "doc_to_text") }
            let rendered = try render(template, compileError, doc)
            if PyText.isDigit(rendered) && task.config.docToChoice != nil {
                return try literal(rendered, key: "doc_to_text")
            }
            return .string(rendered)
        case let .literal(value): return value
        case let .native(_, function): return try function(doc)
        }
    }

    /// `doc_to_target(doc)`, or with the few-shot override rule.
    public func target(_ doc: JSONObject, rule: FieldRule? = nil) throws(LMEvalError) -> JSONValue {
        let rule = rule ?? task.docToTarget
        switch rule {
        case let .text(source, template, compileError):
            if features.contains(source) { return try feature(source, of: doc, key: "doc_to_target") }
            let rendered = try render(template, compileError, doc)
            if PyText.isDigit(rendered) && task.config.docToChoice != nil {
                return try literal(rendered, key: "doc_to_target")
            }
            if rendered.unicodeScalars.count >= 2 && rendered.hasPrefix("[") && rendered.hasSuffix("]") {
                return (try? PythonLiteral.parse(rendered)) ?? .string(rendered)
            }
            return .string(rendered)
        case let .literal(value): return value
        case let .native(_, function): return try function(doc)
        }
    }

    /// `doc_to_choice(doc)`, or with the few-shot override rule; nil when the task has none.
    public func choices(_ doc: JSONObject, rule: FieldRule? = nil) throws(LMEvalError) -> JSONValue? {
        guard let rule = rule ?? task.docToChoice else { return nil }
        switch rule {
        case let .text(source, template, compileError):
            if features.contains(source) { return try feature(source, of: doc, key: "doc_to_choice") }
            return try literal(try render(template, compileError, doc), key: "doc_to_choice")
        case let .literal(value):
            if case let .object(object) = value { return .array(object.pairs.map(\.value)) }
            return value
        case let .native(_, function): return try function(doc)
        }
    }

    /// `doc_to_prefix(doc)`: the rendered `gen_prefix`, or nil when the task has none.
    public func prefix(_ doc: JSONObject) throws(LMEvalError) -> String? {
        guard let rule = task.genPrefix else { return nil }
        guard case let .text(source, template, compileError) = rule else { return nil }
        if features.contains(source) {
            let value = try feature(source, of: doc, key: "gen_prefix")
            guard case let .string(s) = value else {
                throw error(.documents, "gen_prefix: field \(source) is \(value.typeName), not a string")
            }
            return s
        }
        return try render(template, compileError, doc)
    }

    /// The task description rendered for `doc` ("" when the task has none).
    public func description(_ doc: JSONObject) throws(LMEvalError) -> String {
        guard let template = task.description else { return "" }
        return try render(template, nil, doc)
    }

    /// Indexes a `doc_to_choice` result with a target/text index, as Python's `choices[i]`.
    public func choice(_ choices: JSONValue?, at index: JSONValue, key: String) throws(LMEvalError) -> JSONValue {
        guard case let .array(items)? = choices else {
            throw error(.documents, "\(key): doc_to_choice did not return a list")
        }
        let i: Int
        switch index {
        case let .int(n): i = n
        case let .bool(b): i = b ? 1 : 0
        default: throw error(.documents, "\(key): list indices must be integers, got \(index.typeName) \(PythonValue.repr(index))")
        }
        let position = i < 0 ? items.count + i : i
        guard items.indices.contains(position) else {
            throw error(.documents, "\(key): index \(i) is out of range for \(items.count) choices")
        }
        return items[position]
    }

    func error(_ kind: LMEvalError.Kind, _ message: String) -> LMEvalError {
        LMEvalError(kind, task: task.name, file: task.reference.file, message)
    }

    private func feature(_ name: String, of doc: JSONObject, key: String) throws(LMEvalError) -> JSONValue {
        guard let value = doc[name] else { throw error(.documents, "\(key): the document has no field \(name)") }
        return value
    }

    private func literal(_ text: String, key: String) throws(LMEvalError) -> JSONValue {
        do {
            return try PythonLiteral.parse(text)
        } catch {
            throw self.error(.documents, "\(key) rendered \(PythonValue.repr(text)), which is \(error.description)")
        }
    }

    private func render(_ template: JinjaTemplate?, _ compileError: LMEvalError?, _ doc: JSONObject) throws(LMEvalError) -> String {
        guard let template else {
            throw compileError ?? error(.template, "template did not compile")
        }
        do {
            return try template.render(doc)
        } catch {
            let kind: LMEvalError.Kind = error.kind == .undefined ? .undefinedVariable : .template
            throw LMEvalError(kind, task: task.name, file: task.reference.file, error.description)
        }
    }
}
