import Lifecycle
import Testing

@Suite("DockerEndpoint")
struct DockerEndpointTests {
    @Test(arguments: [
        ("unix:///var/run/docker.sock", "unix:///var/run/docker.sock"),
        ("/run/user/1000/docker.sock", "unix:///run/user/1000/docker.sock"),
        ("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375"),
        ("tcp://docker.internal:2376/", "tcp://docker.internal:2376"),
    ])
    func parsesDockerHost(value: String, expected: String) throws {
        let endpoint = try #require(DockerEndpoint(dockerHost: value))
        #expect(endpoint.description == expected)
    }

    @Test(arguments: ["", "ssh://user@box", "unix://relative.sock", "tcp://no-port", "npipe:////./pipe/docker"])
    func rejectsWhatItCannotReach(value: String) {
        #expect(DockerEndpoint(dockerHost: value) == nil)
    }
}
