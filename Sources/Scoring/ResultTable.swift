import Foundation
import JSON
import Python

/// lm-eval's printed results table (`lm_eval.utils.make_table`, a pytablewriter Markdown
/// table), as a pure function.
///
/// Cells are the strings lm-eval builds (`"%.4f"` values, `"±"`, stderr `"%.4f"` or
/// `"   N/A"`); pytablewriter then types every cell (a cell that reads as an integer — "5",
/// "0.0000" — is an integer, "0.5000" is a real with one significant decimal) and every column,
/// re-formats numbers with the column's largest number of significant decimals (so a lone
/// "0.5000" prints as "0.5", next to "0.6667" as "0.5000") — except in a text column whose
/// first value is text, where numbers stay as written —, aligns numbers right and text left,
/// centres headers, and marks numeric columns `---:`.
public enum ResultTable {
    /// One task's block of rows.
    public struct Task: Sendable, Equatable {
        /// The name shown: the task's `alias` if it has one, else its name.
        public var name: String
        /// `metadata.version` as lm-eval reports it (usually a float such as 3.0); nil prints "N/A".
        public var version: JSONValue?
        /// The n-shot column (`str(n_shot)`).
        public var nShot: String
        public var rows: [ResultRow]
        /// A group without `aggregate_metric_list`: lm-eval prints one row with no metric or value.
        public var unaggregated: Bool

        public init(name: String, version: JSONValue?, nShot: String, rows: [ResultRow], unaggregated: Bool = false) {
            self.name = name
            self.version = version
            self.nShot = nShot
            self.rows = rows
            self.unaggregated = unaggregated
        }
    }

    static func headers(_ column: String) -> [String] { [column, "Version", "Filter", "n-shot", "Metric", "", "Value", "", "Stderr"] }

    /// The Markdown table lm-eval prints for these tasks (in the given order), ending in "\n";
    /// `column` is the first header (`Tasks`, or `Groups` for lm-eval's group table).
    public static func render(_ tasks: [Task], column: String = "Tasks") -> String {
        var matrix: [[Cell]] = []
        for task in tasks {
            var name: Cell = .text(task.name)
            var version: Cell = task.version.map(Cell.init) ?? .text("    N/A")
            if task.unaggregated {
                // make_table's row for a group's placeholder result {" ": " "}.
                matrix.append([name, version, .empty, Cell(pythonText: task.nShot), Cell(pythonText: " "), .empty, Cell(pythonText: " "), .empty, .empty])
                continue
            }
            // make_table sorts "metric,filter" keys as strings.
            let rows = task.rows.sorted { PythonOrder.less("\($0.metric),\($0.filter)", "\($1.metric),\($1.filter)") }
            for row in rows {
                let arrow = row.higherIsBetter.map { $0 ? "↑" : "↓" } ?? ""
                let value: Cell = row.integral ? .number(Double(Int(row.value))) : Cell(pythonText: String(format: "%.4f", row.value))
                let stderr: Cell = row.stderr.map { Cell(pythonText: String(format: "%.4f", $0)) } ?? .text("   N/A")
                matrix.append([name, version, .text(row.filter), Cell(pythonText: task.nShot), .text(row.metric), .text(arrow), value, .text("±"), stderr])
                name = .text("")
                version = .empty
            }
        }
        return MarkdownTable.render(headers: headers(column), rows: matrix)
    }
}

/// A table cell as pytablewriter types it.
enum Cell: Equatable {
    case empty
    case integer(String, original: String)
    case real(Double, decimals: Int, original: String)
    case text(String)

    static func number(_ d: Double) -> Cell { .integer(String(Int(d)), original: String(Int(d))) }

    /// A Python value handed to pytablewriter.
    init(_ value: JSONValue) {
        switch value {
        case let .int(i): self = .integer(String(i), original: String(i))
        case let .double(d):
            // A Python float is a number to pytablewriter even in a text column: an integral one prints as an integer.
            let cell = Cell(pythonText: PythonFloat.repr(d))
            if case let .integer(text, _) = cell { self = .integer(text, original: text) } else { self = cell }
        case let .string(s): self = Cell(pythonText: s)
        default: self = .text(PythonValue.str(value))
        }
    }

    /// A string cell: numbers are recognised the way typepy does (integral values are integers).
    init(pythonText s: String) {
        let trimmed = PyText.strip(s)
        if trimmed.isEmpty {
            self = .empty
            return
        }
        guard trimmed.unicodeScalars.allSatisfy({ $0.isASCII }), let d = Double(trimmed), d.isFinite,
              trimmed.unicodeScalars.contains(where: { $0.properties.numericType == .decimal }),
              !trimmed.lowercased().contains("x") else {
            self = .text(s)
            return
        }
        if d == d.rounded(), abs(d) < 1e18 {
            self = .integer(String(Int(d)), original: s)
        } else {
            self = .real(d, decimals: Cell.significantDecimals(trimmed), original: s)
        }
    }

    /// Decimal places of the value written as `text`, trailing zeros dropped ("0.5000" → 1, "1e-5" → 5).
    static func significantDecimals(_ text: String) -> Int {
        var mantissa = text.lowercased()
        var exponent = 0
        if let e = mantissa.firstIndex(of: "e") {
            exponent = Int(mantissa[mantissa.index(after: e)...]) ?? 0
            mantissa = String(mantissa[..<e])
        }
        var fraction = ""
        if let dot = mantissa.firstIndex(of: ".") { fraction = String(mantissa[mantissa.index(after: dot)...]) }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return max(0, fraction.count - exponent)
    }

    var isNumber: Bool {
        switch self {
        case .integer, .real: return true
        case .empty, .text: return false
        }
    }
}

/// pytablewriter's `MarkdownTableWriter` layout for typed cells.
enum MarkdownTable {
    private enum ColumnType { case integer, real, text }

    static func render(headers: [String], rows: [[Cell]]) -> String {
        var columns: [[String]] = []
        var numeric: [Bool] = []
        for c in headers.indices {
            let cells = rows.map { c < $0.count ? $0[c] : .empty }
            let type = columnType(cells)
            let decimals = cells.reduce(0) { acc, cell in
                if case let .real(_, d, _) = cell { return max(acc, d) }
                return acc
            }
            numeric.append(type != .text)
            // pytablewriter keeps a text column's numbers as written when its first value is text.
            var textFirst = false
            if case .text? = cells.first(where: { $0 != .empty }) { textFirst = true }
            columns.append(cells.map { format($0, in: type, decimals: decimals, keepOriginal: textFirst) })
        }
        var widths: [Int] = []
        for c in headers.indices {
            widths.append(max(3, width(headers[c]), columns[c].map(width).max() ?? 0))
        }
        func line(_ cells: [String]) -> String { "|" + cells.joined(separator: "|") + "|" }
        var out = line(headers.indices.map { center(headers[$0], widths[$0]) }) + "\n"
        out += line(headers.indices.map { String(repeating: "-", count: widths[$0] - (numeric[$0] ? 1 : 0)) + (numeric[$0] ? ":" : "") }) + "\n"
        for r in rows.indices {
            out += line(headers.indices.map { c in
                let text = columns[c][r]
                let cell = c < rows[r].count ? rows[r][c] : .empty
                let pad = String(repeating: " ", count: max(0, widths[c] - width(text)))
                return cell.isNumber ? pad + text : text + pad
            }) + "\n"
        }
        return out
    }

    private static func columnType(_ cells: [Cell]) -> ColumnType {
        var hasReal = false, hasInteger = false
        for cell in cells {
            switch cell {
            case .text: return .text
            case .real: hasReal = true
            case .integer: hasInteger = true
            case .empty: break
            }
        }
        if hasReal { return .real }
        return hasInteger ? .integer : .text
    }

    private static func format(_ cell: Cell, in type: ColumnType, decimals: Int, keepOriginal: Bool) -> String {
        switch cell {
        case .empty: return ""
        case let .text(s): return s
        case let .integer(s, original):
            if type == .real { return String(format: "%.\(decimals)f", Double(s) ?? 0) }
            return type == .text && keepOriginal ? PyText.strip(original) : s
        case let .real(d, _, original):
            return type == .text && keepOriginal ? PyText.strip(original) : String(format: "%.\(decimals)f", d)
        }
    }

    private static func center(_ s: String, _ w: Int) -> String {
        let pad = max(0, w - width(s))
        return String(repeating: " ", count: pad / 2) + s + String(repeating: " ", count: pad - pad / 2)
    }

    /// Display width: East Asian wide and full-width characters take two columns.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { total, c in
            let v = c.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x20000...0x3FFFD).contains(v)
            return total + (wide ? 2 : 1)
        }
    }
}

/// Python's string ordering (code points).
enum PythonOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }
}
