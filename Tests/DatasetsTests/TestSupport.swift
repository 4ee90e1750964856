import Foundation
import JSON
@testable import Datasets

/// A temporary folder removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/datasets-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `relative` (creating folders) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }
}

enum Fixtures {
    /// `Tests/DatasetsTests/Fixtures`, found from this file's path.
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    }
}

/// All rows of a reader.
func readAll(_ reader: some RowReader) throws -> [JSONObject] {
    var reader = reader
    var rows: [JSONObject] = []
    while let row = try reader.next() { rows.append(row) }
    return rows
}

/// Parses a JSON object literal written in a test.
func object(_ text: String) throws -> JSONObject {
    guard case let .object(o) = try JSONValue.parse(text) else { throw DatasetError(.malformedFile(file: "test", reason: "not an object")) }
    return o
}
