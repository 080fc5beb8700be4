import Lifecycle
import Testing

/// Errors that carry the value they failed on are logged without it.
@Suite("LoggedError")
struct LoggedErrorTests {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test func anEncodingErrorKeepsItsPathButNotTheValue() {
        let error = EncodingError.invalidValue(
            ["payload": "payload-secret"],
            .init(codingPath: [Key(stringValue: "payload")], debugDescription: "payload-secret is too deep"))
        #expect(String(describing: error).contains("payload-secret"))
        let logged = LoggedError(error).description
        #expect(!logged.contains("payload-secret"))
        #expect(logged == "EncodingError.invalidValue at payload")
    }

    @Test func aDecodingErrorKeepsItsKindAndPath() {
        let error = DecodingError.dataCorrupted(
            .init(codingPath: [Key(stringValue: "env")], debugDescription: "near \"SECRET=hunter2\""))
        #expect(LoggedError(error).description == "DecodingError.dataCorrupted at env")
    }

    @Test func otherErrorsDescribeThemselves() {
        #expect(LoggedError(ContainerRuntimeError.engineUnavailable("refused")).description.contains("refused"))
    }
}
