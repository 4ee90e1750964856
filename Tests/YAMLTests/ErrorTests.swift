import Foundation
import Testing
import YAML

/// Positions and problem texts are the ones PyYAML (CLoader) reports for the same input.
@Suite struct ErrorTests {
    @Test(arguments: [
        ("a: 1\nb: 2\nc: d: e\n", 3, 5, "mapping values are not allowed in this context"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "did not find expected key (while parsing a block mapping started at line 1, column 1)"),
        ("key: [1, 2\nfoo: bar\n", 2, 4, "did not find expected ',' or ']' (while parsing a flow sequence started at line 1, column 6)"),
        ("a: 'unterminated\n", 2, 1, "found unexpected end of stream"),
        ("a: 1\n\tb: 2\n", 2, 1, "found a tab character that violates indentation"),
        ("- a\nb: c\n", 2, 1, "did not find expected '-' indicator"),
        ("key: \"bad \\q escape\"\n", 1, 11, "found unknown escape character"),
        ("a: b\n  c: d\n", 2, 4, "mapping values are not allowed in this context"),
        ("a: *nope\n", 1, 4, "found undefined alias 'nope'"),
        ("a: !function {b: 1}\n", 1, 4, "could not determine a constructor for the tag '!function'"),
        ("a: =\n", 1, 4, "could not determine a constructor for the tag 'tag:yaml.org,2002:value'"),
    ])
    func syntaxErrorsReportLineColumnAndProblem(text: String, line: Int, column: Int, problem: String) {
        #expect {
            try YAMLLoader.load(text, file: "tasks/x.yaml")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.file == "tasks/x.yaml" && error.line == line && error.column == column
                && error.message.hasPrefix(problem)
        }
    }

    @Test func descriptionNamesFileLineAndColumn() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLLoader.load("a: 1\nb: 2\nc: d: e\n", file: "tasks/x.yaml") }
        #expect(error.description == "tasks/x.yaml:3:5: mapping values are not allowed in this context")
    }

    @Test func controlCharactersAreRejectedWithTheirPosition() throws {
        let error = try #require(throws: YAMLError.self) { try YAMLLoader.load("a: 1\nb: x\u{1}y\n") }
        #expect(error.line == 2 && error.column == 5)
        #expect(error.message.contains("#x0001"))
    }

    @Test func filesThatAreNotUTF8AreRejected() throws {
        let path = temporaryPath("latin1.yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("a: 1\nname: caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: YAMLError.self) { try YAMLLoader.load(contentsOfFile: path) }
        #expect(error.file == path)
        #expect(error.line == 2)
        #expect(error.message.hasPrefix("not valid UTF-8"))
    }

    @Test func filesLoadFromDisk() throws {
        let path = temporaryPath("ok.yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("task: t\nprocess_docs: !function u.f\n".utf8).write(to: URL(fileURLWithPath: path))
        let loaded = try YAMLLoader.load(contentsOfFile: path)
        #expect(loaded == .mapping(YAMLMapping([("task", .string("t")), ("process_docs", .tagged(tag: "!function", value: "u.f"))])))
    }

    @Test func emptyFileIsNull() throws {
        let path = temporaryPath("empty.yaml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try YAMLLoader.load(contentsOfFile: path) == .null)
    }

    @Test func missingFilesAndDirectoriesAreClearErrors() throws {
        let missing = try #require(throws: YAMLError.self) { try YAMLLoader.load(contentsOfFile: "/nonexistent/x.yaml") }
        #expect(missing.description == "/nonexistent/x.yaml: cannot open file: No such file or directory")
        let directory = try #require(throws: YAMLError.self) { try YAMLLoader.load(contentsOfFile: NSTemporaryDirectory()) }
        #expect(directory.message.contains("directory"))
    }

    private func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "/yaml-tests-\(UUID().uuidString)-\(name)"
    }
}
