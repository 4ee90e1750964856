import JSON

/// One chat turn.
public struct ChatMessage: Sendable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// `{"role": …, "content": …}`.
    public var json: JSONValue { .object(JSONObject([("role", .string(role)), ("content", .string(content))])) }

    /// The message as lm-eval's API models send it: `{**message, "type": "text"}`.
    public var apiJSON: JSONValue {
        .object(JSONObject([("role", .string(role)), ("content", .string(content)), ("type", .string("text"))]))
    }
}

/// A built prompt: completion text, or chat messages (when the chat template is applied).
public enum Prompt: Sendable, Hashable {
    case text(String)
    case messages([ChatMessage])

    /// Text form for fixtures and `tasks render --json`: the string, or a list of `{"role","content"}`.
    public var json: JSONValue {
        switch self {
        case let .text(s): .string(s)
        case let .messages(messages): .array(messages.map(\.json))
        }
    }

    /// lm-eval's context argument: the text, or for chat the JSON string `TemplateAPI.apply_chat_template`
    /// makes (`json.dumps([{**m, "type": "text"}], ensure_ascii=False)`).
    public var contextString: String {
        switch self {
        case let .text(s): s
        case let .messages(messages):
            JSONValue.array(messages.map(\.apiJSON)).serialized(JSONFormat(itemSeparator: ", ", keySeparator: ": ", ensureASCII: false))
        }
    }
}
