import ArgumentParser

/// `--json`: a command's result printed as JSON instead of text.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON instead of text.")
    var json = false
}
