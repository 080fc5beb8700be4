import Testing

@testable import Registry

@Suite("JSONParser")
struct JSONParserTests {
    static func nested(_ depth: Int, around inner: String = "1") -> String {
        String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)
    }

    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
        Result { () throws(JSONParseError) in try JSONValue.parse(bytes: bytes) }
    }

    static func error(_ bytes: [UInt8]) -> JSONParseError? {
        if case .failure(let error) = parse(bytes) { return error }
        return nil
    }

    @Test func depthUpToTheLimitIsAcceptedAndOneMoreIsRefused() throws {
        #expect(JSONValue.maximumDepth == 64)
        let deepest = try JSONValue.parse(Self.nested(64))
        #expect(deepest.nestingDepth() == 64)
        #expect(deepest.jsonText == Self.nested(64))
        let objects = String(repeating: #"{"a":"#, count: 64) + "1" + String(repeating: "}", count: 64)
        #expect(try JSONValue.parse(objects).jsonText == objects)

        let tooDeep = try #require(Self.error(Array(Self.nested(65).utf8)))
        #expect(tooDeep.isTooDeep)
        #expect(tooDeep.offset == 64)
        #expect(tooDeep.description.contains("64 levels"))
        // A body 10,000 deep is refused at the 65th bracket, without reading the rest.
        #expect(Self.error(Array(Self.nested(10_000).utf8))?.offset == 64)
        // An envelope adds its own levels on top of the limit, and the error still names the limit.
        #expect(throws: Never.self) { try JSONValue.parse(bytes: Array(Self.nested(65).utf8), envelope: 1) }
        #expect(Self.error(Array(#"{"payload":\#(Self.nested(65))}"#.utf8))?.isTooDeep == true)
    }

    @Test(
        arguments: [
            ([0x22, 0xFF, 0x22], 1),  // never valid in UTF-8
            ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong "/"
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong, three bytes
            ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1),  // overlong, four bytes
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // U+D800 encoded
            ([0x22, 0xED, 0xBF, 0xBF, 0x22], 1),  // U+DFFF encoded
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // past U+10FFFF
            ([0x22, 0x61, 0xC3, 0x22], 2),  // cut sequence
            ([0x22, 0x61, 0x80, 0x22], 2),  // lone continuation byte
            ([0x7B, 0x22, 0x6B, 0x22, 0x3A, 0xC3, 0x7D], 5),  // outside a string
        ] as [([UInt8], Int)])
    func invalidUTF8IsRefusedWithItsOffset(bytes: [UInt8], offset: Int) throws {
        let error = try #require(Self.error(bytes))
        #expect(error.isInvalidText)
        #expect(!error.isTooDeep)
        #expect(error.offset == offset)
        #expect(error.description.contains("invalid UTF-8 at byte offset \(offset)"))
    }

    @Test func validUTF8AndEscapesReadAsTheirCharacters() throws {
        #expect(try JSONValue.parse(bytes: Array("\"é€😀\"".utf8)) == .string("é€😀"))
        #expect(try JSONValue.parse(#""\u00e9\ud83d\ude00\n\t\"\\\/\u0000""#) == .string("é😀\n\t\"\\/\u{0}"))
    }

    @Test(arguments: [#""\ud800""#, #""\udc00""#, #""\ud800x""#, #""\ud800\u0041""#, #""\ud800\ud800""#])
    func loneSurrogateEscapesAreRefused(text: String) throws {
        let error = try #require(Self.error(Array(text.utf8)))
        #expect(error.isInvalidText)
        #expect(error.offset == 1)
    }

    @Test(
        arguments: [
            "0", "-0", "-0.0", "1.0", "1E+2", "1e-2", "0.5", "12345678901234567890", "-12345678901234567890.000",
            "1e308", "1e-400", "123456789012345678901234567890e-10",
        ])
    func numbersKeepTheirLiteral(literal: String) throws {
        #expect(try JSONValue.parse(literal) == .number(try #require(JSONNumber(literal: literal))))
        #expect(try JSONValue.parse(literal).jsonText == literal)
        #expect(try JSONValue.parse("[\(literal)]").jsonText == "[\(literal)]")
    }

    @Test(arguments: ["01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "-01", "1.e3", "NaN", "Infinity", "- 1"])
    func numbersOutsideTheGrammarAreMalformed(text: String) throws {
        let error = try #require(Self.error(Array(text.utf8)))
        #expect(!error.isNumberOutOfRange && !error.isTooDeep)
    }

    @Test(arguments: ["1e400", "-1e400", "[1, 2E999]", #"{"a": 1.5e309}"#, String(repeating: "9", count: 400)])
    func numbersThatOverflowADoubleAreOutOfRange(text: String) throws {
        let error = try #require(Self.error(Array(text.utf8)))
        #expect(error.isNumberOutOfRange)
        #expect(error.description.hasPrefix("number out of range"))
    }

    @Test func numbersReadAsTheirValues() throws {
        let big = try #require(JSONNumber(literal: "12345678901234567890"))
        #expect(big.int64Value == nil)
        #expect(big.doubleValue == 1.234_567_890_123_456_7e19)
        #expect(JSONNumber(literal: "2.0")?.int64Value == 2)
        #expect(JSONNumber(literal: "-0.0")?.doubleValue.sign == .minus)
        #expect(JSONNumber(literal: "1e400") == nil)
        #expect(JSONNumber(2.5)?.literal == "2.5")
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONValue.integer(7).jsonText == "7")
    }

    @Test func membersKeepTheirOrderAndDuplicateKeysAreRefused() throws {
        let text = #"{"b":1,"a":{"z":[],"y":{}},"c":"x"}"#
        #expect(try JSONValue.parse(text).jsonText == text)
        #expect(try JSONValue.parse(#"{"a":1,"b":2}"#) == JSONValue.parse(#"{"b":2,"a":1}"#))
        let duplicate = try #require(Self.error(Array(#"{"a": 1, "a": 2}"#.utf8)))
        #expect(duplicate.offset == 9)
        #expect(duplicate.description == #"duplicate key "a" at byte offset 9"#)
    }

    @Test(
        arguments: [
            ("", 0), ("   ", 3), ("[1,]", 3), ("[1 2]", 3), (#"{"a" 1}"#, 5), ("{a:1}", 1), ("tru", 3), ("nul", 3),
            ("[1] x", 4), ("\"a\nb\"", 2), (#""\x""#, 1), (#""\u12g4""#, 1), ("\"abc", 4), ("\u{FEFF}1", 0),
        ] as [(String, Int)])
    func grammarErrorsNameTheOffset(text: String, offset: Int) throws {
        let error = try #require(Self.error(Array(text.utf8)))
        #expect(error.offset == offset, "\(error)")
        #expect(!error.isTooDeep && !error.isNumberOutOfRange)
    }

    @Test func writingEscapesOnlyWhatJSONRequires() throws {
        let value = JSONValue.string("a\"b\\c/\u{1}\u{1F}é\n")
        #expect(value.jsonText == #""a\"b\\c/\u0001\u001fé\n""#)
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test func mergePatchKeepsOrderAndRemovesNulls() throws {
        let current = try JSONValue.parse(#"{"b":1,"a":{"x":1,"y":2},"c":3}"#)
        let patched = current.merging(try JSONValue.parse(#"{"a":{"x":null,"z":1.0},"c":null,"d":true}"#))
        #expect(patched.jsonText == #"{"b":1,"a":{"y":2,"z":1.0},"d":true}"#)
    }

    @Test func nestingDepthOfABuiltValueStopsPastTheLimit() {
        var value = JSONValue.null
        for _ in 0..<1_000 { value = .array([value]) }
        #expect(value.nestingDepth() == 65)
        #expect(JSONValue.array([.object(["a": .array([])])]).nestingDepth() == 3)
    }
}
