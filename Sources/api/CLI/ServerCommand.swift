import ArgumentParser
import DormouseClient

/// A command that talks to a running server: it gets one client for `--url`/`--token`, and its failures
/// are printed (the server's problem `detail`) and turned into the exit statuses of `CLIExitCode`.
protocol ServerCommand: AsyncParsableCommand {
    var server: ClientOptions { get }

    /// The command's work, with the client and the output it writes to.
    func run(client: ServerClient, output: CLIOutput) async throws
}

extension ServerCommand {
    func run() async throws {
        let configuration = server.configuration()
        let output = CLIOutput(json: server.json, colorAllowed: configuration.colorAllowed)
        try await CLIFailure.reporting(to: output) {
            try await ServerClient.with(configuration) { client in try await run(client: client, output: output) }
        }
    }
}

/// Turns the errors of an operator command into a message on standard error and an exit status.
enum CLIFailure {
    /// Runs `body`; a `CLIError` is printed and becomes its exit status, ArgumentParser's own errors (usage,
    /// exit codes) pass through, and anything else is printed and exits 1.
    static func reporting(to output: CLIOutput, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CLIError {
            output.error(error.description)
            throw ExitCode(error.exitCode)
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            output.error(String(describing: error))
            throw ExitCode(CLIExitCode.other)
        }
    }
}
