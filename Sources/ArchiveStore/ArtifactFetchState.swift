/// Where an artifact's bytes are (`artifact.fetch_state`).
public enum ArtifactFetchState: String, Sendable, CaseIterable {
    /// Listed; the bytes of this version are not stored yet.
    case pending
    /// The bytes are in the blob store.
    case stored
    /// The server kept failing to send this version; given up until the listing changes.
    case failed
}
