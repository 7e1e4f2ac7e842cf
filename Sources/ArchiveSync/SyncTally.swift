/// Counters shared by a sync's concurrent task jobs, read into the report at its end.
actor SyncTally {
    struct Totals {
        var new = 0
        var updated = 0
        var messages = 0
        var events = 0
        var live = 0
        var artifacts = SyncReport.Artifacts()
        var failures: [SyncReport.Failure] = []
        var done = 0
    }

    private var totals = Totals()

    func snapshot() -> Totals { totals }
    func reset() { totals = Totals() }
    func update(_ change: (inout Totals) -> Void) -> Totals {
        change(&totals)
        return totals
    }
}
