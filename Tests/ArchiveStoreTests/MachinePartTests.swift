import Testing
import TestSupport

/// A missing part of the machine is named in one line with what installs it; a present one is not.
@Suite struct MachinePartTests {
    @Test func aMissingPartNamesWhatInstallsIt() throws {
        let module = try #require(MachinePart.python(["no_such_module_sigmic"]).missing())
        #expect(module.contains("tools/test") && module.contains("python3 -m pip install no_such_module_sigmic"), "\(module)")
        #expect(!module.contains("\n"))
        let program = try #require(MachinePart.program("/nonexistent/sigmic-tool", debian: "sigmic-tool").missing())
        #expect(program.contains("tools/test") && program.contains("apt-get install sigmic-tool"), "\(program)")
        #expect(MachinePart.pipName("markdown_it") == "markdown-it-py" && MachinePart.pipName("yaml") == "pyyaml")
    }

    @Test func aPresentPartIsNotMissing() {
        #expect(MachinePart.python(["json"]).missing() == nil)
        #expect(MachinePart.program("/bin/sh", debian: "dash").missing() == nil)
    }
}
