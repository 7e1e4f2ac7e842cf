import ArgumentParser

struct Completions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completions",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Install it once, then open a new shell:
              bash  sigmic-archive completions bash > ~/.local/share/bash-completion/completions/sigmic-archive
              zsh   sigmic-archive completions zsh > ~/.zfunc/_sigmic-archive   (with fpath+=~/.zfunc before compinit)
              fish  sigmic-archive completions fish > ~/.config/fish/completions/sigmic-archive.fish
            """)

    @Argument(help: ArgumentHelp("bash, zsh or fish.", valueName: "shell"))
    var shell: Shell

    /// The shells ArgumentParser writes scripts for, as a type so that completion offers them too.
    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    func run() {
        Terminal.print(SigmicArchive.completionScript(for: CompletionShell(rawValue: shell.rawValue)!))
    }
}
