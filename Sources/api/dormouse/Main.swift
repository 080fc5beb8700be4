import ArgumentParser
import CLI

/// The `dormouse` executable: parses the command line and runs the command (`DormouseCommand` in `CLI`).
@main
enum Main {
    static func main() async {
        await DormouseCommand.main()
    }
}
