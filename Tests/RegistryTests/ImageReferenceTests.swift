import Testing

@testable import Registry

/// Docker's image reference grammar, as the engine parses an image to create a container from.
@Suite("Image references")
struct ImageReferenceTests {
    @Test(arguments: [
        "busybox", "busybox:1.36", "library/busybox:latest", "dormouse-test/busybox:latest",
        "my_org/my.app__x--y:v1.0-rc_2",
        "registry.example.com/team/worker", "localhost:5000/worker:dev", "[::1]:5000/worker", "UPPER/lower",
        "busybox@sha256:" + String(repeating: "a", count: 64),
        "ghcr.io/o/w:1@sha512:" + String(repeating: "0", count: 128),
    ])
    func accepts(_ reference: String) {
        #expect(ImageReference.isValid(reference))
    }

    @Test(arguments: [
        "", "UPPER/Case", "Busybox", "a b", ":tag", "busybox:", "x@sha256:short",
        "x@sha256:" + String(repeating: "A", count: 64), "x@md5:" + String(repeating: "a", count: 32), "-x", "x-",
        "a//b", "a/", "/a", "a...b", "a___b", "busybox:-tag", "busybox:" + String(repeating: "t", count: 129),
        "host:port/x", "exa_mple.com/x/", String(repeating: "a", count: 64), String(repeating: "a", count: 256),
    ])
    func refuses(_ reference: String) {
        #expect(!ImageReference.isValid(reference))
    }
}
