import JSON
import Testing
@testable import Datasets

@Suite("Dataset sources")
struct SourceTests {
    @Test("local folder: splits from file names in the documented order")
    func folder() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("org/ds/main/test.jsonl", "{\"a\": 1}\n")
        try dir.write("org/ds/main/train.csv", "a\n2\n")
        try dir.write("org/ds/main/extra.json", "[{\"a\": 3}]")
        try dir.write("org/ds/main/validation.jsonl", "{\"a\": 4}\n")
        try dir.write("org/ds/main/notes.txt", "ignored")
        let source = try DatasetSource.resolve(DatasetReference(path: "org/ds", name: "main"), options: DatasetSourceOptions(datasetsDir: dir.path))
        let local = try await source.materialize()
        #expect(local.splits.map(\.split) == ["train", "validation", "test", "extra"])
        #expect(try local.splits.map { try readAll($0.openReader()).first?["a"] } == [.int(2), .int(4), .int(1), .int(3)])
    }

    @Test("local folder without a name; asking for a missing split names the ones there")
    func folderNoName() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("plain/test.jsonl", "{\"a\": 1}\n")
        let source = try DatasetSource.resolve(DatasetReference(path: "plain"), options: DatasetSourceOptions(datasetsDir: dir.path))
        let error = await #expect(throws: DatasetError.self) { _ = try await source.materialize(splits: ["train"]) }
        #expect(error?.kind == .missingSplit(split: "train", available: ["test"]))
    }

    @Test("a folder of configs without dataset_name suggests the subfolders")
    func folderOfConfigs() throws {
        let dir = try TemporaryDirectory()
        try dir.write("multi/a/test.jsonl", "{}\n")
        try dir.write("multi/b/test.jsonl", "{}\n")
        let error = #expect(throws: DatasetError.self) {
            _ = try DatasetSource.resolve(DatasetReference(path: "multi"), options: DatasetSourceOptions(datasetsDir: dir.path))
        }
        #expect(error?.description.contains("a, b") == true)
    }

    @Test("paths leaving datasets_dir are refused", arguments: [
        ("../etc", nil as String?), ("/etc", nil), ("ok", "../../x"), ("a/../../b", nil),
    ])
    func escapes(_ path: String, name: String?) throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: DatasetError.self) {
            _ = try DatasetSource.resolve(DatasetReference(path: path, name: name), options: DatasetSourceOptions(datasetsDir: dir.path))
        }
        guard case .pathEscapesRoot? = error?.kind else { Issue.record("wrong error \(String(describing: error))"); return }
    }

    @Test("nothing found and no datasets-server is a not-found error listing where it looked")
    func notFound() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: DatasetError.self) {
            _ = try DatasetSource.resolve(DatasetReference(path: "gsm8k", name: "main"), options: DatasetSourceOptions(datasetsDir: dir.path))
        }
        guard case let .datasetNotFound(_, _, looked)? = error?.kind else { Issue.record("wrong error"); return }
        #expect(looked.first == dir.path + "/gsm8k/main")
    }

    @Test("json data_files: a string or list means train, a map keeps its split order", arguments: [
        ("\"d/one.jsonl\"", ["train"]),
        ("[\"d/one.jsonl\", \"d/two.json\"]", ["train"]),
        ("{\"test\": \"d/two.json\", \"validation\": [\"d/one.jsonl\"]}", ["test", "validation"]),
    ])
    func dataFiles(_ dataFiles: String, splits: [String]) async throws {
        let dir = try TemporaryDirectory()
        try dir.write("d/one.jsonl", "{\"a\": 1}\n")
        try dir.write("d/two.json", "[{\"a\": 2}]")
        let kwargs = try object("{\"data_files\": \(dataFiles)}")
        let source = try DatasetSource.resolve(DatasetReference(path: "json", kwargs: kwargs), options: DatasetSourceOptions(dataFilesBaseDir: dir.path))
        let local = try await source.materialize()
        #expect(local.splits.map(\.split) == splits)
        if dataFiles.hasPrefix("[") {
            #expect(try readAll(local.splits[0].openReader()).map { $0["a"] } == [.int(1), .int(2)])
        }
    }

    @Test("csv data_files are read as CSV")
    func csvDataFiles() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("t.csv", "q,n\nhello,3\n")
        let source = try DatasetSource.resolve(DatasetReference(path: "csv", kwargs: ["data_files": ["test": "t.csv"]]),
                                               options: DatasetSourceOptions(dataFilesBaseDir: dir.path))
        let rows = try readAll(try await source.materialize().splits[0].openReader())
        #expect(rows == [["q": "hello", "n": 3]])
    }

    @Test("bad data_files are clear errors", arguments: [
        "{\"data_files\": \"../x.json\"}", "{\"data_files\": \"missing.json\"}", "{\"data_files\": 3}",
        "{\"data_files\": \"t.csv\"}", "{}",
    ])
    func badDataFiles(_ kwargs: String) throws {
        let dir = try TemporaryDirectory()
        try dir.write("t.csv", "a\n1\n")
        let reference = DatasetReference(path: "json", kwargs: try object(kwargs))
        #expect(throws: DatasetError.self) {
            _ = try DatasetSource.resolve(reference, options: DatasetSourceOptions(dataFilesBaseDir: dir.path))
        }
    }
}
