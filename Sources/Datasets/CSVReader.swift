import JSON

/// How a CSV column's text becomes values, decided over the whole column like pandas (which HF's csv
/// loader uses): all integers → int (float when some are missing), all numbers → float, all
/// True/False → bool, otherwise strings. pandas' default missing markers (empty, `NA`, `null`,
/// `NaN`, `None`, ...) become null in every column.
public enum CSVColumnKind: Sendable, Equatable {
    case int, double, bool, string, allMissing

    /// pandas' default `na_values` (`keep_default_na=True`).
    static let missingMarkers: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]
    static let trueWords: Set<String> = ["True", "TRUE", "true"]
    static let falseWords: Set<String> = ["False", "FALSE", "false"]

    static func int(_ text: String) -> Int? { Int(text) }

    static func double(_ text: String) -> Double? {
        guard let first = text.utf8.first, first != UInt8(ascii: " "),
              !text.utf8.contains(UInt8(ascii: "x")), !text.utf8.contains(UInt8(ascii: "X"))
        else { return nil }
        return Double(text)
    }

    /// The value of one cell of a column of this kind.
    func value(_ text: String) -> JSONValue {
        if Self.missingMarkers.contains(text) { return .null }
        switch self {
        case .int: return Self.int(text).map(JSONValue.int) ?? .string(text)
        case .double: return Self.double(text).map(JSONValue.double) ?? .string(text)
        case .bool: return .bool(Self.trueWords.contains(text))
        case .string: return .string(text)
        case .allMissing: return .null
        }
    }
}

/// Accumulates what a column's cells look like.
struct CSVColumnScan {
    var sawMissing = false
    var allInt = true, allNumber = true, allBool = true, sawValue = false

    mutating func add(_ text: String) {
        if CSVColumnKind.missingMarkers.contains(text) { sawMissing = true; return }
        sawValue = true
        if allInt, CSVColumnKind.int(text) == nil { allInt = false }
        if allNumber, CSVColumnKind.double(text) == nil { allNumber = false }
        if allBool, !CSVColumnKind.trueWords.contains(text), !CSVColumnKind.falseWords.contains(text) { allBool = false }
    }

    var kind: CSVColumnKind {
        guard sawValue else { return .allMissing }
        if allInt { return sawMissing ? .double : .int }
        if allNumber { return .double }
        if allBool { return .bool }
        return .string
    }
}

/// Streams a CSV file with a header row as objects (one key per header, in header order). Reading
/// starts with one pass over the file to decide each column's kind (`CSVColumnKind`).
public struct CSVReader: RowReader {
    private var records: CSVRecordReader
    public let header: [String]
    public let kinds: [CSVColumnKind]
    public let displayName: String

    public init(path: String, displayName: String? = nil) throws(DatasetError) {
        let name = displayName ?? path
        self.displayName = name
        var scanner = try CSVRecordReader(path: path, displayName: name)
        guard let rawHeader = try scanner.next() else {
            throw DatasetError(.malformedFile(file: name, reason: "empty CSV file (no header row)"))
        }
        header = Self.dedupe(rawHeader)
        var scans = Array(repeating: CSVColumnScan(), count: header.count)
        while let fields = try scanner.next() {
            guard fields.count <= header.count else {
                throw DatasetError(.malformedRow(file: name, line: scanner.recordLine, reason: "expected \(header.count) fields, saw \(fields.count)"))
            }
            for (i, field) in fields.enumerated() { scans[i].add(field) }
            if fields.count < header.count {
                for i in fields.count..<header.count { scans[i].sawMissing = true }
            }
        }
        kinds = scans.map(\.kind)
        records = try CSVRecordReader(path: path, displayName: name)
        _ = try records.next()
    }

    public mutating func next() throws(DatasetError) -> JSONObject? {
        guard let fields = try records.next() else { return nil }
        var row = JSONObject()
        for (i, key) in header.enumerated() {
            row[key] = i < fields.count ? kinds[i].value(fields[i]) : .null
        }
        return row
    }

    /// pandas' renaming of repeated header names: `a`, `a.1`, `a.2`.
    static func dedupe(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var used = Set(names)
        var out: [String] = []
        for name in names {
            if let count = seen[name] {
                var n = count
                var candidate = "\(name).\(n)"
                while used.contains(candidate) { n += 1; candidate = "\(name).\(n)" }
                seen[name] = n + 1
                used.insert(candidate)
                out.append(candidate)
            } else {
                seen[name] = 1
                out.append(name)
            }
        }
        return out
    }
}
