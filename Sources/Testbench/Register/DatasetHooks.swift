import Datasets
import JSON

/// Per-task changes to a dataset before it is stored, declared here rather than buried in the
/// loader. Each hook stores its rows in a table of its own (the hook's name is the table variant),
/// so a filtered copy never collides with the full dataset another task needs.
public struct DatasetHooks: Sendable {
    public struct Hook: Sendable {
        /// Which tasks it applies to.
        public var appliesTo: @Sendable (_ taskName: String) -> Bool
        public var filter: RowFilter
    }

    public var hooks: [Hook]

    public init(hooks: [Hook]) { self.hooks = hooks }

    /// The row filter for `taskName`, if a hook applies.
    public func rowFilter(for taskName: String) -> RowFilter? {
        hooks.first { $0.appliesTo(taskName) }?.filter
    }

    /// The original's hooks. leaderboard_math keeps only "Level 5" test rows: its `process_docs` drops
    /// the others, and filtering before numbering keeps lm-eval's document index equal to the
    /// row's position in the stored split, which the Sampler relies on.
    public static let standard = DatasetHooks(hooks: [
        Hook(appliesTo: { $0.lowercased().contains("leaderboard_math") },
             filter: .keepRows(inSplit: "test", where: "level", equals: "Level 5", name: "level5")),
    ])
}
