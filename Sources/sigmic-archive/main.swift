import ArchiveCLI

await SigmicArchive.runMain()
