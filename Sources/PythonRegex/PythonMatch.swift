import Foundation

/// One match, as Python's `re.Match`: group strings and spans in code-point offsets.
public struct PythonMatch: Sendable, Hashable {
    /// Span of every group, 0 being the whole match; `nil` for a group that did not take part.
    public let spans: [Range<Int>?]
    /// Text of every group, 0 being the whole match; `nil` for a group that did not take part.
    public let captures: [String?]
    /// Group name → number, as `Pattern.groupindex`.
    public let groupIndex: [String: Int]

    init(_ result: NSTextCheckingResult, text: String, mapper: OffsetMapper, groupIndex: [String: Int]) {
        var spans: [Range<Int>?] = []
        var captures: [String?] = []
        for i in 0..<result.numberOfRanges {
            let r = result.range(at: i)
            guard r.location != NSNotFound else {
                spans.append(nil)
                captures.append(nil)
                continue
            }
            spans.append(mapper.scalarOffset(r.location)..<mapper.scalarOffset(r.location + r.length))
            captures.append(mapper.substring(r))
        }
        self.spans = spans
        self.captures = captures
        self.groupIndex = groupIndex
    }

    /// `m.span()`: the whole match's code-point range.
    public var span: Range<Int> { spans.first.flatMap { $0 } ?? 0..<0 }

    /// `m.group(i)`; `nil` when the group did not take part or does not exist.
    public func group(_ index: Int) -> String? {
        index >= 0 && index < captures.count ? captures[index] : nil
    }

    /// `m.group(name)`; `nil` when the group did not take part or does not exist.
    public func group(named name: String) -> String? {
        groupIndex[name].flatMap { group($0) }
    }

    /// `m.groups()`: groups 1…n.
    public var groups: [String?] { Array(captures.dropFirst()) }
}

/// Converts ICU's UTF-16 offsets into Python's code-point offsets and substrings.
struct OffsetMapper {
    let text: String
    let whole: NSRange
    /// Code-point offset of each UTF-16 offset; empty when the text has no surrogate pairs.
    private let table: [Int]

    init(_ text: String) {
        self.text = text
        let utf16Count = text.utf16.count
        whole = NSRange(location: 0, length: utf16Count)
        if utf16Count == text.unicodeScalars.count {
            table = []
        } else {
            var table: [Int] = []
            table.reserveCapacity(utf16Count + 1)
            var scalarIndex = 0
            for scalar in text.unicodeScalars {
                table.append(scalarIndex)
                if scalar.value > 0xFFFF { table.append(scalarIndex) }
                scalarIndex += 1
            }
            table.append(scalarIndex)
            self.table = table
        }
    }

    func scalarOffset(_ utf16Offset: Int) -> Int {
        table.isEmpty ? utf16Offset : table[utf16Offset]
    }

    func substring(_ range: NSRange) -> String {
        // Slice the scalar view: a String subscript would round to grapheme boundaries (`\r\n`).
        let utf16 = text.utf16
        let lower = utf16.index(utf16.startIndex, offsetBy: range.location)
        let upper = utf16.index(lower, offsetBy: range.length)
        return String(text.unicodeScalars[lower..<upper])
    }
}
