import ArchiveStore
import Testing

@Suite struct SearchQueryTests {
    typealias Term = SearchQuery.Term

    @Test(arguments: [
        ("deploy error", [[Term.word("deploy")], [.word("error")]]),
        ("\"error budget\" deploy", [[.phrase("error budget")], [.word("deploy")]]),
        ("deploy OR release budget", [[.word("deploy"), .word("release")], [.word("budget")]]),
        ("depl*", [[.prefix("depl")]]),
        ("gpt-4", [[.word("gpt-4")]]),
        ("NEAR(a b)", [[.word("NEAR(a")], [.word("b)")]]),
        ("\"unterminated phrase", [[.phrase("unterminated phrase")]]),
        ("or and not", [[.word("or")], [.word("and")], [.word("not")]]),
        ("x : y", [[.word("x")], [.word("y")]]),
        ("数据分析", [[.word("数据分析")]]),
    ])
    func parsesTerms(text: String, groups: [[Term]]) throws {
        #expect(try SearchQuery.parse(text).groups == groups)
    }

    @Test func parsesExclusionsAndFilters() throws {
        let query = try SearchQuery.parse(#"deploy -canary -"dry run" role:user status:failed tool:read_file kind:tool after:2026-01-01 before:2026-02-01 has:artifact task:3f2a account:example"#)
        #expect(query.groups == [[.word("deploy")]])
        #expect(query.excluded == [.word("canary"), .phrase("dry run")])
        #expect(query.filters.roles == ["user"])
        #expect(query.filters.statuses == ["failed"])
        #expect(query.filters.tools == ["read_file"])
        #expect(query.filters.kinds == [.tool])
        #expect(query.filters.after == "2026-01-01T00:00:00.000Z")
        #expect(query.filters.before == "2026-02-01T00:00:00.000Z")
        #expect(query.filters.hasArtifact)
        #expect(query.filters.taskPrefixes == ["3f2a"])
        #expect(query.filters.accounts == ["example"])
    }

    @Test(arguments: ["", "   ", "*", "-only", "OR deploy", "deploy OR", "after:yesterday", "kind:email", "has:wings",
                      "role:", "\"\"", ":"])
    func rejectsWithAOneLineReason(text: String) {
        #expect {
            try SearchQuery.parse(text)
        } throws: { error in
            guard case ArchiveError.invalidQuery(let reason) = error else { return false }
            return !reason.isEmpty && !reason.contains("\n")
        }
    }
}
