import Foundation
import Testing

/// The lanes of the suite: a test that needs more than the process it runs in carries one of these tags and
/// `.outsideUnitLane`, so `make test-unit` (`DORMOUSE_TEST_LANE=unit`) leaves it out and `make test` runs
/// everything. (`swift test --skip tag:docker` selects nothing with SwiftPM 6.3, hence the variable.)
extension Tag {
    /// Needs the real Docker engine (`DockerFixture`).
    @Tag package static var docker: Self
    /// Starts other programs: the built `dormouse` binary, `prlimit`, `sh` host commands, `sleep`...
    @Tag package static var process: Self
    /// Needs the real Synapse homeserver (`SynapseFixture`, `scripts/synapse.sh up`).
    @Tag package static var synapse: Self
    /// Drives a real browser (no Swift test does yet; the browser tests are Python, run by `make test`).
    @Tag package static var browser: Self
}

extension Trait where Self == ConditionTrait {
    /// Skips the test when `DORMOUSE_TEST_LANE=unit` (`make test-unit`).
    package static var outsideUnitLane: Self {
        .disabled(if: ProcessInfo.processInfo.environment["DORMOUSE_TEST_LANE"] == "unit", "not in the unit lane")
    }

    /// Skips the test in the Podman run of the engine suites (`DockerFixture.isPodman`), saying why it cannot apply.
    package static func notOnPodman(_ reason: Comment) -> Self {
        .disabled(if: DockerFixture.isPodman, reason)
    }
}
