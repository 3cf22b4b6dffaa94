/// The version of the Vigie library, written into every journal entry so an auditor knows which
/// code produced it.
public enum VigieVersion {
    /// The library version, semantic versioning: `0.1.0`.
    public static let current = "0.1.0"
}
