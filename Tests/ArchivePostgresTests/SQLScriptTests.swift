@testable import ArchivePostgres
import Testing

@Suite struct SQLScriptTests {
    @Test func cutsAtSemicolonsOutsideQuotesCommentsAndFunctionBodies() {
        let script = """
            -- a header; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon', "odd;name" int);
            /* block; /* nested; */ still comment */ INSERT INTO a VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO a VALUES (E'line\\n;\\'quoted\\'');
                RETURN NULL;
            END
            $$;
            DO $body$ BEGIN PERFORM 1; END $body$;
            SELECT $1::text;
            -- trailing note; nothing after it
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 5, "\(statements)")
        #expect(statements[0].hasPrefix("-- a header; with a semicolon\nCREATE TABLE a") && statements[0].hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].hasSuffix("VALUES ('it''s; fine')"))
        #expect(statements[2].hasPrefix("CREATE FUNCTION") && statements[2].hasSuffix("END\n$$") && statements[2].contains("RETURN NULL;"))
        #expect(statements[3] == "DO $body$ BEGIN PERFORM 1; END $body$")
        #expect(statements[4] == "SELECT $1::text")
    }
}

@Suite struct HeadlineMarksTests {
    @Test(arguments: [
        ("\u{2}Release\u{3} \u{2}notes\u{3} 🚀", "\u{2}Release notes\u{3} 🚀"),
        ("\u{2}read\u{3}_\u{2}file\u{3} {", "\u{2}read_file\u{3} {"),
        ("\u{2}a\u{3} and \u{2}b\u{3}", "\u{2}a\u{3} and \u{2}b\u{3}"),
        ("no marks", "no marks"),
    ])
    func marksPartedOnlyByPunctuationJoin(headline: String, joined: String) {
        #expect(PostgresArchive.joiningMarks(headline) == joined)
    }
}
