extension Duration {
    /// The duration as fractional seconds (the unit the schema's intervals and the logs use).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
