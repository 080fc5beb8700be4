import Testing

/// The lanes of the suite: a test that needs more than the process it runs in carries one of these tags, so
/// `make test-unit` (`swift test --skip tag:docker --skip tag:process --skip tag:browser`) leaves it out and
/// `make test` runs everything.
extension Tag {
    /// Needs the real Docker engine (`DockerFixture`).
    @Tag public static var docker: Self
    /// Starts other programs: the built `dormouse` binary, `prlimit`, `sh` host commands, `sleep`...
    @Tag public static var process: Self
    /// Drives a real browser.
    @Tag public static var browser: Self
}
