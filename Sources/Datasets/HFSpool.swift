import Foundation
import JSON

/// Downloads splits from the datasets-server into temporary JSON Lines files, so that the two passes
/// of a load (type inference, then COPY) read local files and the network is walked once.
enum HFSpool {
    static func download(
        client: HFRowsClient, dataset: String, config: String, splits: [String], into directory: String,
        progress: (@Sendable (_ split: String, _ rows: Int, _ total: Int) -> Void)?
    ) async throws(DatasetError) -> [SplitFiles] {
        var result: [SplitFiles] = []
        for (index, split) in splits.enumerated() {
            let path = directory + "/\(index).jsonl"
            let writer = try SpoolWriter(path: path)
            var offset = 0
            while true {
                let page = try await client.rows(dataset: dataset, config: config, split: split, offset: offset)
                for row in page.rows { try writer.write(row) }
                offset += page.rows.count
                progress?(split, offset, page.numRowsTotal)
                if offset >= page.numRowsTotal { break }
                if page.rows.isEmpty {
                    throw DatasetError(.badResponse(url: client.configuration.baseURL, reason: "empty page at offset \(offset) of \(page.numRowsTotal) rows (\(dataset)/\(config)/\(split))"))
                }
            }
            try writer.finish()
            result.append(SplitFiles(split: split, paths: [path]))
        }
        return result
    }
}

/// Appends JSON lines to a file through a 1 MiB buffer. A class because it owns a file handle.
final class SpoolWriter {
    private let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws(DatasetError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw DatasetError(.io(path: path, reason: "cannot create the file")) }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    deinit { try? handle.close() }

    func write(_ row: JSONObject) throws(DatasetError) {
        buffer.append(contentsOf: JSONValue.object(row).serialized().utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func finish() throws(DatasetError) {
        try flush()
        do { try handle.close() } catch { throw DatasetError(.io(path: path, reason: "\(error)")) }
    }

    private func flush() throws(DatasetError) {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { throw DatasetError(.io(path: path, reason: "\(error)")) }
        buffer.removeAll(keepingCapacity: true)
    }
}
