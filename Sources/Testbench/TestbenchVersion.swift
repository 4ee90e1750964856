/// The release of this package.
public enum TestbenchVersion {
    public static let current = "0.1.0"
}
