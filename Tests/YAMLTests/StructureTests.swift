import Testing
import YAML

@Suite struct TagTests {
    @Test func functionTagBecomesATaggedValue() throws {
        let text = "process_docs: !function utils.process_docs\nquoted: !function 'utils.x'\nlist: [!function a.b]\n"
        let loaded = try YAMLLoader.load(text)
        let expected = YAMLValue.mapping(YAMLMapping([
            ("process_docs", .tagged(tag: "!function", value: "utils.process_docs")),
            ("quoted", .tagged(tag: "!function", value: "utils.x")),
            ("list", .sequence([.tagged(tag: "!function", value: "a.b")])),
        ]))
        #expect(loaded == expected)
    }

    @Test(arguments: [
        ("!custom 7", YAMLValue.tagged(tag: "!custom", value: "7")),
        ("!!binary aGk=", .tagged(tag: "tag:yaml.org,2002:binary", value: "aGk=")),
        ("!<tag:example.com,2024:x> y", .tagged(tag: "tag:example.com,2024:x", value: "y")),
    ])
    func otherApplicationTagsAreKept(text: String, expected: YAMLValue) throws {
        #expect(try YAMLLoader.load(text) == expected)
    }

    @Test func standardCollectionTagsAreHonoured() throws {
        #expect(try YAMLLoader.load("!!seq [1, a]") == .sequence([.int(1), .string("a")]))
        #expect(try YAMLLoader.load("!!map {a: 1}") == .mapping(YAMLMapping([("a", .int(1))])))
    }

    @Test(arguments: ["a: !function {b: 1}", "!!map [1]", "!!str {a: 1}", "!!seq abc", "!!omap [{a: 1}]", "!foo [1]"])
    func tagsThatDoNotFitTheNodeAreErrors(text: String) {
        #expect(throws: YAMLError.self) { try YAMLLoader.load(text) }
    }
}

@Suite struct AnchorAndMergeTests {
    @Test func aliasesRepeatTheAnchoredValue() throws {
        let loaded = try YAMLLoader.load("a: &x [1, {b: c}]\nb: *x\nc: &s hi\nd: *s\n")
        guard case .mapping(let mapping) = loaded else {
            Issue.record("expected a mapping, got \(loaded)")
            return
        }
        #expect(mapping["b"] == mapping["a"])
        #expect(mapping["d"] == .string("hi"))
    }

    @Test func explicitKeysWinAndEarlierMergedMapsWin() throws {
        let text = """
            base: &base {x: 1, y: 2, z: 3}
            other: &other {y: 20, w: 40}
            m:
              z: 0
              <<: [*base, *other]
              x: 5
            """
        let merged = try value(of: "m", in: text)
        // PyYAML: {'y': 2, 'w': 40, 'x': 5, 'z': 0}, in that key order.
        guard case .mapping(let mapping) = merged else {
            Issue.record("expected a mapping, got \(String(describing: merged))")
            return
        }
        #expect(mapping.keys == ["y", "w", "x", "z"])
        #expect(mapping == YAMLMapping([("y", .int(2)), ("w", .int(40)), ("x", .int(5)), ("z", .int(0))]))
    }

    @Test func laterSeparateMergeKeysWin() throws {
        let text = "a: &a {p: 1, q: 2}\nb: &b {q: 3, r: 4}\nm:\n  k: 0\n  <<: *a\n  <<: *b\n"
        guard case .mapping(let mapping) = try value(of: "m", in: text) else {
            Issue.record("m is not a mapping")
            return
        }
        #expect(mapping.keys == ["p", "q", "r", "k"])
        #expect(mapping["q"] == .int(3))
    }

    @Test func mergesNest() throws {
        let merged = try value(of: "m", in: "a: &a {p: 1}\nb: &b {<<: *a, q: 2}\nm: {<<: *b, r: 3}\n")
        #expect(merged == .mapping(YAMLMapping([("p", .int(1)), ("q", .int(2)), ("r", .int(3))])))
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        #expect(try value(of: "<<", in: "'<<': j\n") == .string("j"))
    }

    @Test(arguments: [
        ("x: 1\n<<: 5\n", 2, 5),
        ("a: &a [1]\nm:\n  <<: [*a]\n", 3, 7),
        ("a: <<\n", 1, 4),
        ("a: =\n", 1, 4),
        ("a: *nope\n", 1, 4),
        ("a: &x 1\nb: &x 2\n", 2, 4),
        ("a: &x [*x]\n", 1, 8),
        ("{[1, 2]: 3}\n", 1, 2),
    ])
    func badMergesAndAliasesAreErrorsAtTheNode(text: String, line: Int, column: Int) {
        #expect {
            try YAMLLoader.load(text)
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.line == line && error.column == column
        }
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let loaded = try YAMLLoader.load("a: 1\nb: 2\na: 3\n")
        guard case .mapping(let mapping) = loaded else {
            Issue.record("expected a mapping")
            return
        }
        #expect(mapping.keys == ["a", "b"])
        #expect(mapping["a"] == .int(3))
    }

    @Test func largeMappingsDeduplicateLikeSmallOnes() throws {
        let lines = (0..<200).map { "k\($0 % 150): \($0)" }.joined(separator: "\n")
        guard case .mapping(let mapping) = try YAMLLoader.load(lines) else {
            Issue.record("expected a mapping")
            return
        }
        #expect(mapping.count == 150)
        #expect(mapping.keys.first == "k0")
        #expect(mapping["k0"] == .int(150))
        #expect(mapping["k149"] == .int(149))
    }
}

/// Non-string keys become what Python's `str()` prints for PyYAML's key (PyYAML itself keeps the key's type,
/// and treats `1`, `1.0` and `True` as the same dict key; here they are "1", "1.0" and "True").
@Suite struct KeyTextTests {
    @Test(arguments: [
        ("1", "1"), ("0x10", "16"), ("true", "True"), ("off", "False"), ("~", "None"), ("null", "None"),
        ("1.5", "1.5"), ("1.0e+16", "1e+16"), ("9.5e+15", "9500000000000000.0"), ("0.00001", "1e-05"),
        ("0.0001", "0.0001"), ("1.", "1.0"), ("-0.0", "-0.0"), (".inf", "inf"), ("-.inf", "-inf"), (".nan", "nan"),
        ("123456789012345678.0", "1.2345678901234568e+17"), ("2.5e-300", "2.5e-300"), ("=", "="), ("'1'", "1"),
    ])
    func keysPrintAsPythonStr(key: String, expected: String) throws {
        guard case .mapping(let mapping) = try YAMLLoader.load("\(key): v") else {
            Issue.record("expected a mapping")
            return
        }
        #expect(mapping.keys == [expected])
    }

    @Test func taggedKeysAreErrors() {
        #expect(throws: YAMLError.self) { try YAMLLoader.load("!function f: 1") }
    }
}

@Suite struct DocumentTests {
    @Test(arguments: ["", "# only a comment\n", "---\n", "---\n...\n", "\n\n"])
    func emptyStreamsAreNull(text: String) throws {
        #expect(try YAMLLoader.load(text) == .null)
    }

    @Test func loadTakesTheFirstDocument() throws {
        #expect(try YAMLLoader.load("--- 1\n--- 2\n") == .int(1))
        #expect(try YAMLLoader.loadAll("--- 1\n--- &a 2\n--- [3]\n") == [.int(1), .int(2), .sequence([.int(3)])])
        #expect(try YAMLLoader.loadAll("") == [])
    }

    @Test func anchorsDoNotCrossDocuments() {
        #expect(throws: YAMLError.self) { try YAMLLoader.loadAll("--- &a 1\n--- *a\n") }
    }

    @Test func aTypicalTaskConfigLoads() throws {
        let text = """
            task: demo
            dataset_path: some/dataset
            output_type: multiple_choice
            process_docs: !function utils.process_docs
            doc_to_choice: ["A", "B"]
            num_fewshot: 0
            metric_list:
              - metric: acc
                aggregation: mean
                higher_is_better: true
            metadata:
              version: 1.0
            """
        let loaded = try YAMLLoader.load(text, file: "tasks/demo.yaml")
        guard case .mapping(let config) = loaded else {
            Issue.record("expected a mapping")
            return
        }
        #expect(config.keys == ["task", "dataset_path", "output_type", "process_docs", "doc_to_choice", "num_fewshot", "metric_list", "metadata"])
        #expect(config["process_docs"] == .tagged(tag: "!function", value: "utils.process_docs"))
        #expect(config["metadata"] == .mapping(YAMLMapping([("version", .double(1.0))])))
        #expect(config["metric_list"] == .sequence([.mapping(YAMLMapping([
            ("metric", .string("acc")), ("aggregation", .string("mean")), ("higher_is_better", .bool(true)),
        ]))]))
    }
}
