/// What a program says of itself: its version and the commit it was built from. Both are written at
/// build time (tools/build/write-build-info) from the one file that holds the version, VERSION.
public enum BuildInfo {
    /// `0.1.0 (commit d260ab0c1a)`, or the bare version for a build outside a git checkout.
    public static var versionLine: String {
        commit.map { "\(version) (commit \($0))" } ?? version
    }
}
