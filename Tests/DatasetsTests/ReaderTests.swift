import Foundation
import JSON
import Testing
@testable import Datasets

@Suite("Readers")
struct ReaderTests {
    @Test("JSON Lines: rows in order, blank lines and CRLF tolerated, last line without newline")
    func jsonLines() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("a.jsonl", "{\"b\": 1, \"a\": \"x\"}\r\n\n   \n{\"b\": 2, \"a\": \"y\"}\n{\"b\": 3, \"a\": null}")
        let rows = try readAll(JSONLinesReader(path: path))
        #expect(rows.count == 3)
        #expect(rows[0].keys == ["b", "a"])
        #expect(rows.map { $0["b"] } == [.int(1), .int(2), .int(3)])
        #expect(rows[2]["a"] == .null)
    }

    @Test("A leading UTF-8 byte order mark is dropped, in JSON Lines and CSV")
    func byteOrderMark() throws {
        let dir = try TemporaryDirectory()
        let jsonl = try dir.write("bom.jsonl", "\u{FEFF}{\"a\": 1}\n{\"a\": 2}\n")
        #expect(try readAll(JSONLinesReader(path: jsonl)).map { $0["a"] } == [.int(1), .int(2)])
        let csv = try dir.write("bom.csv", "\u{FEFF}a,b\n1,x\n")
        let reader = try CSVReader(path: csv)
        #expect(reader.header == ["a", "b"])
        #expect(try readAll(reader).map { $0["b"] } == [.string("x")])
    }

    @Test("JSON Lines: lines longer than the chunk and split across chunks")
    func jsonLinesSmallChunks() throws {
        let dir = try TemporaryDirectory()
        var text = ""
        for i in 0..<200 { text += "{\"i\": \(i), \"s\": \"\(String(repeating: "é", count: i))\"}\n" }
        let path = try dir.write("a.jsonl", text)
        let rows = try readAll(JSONLinesReader(path: path, chunkSize: 16))
        #expect(rows.count == 200)
        #expect(rows.last?["s"] == .string(String(repeating: "é", count: 199)))
        #expect(rows.enumerated().allSatisfy { $0.element["i"] == .int($0.offset) })
    }

    @Test("JSON Lines: a malformed line names the file and line number")
    func jsonLinesMalformed() throws {
        let dir = try TemporaryDirectory()
        var lines = (1...6).map { "{\"i\": \($0)}" }
        lines.insert("", at: 2) // blank line 3 still counts
        lines[4] = "{\"i\": 4,"  // line 5
        let path = try dir.write("bad.jsonl", lines.joined(separator: "\n"))
        var reader = try JSONLinesReader(path: path, displayName: "bad.jsonl")
        var seen = 0
        let error = #expect(throws: DatasetError.self) {
            while try reader.next() != nil { seen += 1 }
        }
        #expect(seen == 3)
        guard case let .malformedRow(file, line, _)? = error?.kind else {
            Issue.record("wrong error \(String(describing: error))")
            return
        }
        #expect(file == "bad.jsonl")
        #expect(line == 5)
        #expect(error?.description.hasPrefix("bad.jsonl:5:") == true)
    }

    @Test("JSON Lines: a line that is not an object is an error", arguments: ["[1, 2]", "3", "\"text\""])
    func jsonLinesNotObject(_ line: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("x.jsonl", "{\"a\": 1}\n\(line)\n")
        let error = #expect(throws: DatasetError.self) { _ = try readAll(JSONLinesReader(path: path)) }
        guard case let .malformedRow(_, lineNumber, reason)? = error?.kind else {
            Issue.record("wrong error")
            return
        }
        #expect(lineNumber == 2)
        #expect(reason.contains("expected a JSON object"))
    }

    @Test("JSON Lines: a missing file is a missing-file error")
    func jsonLinesMissing() {
        let error = #expect(throws: DatasetError.self) { _ = try JSONLinesReader(path: "/nonexistent/x.jsonl") }
        guard case .missingFile? = error?.kind else { Issue.record("wrong error"); return }
    }

    @Test("JSON file shapes", arguments: [
        ("[{\"a\": 1}, {\"a\": 2}]", nil as String?),
        ("{\"data\": [{\"a\": 1}, {\"a\": 2}]}", nil),
        ("{\"rows\": [{\"a\": 1}, {\"a\": 2}], \"version\": 3}", "rows"),
        ("{\"a\": 1}\n{\"a\": 2}\n", nil),
    ])
    func jsonFile(_ text: String, field: String?) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f.json", text)
        let rows = try readAll(JSONFileReader(path: path, field: field))
        #expect(rows.map { $0["a"] } == [.int(1), .int(2)])
    }

    @Test("JSON file: an array holding a non-object is an error")
    func jsonFileBadElement() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("f.json", "[{\"a\": 1}, 2]")
        #expect(throws: DatasetError.self) { _ = try readAll(JSONFileReader(path: path)) }
    }

    @Test("CSV: RFC 4180 quoting, embedded newlines and commas, CRLF")
    func csvQuoting() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("q.csv", "question,answer\r\n\"Say \"\"hi\"\", then, go\",\"line1\nline2\"\r\nplain,\"\"\r\n")
        let reader = try CSVReader(path: path)
        #expect(reader.header == ["question", "answer"])
        let rows = try readAll(reader)
        #expect(rows.count == 2)
        #expect(rows[0]["question"] == .string("Say \"hi\", then, go"))
        #expect(rows[0]["answer"] == .string("line1\nline2"))
        #expect(rows[1]["answer"] == .null)
    }

    @Test("CSV: column kinds follow pandas", arguments: [
        ("1\n2\n3\n", [JSONValue.int(1), .int(2), .int(3)]),
        ("1\n\n2.5\n", [.double(1), .double(2.5)]),
        ("1\nNA\n2\n", [.double(1), .null, .double(2)]),
        ("True\nfalse\n", [.bool(true), .bool(false)]),
        ("1\nabc\n", [.string("1"), .string("abc")]),
        ("007\n1e3\n", [.double(7), .double(1000)]),
        ("None\n\n", [.null]),
    ])
    func csvKinds(_ body: String, expected: [JSONValue]) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("k.csv", "v\n" + body)
        let rows = try readAll(CSVReader(path: path))
        #expect(rows.map { $0["v"] ?? .string("missing") } == expected)
        // JSONValue equality is numeric; check the int/float distinction too.
        #expect(rows.map { $0["v"]?.typeName } == expected.map(\.typeName))
    }

    @Test("CSV: short records are padded with null, long ones are errors with the line")
    func csvShape() throws {
        let dir = try TemporaryDirectory()
        let short = try dir.write("s.csv", "a,b\n1\n2,x\n")
        let rows = try readAll(CSVReader(path: short))
        #expect(rows[0]["b"] == .null)
        #expect(rows[1]["b"] == .string("x"))
        let long = try dir.write("l.csv", "a,b\n1,2\n\"x\ny\",2\n1,2,3\n")
        let error = #expect(throws: DatasetError.self) { _ = try CSVReader(path: long) }
        guard case let .malformedRow(_, line, _)? = error?.kind else { Issue.record("wrong error"); return }
        #expect(line == 5)
    }

    @Test("CSV: repeated header names are renamed like pandas")
    func csvHeader() {
        #expect(CSVReader.dedupe(["a", "b", "a", "a"]) == ["a", "b", "a.1", "a.2"])
    }
}
