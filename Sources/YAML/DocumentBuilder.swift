/// Turns libyaml events into `YAMLValue` trees the way PyYAML's composer and constructor do: anchors,
/// aliases, merge keys (`<<`), Python dict semantics for duplicate keys, and `str()` for non-string keys.
///
/// It keeps open collections on an explicit stack rather than recursing, and refuses documents that
/// nest deeper than `limits.maxDepth` or expand (through aliases) to more than `limits.maxNodes`.
struct DocumentBuilder {
    private struct Collection {
        enum Kind { case sequence, mapping }

        let kind: Kind
        let anchor: String?
        let mark: Mark
        /// The document's node count when this collection opened, to size it for its aliases.
        let nodesBefore: Int
        /// Sequence items, or the values of a mapping's explicit keys.
        var values: [YAMLValue] = []
        /// A mapping's explicit keys; a key is pending while `keys.count > values.count`.
        var keys: [String] = []
        /// True while the pending key is a merge key (`<<`).
        var pendingMerge = false
        /// Pairs brought in by merge keys, in the order PyYAML places them (before explicit pairs).
        var merged: [(key: String, value: YAMLValue)] = []
    }

    private struct Anchored {
        var item: ScalarItem
        var mark: Mark
        /// Nodes an alias to this anchor adds to the document.
        var nodes: Int
    }

    private let file: String?
    private let limits: YAMLLimits
    /// Nodes in the current document so far, aliases counted as the nodes they stand for.
    private var nodes = 0
    private var stack: [Collection] = []
    private var anchors: [String: Anchored] = [:]
    /// Anchors of collections still being built, to tell recursive aliases from undefined ones.
    private var openAnchors: [String: Mark] = [:]
    private var root: YAMLValue?

    init(file: String?, limits: YAMLLimits = .default) {
        self.file = file
        self.limits = limits
    }

    /// Feeds one event; returns the document's value when the event ends a document.
    mutating func consume(_ event: Event) throws(YAMLError) -> YAMLValue? {
        switch event {
        case .streamStart, .streamEnd:
            return nil
        case .documentStart:
            // Anchors are scoped to one document, as in PyYAML's composer.
            anchors.removeAll(keepingCapacity: true)
            openAnchors.removeAll(keepingCapacity: true)
            stack.removeAll(keepingCapacity: true)
            root = nil
            nodes = 0
            return nil
        case .documentEnd:
            defer { root = nil }
            return root ?? .null
        case let .alias(anchor, mark):
            guard let target = anchors[anchor] else {
                if openAnchors[anchor] != nil {
                    throw error("recursive alias '\(anchor)' (a collection that contains itself) is not supported", at: mark)
                }
                throw error("found undefined alias '\(anchor)'", at: mark)
            }
            try count(target.nodes, at: mark)
            try add(target.item, at: mark)
        case let .scalar(value, tag, anchor, plainImplicit, mark):
            let item: ScalarItem
            do {
                item = try ScalarResolver.resolve(value, tag: tag, plainImplicit: plainImplicit)
            } catch {
                throw self.error(error.message, at: mark)
            }
            try count(1, at: mark)
            if let anchor {
                try checkNewAnchor(anchor, at: mark)
                anchors[anchor] = Anchored(item: item, mark: mark, nodes: 1)
            }
            try add(item, at: mark)
        case let .sequenceStart(tag, anchor, mark):
            try open(.sequence, tag: tag, anchor: anchor, mark: mark)
        case let .mappingStart(tag, anchor, mark):
            try open(.mapping, tag: tag, anchor: anchor, mark: mark)
        case .sequenceEnd, .mappingEnd:
            guard let collection = stack.popLast() else { return nil }
            let value: YAMLValue
            switch collection.kind {
            case .sequence:
                value = .sequence(collection.values)
            case .mapping:
                value = .mapping(Self.mapping(collection))
            }
            if let anchor = collection.anchor {
                openAnchors[anchor] = nil
                anchors[anchor] = Anchored(item: .value(value), mark: collection.mark, nodes: nodes - collection.nodesBefore)
            }
            try add(.value(value), at: collection.mark)
        }
        return nil
    }

    private mutating func open(_ kind: Collection.Kind, tag: String?, anchor: String?, mark: Mark) throws(YAMLError) {
        if let tag, tag != "!" {
            let own = kind == .sequence ? "tag:yaml.org,2002:seq" : "tag:yaml.org,2002:map"
            if tag != own {
                throw error(Self.collectionTagProblem(tag, found: kind == .sequence ? "sequence" : "mapping"), at: mark)
            }
        }
        guard stack.count < limits.maxDepth else {
            throw error("the document nests deeper than \(limits.maxDepth) levels (YAMLLimits.maxDepth)", at: mark)
        }
        if let anchor {
            try checkNewAnchor(anchor, at: mark)
            openAnchors[anchor] = mark
        }
        try count(1, at: mark)
        stack.append(Collection(kind: kind, anchor: anchor, mark: mark, nodesBefore: nodes - 1))
    }

    private mutating func count(_ added: Int, at mark: Mark) throws(YAMLError) {
        nodes += added
        guard nodes <= limits.maxNodes else {
            throw error("the document expands to more than \(limits.maxNodes) nodes with its aliases (YAMLLimits.maxNodes)", at: mark)
        }
    }

    private static func collectionTagProblem(_ tag: String, found: String) -> String {
        switch tag {
        case "tag:yaml.org,2002:seq": return "expected a sequence node, but found \(found)"
        case "tag:yaml.org,2002:map": return "expected a mapping node, but found \(found)"
        case "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
             "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary":
            return "expected a scalar node, but found \(found)"
        case "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set":
            return "tag '\(tag)' is not supported"
        default:
            return "could not determine a constructor for the tag '\(tag)' on a \(found)"
        }
    }

    private func checkNewAnchor(_ anchor: String, at mark: Mark) throws(YAMLError) {
        if let first = anchors[anchor]?.mark ?? openAnchors[anchor] {
            throw error("found duplicate anchor '\(anchor)'; first occurrence at line \(first.line), column \(first.column)", at: mark)
        }
    }

    /// Places a finished node into the enclosing collection (or makes it the document root).
    private mutating func add(_ item: ScalarItem, at mark: Mark) throws(YAMLError) {
        let top = stack.count - 1
        guard top >= 0 else {
            root = try plainValue(item, at: mark)
            return
        }
        switch stack[top].kind {
        case .sequence:
            stack[top].values.append(try plainValue(item, at: mark))
        case .mapping where stack[top].keys.count == stack[top].values.count && !stack[top].pendingMerge:
            switch item {
            case .mergeKey:
                stack[top].pendingMerge = true
            case .valueKey(let text):
                stack[top].keys.append(text)
            case .value(let key):
                guard let text = key.pythonKey else { throw error(Self.keyProblem(key), at: mark) }
                stack[top].keys.append(text)
            }
        case .mapping where stack[top].pendingMerge:
            stack[top].pendingMerge = false
            try merge(try plainValue(item, at: mark), into: top, at: mark)
        case .mapping:
            stack[top].values.append(try plainValue(item, at: mark))
        }
    }

    private static func keyProblem(_ key: YAMLValue) -> String {
        if case .tagged(let tag, _) = key { return "a mapping key tagged '\(tag)' is not supported" }
        return "found unhashable key (a collection used as a mapping key)"
    }

    /// PyYAML's `flatten_mapping`: for `<<: [*a, *b]` the pairs of `b` go first so that `a` wins, and all
    /// merged pairs precede the explicit ones so that explicit keys win.
    private mutating func merge(_ value: YAMLValue, into top: Int, at mark: Mark) throws(YAMLError) {
        switch value {
        case .mapping(let mapping):
            stack[top].merged.append(contentsOf: mapping.entries)
        case .sequence(let items):
            var sources: [YAMLMapping] = []
            for item in items {
                guard case .mapping(let mapping) = item else {
                    throw error("expected a mapping for merging, but found \(Self.nodeKind(item))", at: mark)
                }
                sources.append(mapping)
            }
            for source in sources.reversed() { stack[top].merged.append(contentsOf: source.entries) }
        default:
            throw error("expected a mapping or list of mappings for merging, but found \(Self.nodeKind(value))", at: mark)
        }
    }

    private static func nodeKind(_ value: YAMLValue) -> String {
        switch value {
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        default: return "scalar"
        }
    }

    /// `<<` and `=` only have meaning as mapping keys; PyYAML has no constructor for them anywhere else.
    private func plainValue(_ item: ScalarItem, at mark: Mark) throws(YAMLError) -> YAMLValue {
        switch item {
        case .value(let value): return value
        case .mergeKey: throw error("could not determine a constructor for the tag '\(ScalarResolver.mergeTag)'", at: mark)
        case .valueKey: throw error("could not determine a constructor for the tag '\(ScalarResolver.valueTag)'", at: mark)
        }
    }

    private static func mapping(_ collection: Collection) -> YAMLMapping {
        var pairs = collection.merged
        pairs.reserveCapacity(pairs.count + collection.keys.count)
        for (key, value) in zip(collection.keys, collection.values) { pairs.append((key, value)) }
        return YAMLMapping(pairs)
    }

    private func error(_ message: String, at mark: Mark) -> YAMLError {
        YAMLError(file: file, line: mark.line, column: mark.column, message: message)
    }
}
