/// Ceilings on what one YAML document may nest or expand to, so that a hostile file fails with a
/// `YAMLError` naming the limit instead of exhausting the memory, or later the stack, of the worker.
///
/// The defaults sit far above lm-eval 0.4.9's task tree (nesting 6 deep, files under 64 KB, a few
/// thousand nodes) and below what code that walks the loaded tree recursively can take.
public struct YAMLLimits: Sendable, Equatable {
    /// Collections open at once.
    public var maxDepth: Int
    /// Nodes of one document with every alias expanded ("billion laughs" is an alias bomb).
    public var maxNodes: Int
    /// Bytes of input.
    public var maxBytes: Int

    public init(maxDepth: Int = 256, maxNodes: Int = 1_000_000, maxBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxBytes = maxBytes
    }

    /// The limits `YAMLLoader` applies unless given others.
    public static let `default` = YAMLLimits()

    func checkSize(_ bytes: Int, file: String?) throws(YAMLError) {
        guard bytes <= maxBytes else {
            throw YAMLError(file: file, line: 0, column: 0,
                            message: "the input is \(bytes) bytes, more than the limit of \(maxBytes) (YAMLLimits.maxBytes)")
        }
    }
}
