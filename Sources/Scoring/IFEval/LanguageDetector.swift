import Python
import PythonRegex

/// langdetect 1.0.9's `detect(text)` (the Java language-detection port lm-eval's ifeval uses for
/// `language:response_language` and the `change_case:english_*` checks), with all 55 of its
/// profiles and its text normalisation.
///
/// langdetect draws n-grams at random; unseeded (as lm-eval leaves it) a borderline text can get
/// a different answer on each call. This detector is seeded with 0, so it gives the answers of
/// langdetect with `DetectorFactory.seed = 0`, the library's documented way to make it
/// deterministic, on every call.
public struct LanguageDetector: Sendable {
    /// The language codes, in the order langdetect loads its profiles.
    public let languages: [String]
    /// For each n-gram (up to three scalars packed in 21 bits each), the languages whose profile
    /// has it and its probability there (count / that profile's total for its length).
    private let ngramProbabilities: [UInt64: [(language: Int, probability: Double)]]
    private let seed: Int

    private static let alphaDefault = 0.5, alphaWidth = 0.05, iterationLimit = 1000
    private static let probabilityThreshold = 0.1, convergenceThreshold = 0.99999, baseFrequency = 10000.0
    private static let trials = 7, maxTextLength = 10000

    /// langdetect's bundled profiles, seeded with 0.
    public static let standard = LanguageDetector(profiles: profileTable, seed: 0)

    init(profiles: [String], seed: Int) {
        var languages: [String] = []
        var table: [UInt64: [(language: Int, probability: Double)]] = [:]
        for (index, profile) in profiles.enumerated() {
            var totals: [Double] = [0, 0, 0]
            for line in profile.split(separator: "\n", omittingEmptySubsequences: true) {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count >= 2 else { continue }
                if fields[0].hasPrefix("=") {
                    languages.append(String(fields[0].dropFirst()))
                    totals = fields.dropFirst().prefix(3).map { Double($0) ?? 0 }
                    continue
                }
                let scalars = Array(fields[0].unicodeScalars)
                guard (1...3).contains(scalars.count), let count = Double(fields[1]), totals[scalars.count - 1] > 0 else { continue }
                table[Self.key(scalars[...]), default: []].append((index, count / totals[scalars.count - 1]))
            }
        }
        self.languages = languages
        self.ngramProbabilities = table
        self.seed = seed
    }

    private static func key(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        scalars.reduce(0) { ($0 << 21) | UInt64($1.value) }
    }

    /// `langdetect.detect(text)`: the most probable language code, `"unknown"` when none passes
    /// 0.1, nil where langdetect raises "No features in text" (lm-eval then counts the check as followed).
    public func detect(_ text: String) -> String? {
        let ngrams = extractNGrams(Self.cleaned(Self.appended(text)))
        guard !ngrams.isEmpty else { return nil }
        var random = PythonRandom(seed: seed)
        let count = languages.count
        var total = [Double](repeating: 0, count: count)
        for _ in 0..<Self.trials {
            var probabilities = [Double](repeating: 1.0 / Double(count), count: count)
            let alpha = Self.alphaDefault + random.gauss(mu: 0, sigma: 1) * Self.alphaWidth
            let weight = alpha / Self.baseFrequency
            var i = 0
            var dense = [Double](repeating: 0, count: count)
            while true {
                let entries = ngramProbabilities[ngrams[random.randbelow(ngrams.count)]] ?? []
                for entry in entries { dense[entry.language] = entry.probability }
                for j in 0..<count { probabilities[j] *= weight + dense[j] }
                for entry in entries { dense[entry.language] = 0 }
                if i % 5 == 0 {
                    if Self.normalize(&probabilities) > Self.convergenceThreshold || i >= Self.iterationLimit { break }
                }
                i += 1
            }
            for j in 0..<count { total[j] += probabilities[j] / Double(Self.trials) }
        }
        var best: Int?
        for j in 0..<count where total[j] > Self.probabilityThreshold {
            if best.map({ total[j] > total[$0] }) ?? true { best = j }
        }
        return best.map { languages[$0] } ?? "unknown"
    }

    private static func normalize(_ probabilities: inout [Double]) -> Double {
        let sum = probabilities.reduce(0, +)
        var maximum = 0.0
        for i in probabilities.indices {
            let p = probabilities[i] / sum
            if maximum < p { maximum = p }
            probabilities[i] = p
        }
        return maximum
    }

    private struct Patterns: Sendable {
        let url = compile(#"https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}"#)
        let mail = compile(#"[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}"#)

        private static func compile(_ pattern: String) -> PythonRegex {
            // Constants that compile; a failure is a regex-translator regression.
            do { return try PythonRegex(pattern) } catch { fatalError("langdetect pattern \(pattern): \(error)") }
        }
    }

    private static let patterns = Patterns()

    /// `Detector.append`: URLs and e-mail addresses blanked, Vietnamese normalised, the first
    /// 10,000 characters with runs of spaces collapsed.
    static func appended(_ text: String) -> [Unicode.Scalar] {
        var s = (try? patterns.url.sub(" ", in: text)) ?? text
        s = (try? patterns.mail.sub(" ", in: s)) ?? s
        let scalars = normalizeVietnamese(Array(s.unicodeScalars))
        var out: [Unicode.Scalar] = []
        var previous: Unicode.Scalar = "\0"
        for c in scalars.prefix(maxTextLength) {
            if c != " " || previous != " " { out.append(c) }
            previous = c
        }
        return out
    }

    /// `Detector.cleaning_text`: drops the Latin letters of a mostly non-Latin text. (langdetect
    /// compares a block number with a block name there, so every character from U+0300 on counts
    /// as non-Latin, Latin Extended Additional included.)
    static func cleaned(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var latin = 0, nonLatin = 0
        for c in text {
            if ("A"..."z").contains(c) { latin += 1 } else if c.value >= 0x300 { nonLatin += 1 }
        }
        guard latin * 2 < nonLatin else { return text }
        return text.filter { !("A"..."z").contains($0) }
    }

    private static let vietnamese: (bases: [Unicode.Scalar], marks: [Unicode.Scalar], composed: [[Unicode.Scalar]]) = (
        Array(vietnameseBases.unicodeScalars), Array(vietnameseMarks.unicodeScalars), vietnameseComposed.map { Array($0.unicodeScalars) })

    /// `NGram.normalize_vi`: a base letter followed by a combining mark becomes the composed letter.
    static func normalizeVietnamese(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 1 < text.count, let base = vietnamese.bases.firstIndex(of: text[i]), let mark = vietnamese.marks.firstIndex(of: text[i + 1]) {
                out.append(vietnamese.composed[mark][base])
                i += 2
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static let latin1ExcludedSet = Set(latin1Excluded.unicodeScalars)
    private static let cjkMap: [Unicode.Scalar: Unicode.Scalar] = {
        let scalars = Array(cjkRepresentatives.unicodeScalars)
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        var i = 0
        while i + 1 < scalars.count {
            map[scalars[i]] = scalars[i + 1]
            i += 2
        }
        return map
    }()

    /// `NGram.normalize(ch)`, by Unicode block.
    static func normalize(_ c: Unicode.Scalar) -> Unicode.Scalar {
        switch c.value {
        case 0x0000...0x007F:
            return ("A"..."Z").contains(c) || ("a"..."z").contains(c) ? c : " "
        case 0x0080...0x00FF:
            return latin1ExcludedSet.contains(c) ? " " : c
        case 0x0180...0x024F:
            // Romanian: comma below becomes cedilla.
            if c == "\u{0219}" { return "\u{015F}" }
            if c == "\u{021B}" { return "\u{0163}" }
            return c
        case 0x2000...0x206F:
            return " "
        case 0x0600...0x06FF:
            return c == "\u{06CC}" ? "\u{064A}" : c
        case 0x1E00...0x1EFF:
            return c.value >= 0x1EA0 ? "\u{1EC3}" : c
        case 0x3040...0x309F:
            return "\u{3042}"
        case 0x30A0...0x30FF:
            return "\u{30A2}"
        case 0x3100...0x312F, 0x31A0...0x31BF:
            return "\u{3105}"
        case 0x4E00...0x9FFF:
            return cjkMap[c] ?? c
        case 0xAC00...0xD7AF:
            return "\u{AC00}"
        default:
            return c
        }
    }

    private static func isUpper(_ c: Unicode.Scalar) -> Bool { PyText.isCase(String(c), upper: true) }

    /// `Detector._extract_ngrams`: the 1- to 3-grams of the normalised text that some profile
    /// has, skipping words in capitals.
    func extractNGrams(_ text: [Unicode.Scalar]) -> [UInt64] {
        var result: [UInt64] = []
        var grams: [Unicode.Scalar] = [" "]
        var capitalWord = false
        for raw in text {
            let c = Self.normalize(raw)
            let last = grams[grams.count - 1]
            if last == " " {
                grams = [" "]
                capitalWord = false
                if c == " " { continue }
            } else if grams.count >= 3 {
                grams.removeFirst()
            }
            grams.append(c)
            if Self.isUpper(c) {
                if Self.isUpper(last) { capitalWord = true }
            } else {
                capitalWord = false
            }
            if capitalWord { continue }
            for n in 1...3 {
                if grams.count < n { break }
                let gram = grams[(grams.count - n)...]
                if n == 1, gram.first == " " { continue }
                let key = Self.key(gram)
                if ngramProbabilities[key] != nil { result.append(key) }
            }
        }
        return result
    }
}
