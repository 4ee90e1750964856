import JSON

/// lm-eval's local form: `dataset_path: json` (or `csv`) with `dataset_kwargs.data_files` — a path,
/// a list of paths (both meaning split `train`, as HF does) or a map split → path(s). Paths are
/// relative to `baseDir` and may not leave it.
public enum DataFilesSource {
    /// The builders this form accepts.
    public static let builders: Set<String> = ["json", "csv"]

    public static func splits(builder: String, kwargs: JSONObject, baseDir: String) throws(DatasetError) -> [SplitFiles] {
        guard builders.contains(builder) else {
            throw DatasetError(.invalidArgument(key: "dataset_path", reason: "builder '\(builder)' is not supported; use json or csv"))
        }
        guard let dataFiles = kwargs["data_files"], !dataFiles.isNull else {
            throw DatasetError(.invalidArgument(key: "data_files", reason: "required when dataset_path is '\(builder)'"))
        }
        let field: String?
        switch kwargs["field"] {
        case nil, .null?: field = nil
        case let .string(s)?: field = s
        case let other?: throw DatasetError(.invalidArgument(key: "field", reason: "must be a string, found \(other.typeName)"))
        }
        var result: [SplitFiles] = []
        switch dataFiles {
        case .string, .array:
            result.append(SplitFiles(split: "train", paths: try paths(dataFiles, key: "data_files", builder: builder, baseDir: baseDir), field: field))
        case let .object(map):
            guard !map.isEmpty else { throw DatasetError(.invalidArgument(key: "data_files", reason: "empty map")) }
            for (split, value) in map {
                result.append(SplitFiles(split: split, paths: try paths(value, key: "data_files.\(split)", builder: builder, baseDir: baseDir), field: field))
            }
        default:
            throw DatasetError(.invalidArgument(key: "data_files", reason: "must be a path, a list of paths or a map split → path(s), found \(dataFiles.typeName)"))
        }
        return result
    }

    private static func paths(_ value: JSONValue, key: String, builder: String, baseDir: String) throws(DatasetError) -> [String] {
        let relative: [String]
        switch value {
        case let .string(s): relative = [s]
        case let .array(elements):
            var strings: [String] = []
            for element in elements {
                guard case let .string(s) = element else {
                    throw DatasetError(.invalidArgument(key: key, reason: "list elements must be paths, found \(element.typeName)"))
                }
                strings.append(s)
            }
            relative = strings
        default:
            throw DatasetError(.invalidArgument(key: key, reason: "must be a path or a list of paths, found \(value.typeName)"))
        }
        guard !relative.isEmpty else { throw DatasetError(.invalidArgument(key: key, reason: "empty list")) }
        var resolved: [String] = []
        for path in relative {
            let full = try DatasetPaths.join(root: baseDir, path)
            guard DatasetPaths.isFile(full) else {
                throw DatasetError(.missingFile(path: full, reason: "no such file (\(key))"))
            }
            let name = full.split(separator: "/").last.map(String.init) ?? full
            let format = DatasetFileFormat(fileName: name)
            let fits = builder == "csv" ? format == .csv : (format == .json || format == .jsonl)
            guard fits else {
                throw DatasetError(.invalidArgument(key: key, reason: "'\(path)' is not a \(builder == "csv" ? ".csv" : ".json/.jsonl") file"))
            }
            resolved.append(full)
        }
        return resolved
    }
}
