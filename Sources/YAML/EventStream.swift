import CYAML

/// A 1-based position in the input, as PyYAML prints it.
struct Mark: Sendable, Equatable {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    init(_ mark: yaml_mark_t) {
        line = mark.line + 1
        column = mark.column + 1
    }
}

/// One libyaml parser event, copied out of libyaml's memory.
enum Event {
    case streamStart
    case streamEnd
    case documentStart
    case documentEnd
    case alias(anchor: String, mark: Mark)
    /// `plainImplicit` is libyaml's flag: true for untagged plain scalars and for the non-specific tag `!`.
    case scalar(value: String, tag: String?, anchor: String?, plainImplicit: Bool, mark: Mark)
    case sequenceStart(tag: String?, anchor: String?, mark: Mark)
    case sequenceEnd
    case mappingStart(tag: String?, anchor: String?, mark: Mark)
    case mappingEnd
}

/// Owns one libyaml parser reading from a buffer the caller keeps alive for the stream's lifetime.
final class EventStream {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeBufferPointer<UInt8>
    private let file: String?
    private let ready: Bool

    /// `input` must not be empty (libyaml rejects a null input pointer).
    init(input: UnsafeBufferPointer<UInt8>, file: String?) {
        self.input = input
        self.file = file
        parser = .allocate(capacity: 1)
        // libyaml clears the struct itself, and leaves it safe to delete if allocation fails.
        ready = yaml_parser_initialize(parser) == 1
        if ready, let base = input.baseAddress {
            yaml_parser_set_input_string(parser, base, input.count)
        }
    }

    deinit {
        if ready { yaml_parser_delete(parser) }
        parser.deallocate()
    }

    func next() throws(YAMLError) -> Event {
        guard ready, input.baseAddress != nil else {
            throw YAMLError(file: file, line: 0, column: 0, message: "cannot start the YAML parser (out of memory)")
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw parserError() }
        defer { yaml_event_delete(&event) }

        let mark = Mark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return .scalar(
                value: value, tag: Self.string(scalar.tag), anchor: Self.string(scalar.anchor),
                plainImplicit: scalar.plain_implicit != 0, mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(tag: Self.string(start.tag), anchor: Self.string(start.anchor), mark: mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(tag: Self.string(start.tag), anchor: Self.string(start.anchor), mark: mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            throw YAMLError(
                file: file, line: mark.line, column: mark.column,
                message: "libyaml produced an unknown event type \(event.type.rawValue)")
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func parserError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(file: file, line: 0, column: 0, message: "out of memory while parsing YAML")
        case YAML_READER_ERROR:
            return readerError(problem: problem, offset: state.problem_offset, value: state.problem_value)
        default:
            let at = Mark(state.problem_mark)
            var message = problem
            if let context = state.context.map({ String(cString: $0) }) {
                let start = Mark(state.context_mark)
                message += " (\(context) started at line \(start.line), column \(start.column))"
            }
            return YAMLError(file: file, line: at.line, column: at.column, message: message)
        }
    }

    /// libyaml reports encoding problems by byte offset only, so the line and column are counted here.
    private func readerError(problem: String, offset: Int, value: Int32) -> YAMLError {
        let message: String
        if problem.contains("control characters") || problem.contains("Unicode character") {
            message = "unacceptable character #x\(Self.hex(value, width: 4)): \(problem)"
        } else if value >= 0 {
            message = "not valid UTF-8: \(problem) #x\(Self.hex(value, width: 2))"
        } else {
            message = "not valid UTF-8: \(problem)"
        }
        var line = 1
        var column = 1
        var previous: UInt8 = 0
        for byte in input.prefix(min(offset, input.count)) {
            if byte == 0x0A {
                if previous != 0x0D { line += 1 }
                column = 1
            } else if byte == 0x0D {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            previous = byte
        }
        return YAMLError(file: file, line: line, column: column, message: message)
    }

    private static func hex(_ value: Int32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }
}
