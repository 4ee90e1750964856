import Foundation
import JSON

/// lm-eval's `dataset_path`, `dataset_name` and `dataset_kwargs` of a task.
public struct DatasetReference: Sendable, Hashable {
    public var path: String
    public var name: String?
    public var kwargs: JSONObject

    public init(path: String, name: String? = nil, kwargs: JSONObject = JSONObject()) {
        self.path = path
        self.name = name.flatMap { $0.isEmpty ? nil : $0 }
        self.kwargs = kwargs
    }
}

/// Where datasets may come from.
public struct DatasetSourceOptions: Sendable {
    /// Folder of local datasets: `<datasets_dir>/<dataset_path>[/<dataset_name>]/<split>.*`.
    public var datasetsDir: String?
    /// Folder that `dataset_kwargs.data_files` paths are relative to (e.g. the tasks folder).
    public var dataFilesBaseDir: String?
    /// The datasets-server to fall back to; nil keeps everything offline.
    public var huggingFace: HFRowsClient.Configuration?

    public init(datasetsDir: String? = nil, dataFilesBaseDir: String? = nil, huggingFace: HFRowsClient.Configuration? = nil) {
        self.datasetsDir = datasetsDir
        self.dataFilesBaseDir = dataFilesBaseDir
        self.huggingFace = huggingFace
    }
}

/// A resolved dataset source: local files, or a datasets-server dataset to download first.
public enum DatasetSource: Sendable {
    case localFiles([SplitFiles], origin: String)
    case huggingFace(dataset: String, config: String?, HFRowsClient.Configuration)

    /// Resolves lm-eval's dataset keys: `json`/`csv` with `data_files` → those files; a folder under
    /// `datasetsDir` → its split files; otherwise the datasets-server when configured.
    public static func resolve(_ reference: DatasetReference, options: DatasetSourceOptions) throws(DatasetError) -> DatasetSource {
        var looked: [String] = []
        if DataFilesSource.builders.contains(reference.path) || reference.kwargs["data_files"] != nil {
            guard let base = options.dataFilesBaseDir ?? options.datasetsDir else {
                throw DatasetError(.invalidArgument(key: "data_files", reason: "no base folder configured for relative data files"))
            }
            let splits = try DataFilesSource.splits(builder: reference.path, kwargs: reference.kwargs, baseDir: base)
            return .localFiles(splits, origin: "\(reference.path) data_files under \(base)")
        }
        if let root = options.datasetsDir {
            let folder = try LocalFolderSource.folder(datasetsDir: root, path: reference.path, name: reference.name)
            if DatasetPaths.isDirectory(folder) {
                return .localFiles(try LocalFolderSource.splits(inFolder: folder), origin: folder)
            }
            looked.append(folder)
        }
        if let hf = options.huggingFace {
            return .huggingFace(dataset: reference.path, config: reference.name, hf)
        }
        looked.append("datasets-server (not configured)")
        throw DatasetError(.datasetNotFound(path: reference.path, name: reference.name, looked: looked))
    }

    /// Local files for every split (or only `splits`, in source order): local sources as they are,
    /// datasets-server splits downloaded into a temporary folder that `LocalDataset.removeTemporaryFiles` deletes.
    public func materialize(
        splits wanted: [String]? = nil,
        progress: (@Sendable (_ split: String, _ rows: Int, _ total: Int) -> Void)? = nil
    ) async throws(DatasetError) -> LocalDataset {
        switch self {
        case let .localFiles(files, origin):
            return LocalDataset(splits: try Self.select(files.map(\.split), wanted).compactMap { name in files.first { $0.split == name } },
                                origin: origin, temporaryDirectory: nil)
        case let .huggingFace(dataset, config, configuration):
            let client = HFRowsClient(configuration)
            let all = try await client.splits(dataset: dataset)
            let chosenConfig = try Self.chooseConfig(config, among: all, dataset: dataset)
            let names = all.filter { $0.config == chosenConfig }.map(\.split)
            let selected = try Self.select(names, wanted)
            let directory = FileManager.default.temporaryDirectory.path + "/testbench-hf-\(UUID().uuidString)"
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw DatasetError(.io(path: directory, reason: "cannot create a temporary folder: \(error)"))
            }
            do throws(DatasetError) {
                let files = try await HFSpool.download(client: client, dataset: dataset, config: chosenConfig, splits: selected,
                                                       into: directory, progress: progress)
                return LocalDataset(splits: files, origin: "\(configuration.baseURL) \(dataset)/\(chosenConfig)", temporaryDirectory: directory)
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
        }
    }

    private static func select(_ available: [String], _ wanted: [String]?) throws(DatasetError) -> [String] {
        guard let wanted else { return available }
        for split in wanted where !available.contains(split) {
            throw DatasetError(.missingSplit(split: split, available: available))
        }
        return available.filter(wanted.contains)
    }

    private static func chooseConfig(_ config: String?, among splits: [HFSplitInfo], dataset: String) throws(DatasetError) -> String {
        var configs: [String] = []
        for split in splits where !configs.contains(split.config) { configs.append(split.config) }
        if let config {
            guard configs.contains(config) else {
                throw DatasetError(.invalidArgument(key: "dataset_name", reason: "'\(dataset)' has no config '\(config)' (configs: \(configs.joined(separator: ", ")))"))
            }
            return config
        }
        if configs.count == 1, let only = configs.first { return only }
        if configs.contains("default") { return "default" }
        throw DatasetError(.invalidArgument(key: "dataset_name", reason: "'\(dataset)' has several configs, name one: \(configs.joined(separator: ", "))"))
    }
}

/// A dataset as local split files, ready to be read (twice) by the loader.
public struct LocalDataset: Sendable {
    public var splits: [SplitFiles]
    /// Where the files came from, for logs.
    public var origin: String
    /// A folder of downloaded files owned by this value, if any.
    public var temporaryDirectory: String?

    public init(splits: [SplitFiles], origin: String, temporaryDirectory: String? = nil) {
        self.splits = splits
        self.origin = origin
        self.temporaryDirectory = temporaryDirectory
    }

    /// Deletes downloaded files; local sources are left alone.
    public func removeTemporaryFiles() {
        if let temporaryDirectory { try? FileManager.default.removeItem(atPath: temporaryDirectory) }
    }
}
