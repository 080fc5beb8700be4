/// A stable digest of what a created container is made of, so a changed definition is noticed on the engine.
extension ContainerSpec {
    /// 16 hex digits over the image, command, environment, healthcheck, init and restart settings. The name and the
    /// labels are left out: they say where the container is and whose it is, not what it runs.
    package var fingerprint: String {
        var canonical = ""
        func field(_ text: String) {
            // Length-prefixed, so no value can be mistaken for a separator.
            canonical += "\(text.utf8.count):\(text);"
        }
        field(image)
        field(command.map { "\($0.count)" } ?? "-")
        for argument in command ?? [] { field(argument) }
        field("\(environment.count)")
        for key in environment.keys.sorted() {
            field(key)
            field(environment[key] ?? "")
        }
        field(healthcheck.map { "\($0.count)" } ?? "-")
        for argument in healthcheck ?? [] { field(argument) }
        field(useInit ? "init" : "no-init")
        field(restartsOnExit ? "restart-unless-stopped" : "no-restart")
        return StableHash.hex(canonical)
    }
}
