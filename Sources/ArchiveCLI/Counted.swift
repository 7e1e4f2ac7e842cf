/// "1 task", "3 tasks": a count with its noun, for the summary lines of the commands that remove.
func counted(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
}
