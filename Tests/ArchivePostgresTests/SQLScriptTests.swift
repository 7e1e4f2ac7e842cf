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
