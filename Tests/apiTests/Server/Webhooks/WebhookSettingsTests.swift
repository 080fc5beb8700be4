import Testing

@testable import Server

/// The retry backoff and the signature, as values.
@Suite("Webhook backoff and signature")
struct WebhookSettingsTests {
    @Test(arguments: [(1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 300), (40, 300), (1_000, 300)])
    func backoffDoublesUpToTheCap(failures: Int, seconds: Int) {
        var settings = WebhookSettings()
        settings.jitter = { 1 }
        #expect(settings.retryDelay(afterFailures: failures) == .seconds(seconds))
    }

    @Test func jitterTakesAShareOfTheCeilingButNeverLessThanTheBase() {
        var settings = WebhookSettings()
        settings.jitter = { 0.5 }
        #expect(settings.retryDelay(afterFailures: 5) == .seconds(8))
        settings.jitter = { 0 }
        #expect(settings.retryDelay(afterFailures: 5) == .seconds(1))
    }

    @Test func signsTheTimestampAndTheBody() {
        // Python: hmac.new(secret, b'1700000000.{"id":1}', hashlib.sha256).hexdigest()
        let header = WebhookSignature.header(
            secret: "whsec_0123456789abcdef0123456789abcdef", timestamp: 1_700_000_000, body: #"{"id":1}"#)
        #expect(header == "t=1700000000,v1=5c2a78a98d3119381d3fcbee519454e5d4777a769c6a45b422685591b3e31401")
    }
}
