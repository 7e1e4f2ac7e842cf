import ArchiveStore

/// What a purge did, as `redact --json`, `forget --json` and `retention --apply --json` print it.
struct PurgeSummary: Encodable {
    let blobsDeleted: Int
    let bytesBefore: Int64
    let bytesAfter: Int64
    let unfinished: [String]

    init(_ report: PurgeReport) {
        (blobsDeleted, bytesBefore, bytesAfter, unfinished) = (report.blobsDeleted, report.bytesBefore, report.bytesAfter, report.unfinished)
    }
}
