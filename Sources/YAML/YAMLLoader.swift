/// Parses YAML text into `YAMLValue` documents, with PyYAML's `yaml.load(..., Loader=CLoader)` semantics.
///
/// Differences from PyYAML, all deliberate: timestamps stay strings; non-string mapping keys become the
/// text Python's `str()` prints (`1` → "1", `true` → "True", `~` → "None", `1.5` → "1.5"); integers must
/// fit in 64 bits; `load` returns the first document of a multi-document stream instead of failing;
/// recursive aliases, `!!omap`/`!!set`/`!!pairs`, and tagged or collection mapping keys are errors;
/// so is input beyond `YAMLLimits` (size, nesting depth, alias expansion), which PyYAML has no bound for.
public enum YAMLLoader {
    /// Parses the first document in `text`; an empty stream gives `.null`.
    public static func load(_ text: String, file: String? = nil, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLValue {
        try limits.checkSize(text.utf8.count, file: file)
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(YAMLError) in try firstDocument(bytes, file: file, limits: limits) }
        }
        return try result.get()
    }

    /// Reads and parses the first document of the file at `path`; an empty file gives `.null`.
    public static func load(contentsOfFile path: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLValue {
        let bytes = try FileBytes.contents(ofFile: path, maxBytes: limits.maxBytes)
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try firstDocument(buffer, file: path, limits: limits) }
        }
        return try result.get()
    }

    /// Parses every document in `text`, in order; an empty stream gives `[]`.
    public static func loadAll(_ text: String, file: String? = nil, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLValue] {
        try limits.checkSize(text.utf8.count, file: file)
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(YAMLError) in try allDocuments(bytes, file: file, limits: limits) }
        }
        return try result.get()
    }

    private static func firstDocument(_ bytes: UnsafeBufferPointer<UInt8>, file: String?, limits: YAMLLimits) throws(YAMLError) -> YAMLValue {
        guard !bytes.isEmpty else { return .null }
        let events = EventStream(input: bytes, file: file)
        var builder = DocumentBuilder(file: file, limits: limits)
        while true {
            let event = try events.next()
            if case .streamEnd = event { return .null }
            if let document = try builder.consume(event) { return document }
        }
    }

    private static func allDocuments(_ bytes: UnsafeBufferPointer<UInt8>, file: String?, limits: YAMLLimits) throws(YAMLError) -> [YAMLValue] {
        guard !bytes.isEmpty else { return [] }
        let events = EventStream(input: bytes, file: file)
        var builder = DocumentBuilder(file: file, limits: limits)
        var documents: [YAMLValue] = []
        while true {
            let event = try events.next()
            if case .streamEnd = event { return documents }
            if let document = try builder.consume(event) { documents.append(document) }
        }
    }
}
