import Python

/// A parsed Python `re.sub` replacement template: literals and group references.
struct ReplacementTemplate: Sendable {
    private enum Piece: Sendable {
        case literal(String)
        case group(Int)
    }

    private let pieces: [Piece]

    init(_ template: String, groupCount: Int, groupIndex: [String: Int]) throws(PythonRegexError) {
        let t = Array(template.unicodeScalars)
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
        }
        func bad(_ message: String) -> PythonRegexError {
            PythonRegexError(message: "\(message) in replacement \(PythonValue.repr(template))")
        }
        var k = 0
        while k < t.count {
            let c = t[k]
            guard c == "\\" else {
                literal.append(c)
                k += 1
                continue
            }
            guard k + 1 < t.count else { throw bad("bad escape (end of pattern)") }
            let e = t[k + 1]
            k += 2
            switch e {
            case "g":
                guard k < t.count, t[k] == "<", let close = t[k...].firstIndex(of: ">") else {
                    throw bad("missing group name")
                }
                let name = PyText.string(t[(k + 1)..<close])
                k = close + 1
                flush()
                if let index = Int(name) {
                    guard index >= 0, index <= groupCount else { throw bad("invalid group reference \(index)") }
                    pieces.append(.group(index))
                } else {
                    guard let index = groupIndex[name] else {
                        throw PythonRegexError(pythonException: "IndexError", message: "unknown group name '\(name)'")
                    }
                    pieces.append(.group(index))
                }
            case "0":
                var value: UInt32 = 0
                var taken = 0
                while taken < 2, k < t.count, ("0"..."7").contains(t[k]) {
                    value = value * 8 + t[k].value - 48
                    k += 1
                    taken += 1
                }
                if let scalar = Unicode.Scalar(value) { literal.append(scalar) }
            case "1"..."9":
                var number = Int(e.value - 48)
                if k < t.count, ("0"..."9").contains(t[k]) {
                    // Three octal digits make a character, otherwise two digits are a group.
                    if ("0"..."7").contains(e), ("0"..."7").contains(t[k]), k + 1 < t.count, ("0"..."7").contains(t[k + 1]) {
                        let value = (e.value - 48) * 64 + (t[k].value - 48) * 8 + (t[k + 1].value - 48)
                        guard value <= 0o377, let scalar = Unicode.Scalar(value) else { throw bad("octal escape value outside of range") }
                        literal.append(scalar)
                        k += 2
                        continue
                    }
                    number = number * 10 + Int(t[k].value - 48)
                    k += 1
                }
                guard number <= groupCount else { throw bad("invalid group reference \(number)") }
                flush()
                pieces.append(.group(number))
            case "a": literal.append("\u{07}")
            case "b": literal.append("\u{08}")
            case "f": literal.append("\u{0C}")
            case "n": literal.append("\n")
            case "r": literal.append("\r")
            case "t": literal.append("\t")
            case "v": literal.append("\u{0B}")
            case "\\": literal.append("\\")
            default:
                if e.isASCII, e.properties.isAlphabetic { throw bad("bad escape \\\(e)") }
                literal.append("\\")
                literal.append(e)
            }
        }
        flush()
        self.pieces = pieces
    }

    /// The replacement for one match; a group that did not take part gives "" (Python ≥ 3.5).
    func expand(_ match: PythonMatch) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case let .literal(s): out += s
            case let .group(i): out += match.group(i) ?? ""
            }
        }
        return out
    }
}
