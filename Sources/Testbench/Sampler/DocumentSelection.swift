import LMEval
import Python
import WorkflowDefinitions

/// Which rows of the evaluation split a sample takes. Ids are the table's `__id`s, as in the
/// original's `doc_ids`, `blacklist` and instance `doc_id`; a split's ids are `firstID ..< firstID + splitSize`.
public enum DocumentSelection {
    /// Sorted, distinct `__id`s: every id of the split for `qty < 0`; the given `docIDs`; or `qty`
    /// ids drawn uniformly without replacement from the split minus the blacklist, with Python's
    /// `random.Random(seed).sample(candidates, qty)` over the ascending candidates.
    public static func select(
        firstID: Int, splitSize: Int, qty: Int?, docIDs: [Int]?, blacklist: [Int], seed: Int, table: String, split: String
    ) throws(ApplicationError) -> [Int] {
        let ids = firstID..<(firstID + splitSize)
        let range = "[\(firstID)-\(firstID + splitSize - 1)]"
        if let docIDs {
            let outside = docIDs.filter { !ids.contains($0) }
            guard outside.isEmpty else {
                throw .badParams("Doc_ids not in split range used for evaluation: \(outside) are outside split '\(split)' of '\(table)', whose __id range is \(range)")
            }
            let blocked = Set(blacklist)
            let banned = docIDs.filter(blocked.contains)
            guard banned.isEmpty else {
                throw .badParams("doc_ids \(banned) are in the blacklist")
            }
            return Array(Set(docIDs)).sorted()
        }
        guard let qty else { throw .badParams("Expected qty or doc_ids but not both.") }
        if qty < 0 { return Array(ids) }

        var excluded = [Bool](repeating: false, count: splitSize)
        var removed = 0
        for id in blacklist where ids.contains(id) && !excluded[id - firstID] {
            excluded[id - firstID] = true
            removed += 1
        }
        if !blacklist.isEmpty && removed == 0 {
            throw .badParams("Blacklist corresponding to '\(table)' table & '\(split)' split were not founded in the range: \(range)")
        }
        let candidates = ids.filter { !excluded[$0 - firstID] }
        guard qty <= candidates.count else {
            throw .badParams("Quantity of numbers to generate is greater than the range: qty \(qty), but split '\(split)' of '\(table)' has \(candidates.count) documents outside the blacklist")
        }
        var rng = PythonRandom(seed: seed)
        guard let picks = rng.sampleIndices(populationSize: candidates.count, count: qty) else {
            throw .badParams("cannot draw \(qty) documents from \(candidates.count)")
        }
        return picks.map { candidates[$0] }.sorted()
    }
}
