/// What a purge did to make removed text unreadable (`WritableArchive.purge`).
public struct PurgeReport: Sendable, Equatable {
    /// Stored files deleted because nothing links them any more.
    public var blobsDeleted = 0
    /// The archive's size on disk (database, WAL and stored files) before and after.
    public var bytesBefore: Int64 = 0
    public var bytesAfter: Int64 = 0
    /// What could not be done now, and why (another process held the WAL open, say); empty when done.
    public var unfinished: [String] = []

    public init() {}
}
