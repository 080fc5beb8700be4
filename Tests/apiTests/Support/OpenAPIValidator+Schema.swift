import Foundation

extension OpenAPIValidator {
    /// Where a check is: in the value (a JSON pointer into the body) and in the document (the schema's pointer).
    struct Location {
        var instance: String
        var schema: String
        var depth = 0

        func member(_ key: String) -> Location { .init(instance: pointer(instance, key), schema: schema, depth: depth) }
        func keyword(_ tokens: String...) -> Location {
            .init(instance: instance, schema: tokens.reduce(schema, pointer), depth: depth + 1)
        }
        func failure(_ keyword: String, _ reason: String) -> Failure {
            let schemaPointer = keyword.isEmpty ? schema : OpenAPIValidator.pointer(schema, keyword)
            return Failure(pointer: instance, schemaPointer: schemaPointer, reason: reason)
        }
        private func pointer(_ base: String, _ token: String) -> String { OpenAPIValidator.pointer(base, token) }
    }

    /// The keywords `check` enforces, in the order it tries them (the plainest complaint first).
    static let assertions = [
        "$ref", "type", "const", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
        "maxLength", "pattern", "required", "properties", "additionalProperties", "items", "minItems", "maxItems",
        "allOf", "anyOf", "oneOf", "not",
    ]
    /// Keywords that only describe; `check` ignores them (`format` included, as OpenAPI allows).
    static let annotations: Set = [
        "$comment", "title", "description", "default", "examples", "format", "discriminator", "readOnly", "writeOnly",
        "deprecated", "externalDocs",
    ]

    /// The first way `value` breaks `schema`, or nil when it passes.
    func check(_ value: JSON, against schema: JSON, at location: Location) -> Failure? {
        guard location.depth < 200 else { return location.failure("$ref", "schema nested too deeply ($ref loop?)") }
        switch schema {
        case .bool(true): return nil
        case .bool(false): return location.failure("", "no value is allowed here")
        case .object(let keywords):
            if let unknown = keywords.keys.sorted().first(where: { !Self.isKnown($0) }) {
                return location.failure(unknown, "unsupported schema keyword")
            }
            for keyword in Self.assertions {
                guard let argument = keywords[keyword] else { continue }
                let failure = check(value, keyword, argument, schema: keywords, at: location)
                if let failure { return failure }
            }
            return nil
        default: return location.failure("", "a schema must be an object or a boolean")
        }
    }

    static func isKnown(_ keyword: String) -> Bool {
        assertions.contains(keyword) || annotations.contains(keyword) || keyword.hasPrefix("x-")
    }

    private func check(
        _ value: JSON, _ keyword: String, _ argument: JSON, schema: [String: JSON], at location: Location
    ) -> Failure? {
        switch (keyword, value) {
        case ("$ref", _):
            guard case .string(let reference) = argument, let target = resolve(reference) else {
                return location.failure(keyword, "$ref \(argument.text) does not resolve")
            }
            return check(
                value, against: target,
                at: .init(instance: location.instance, schema: reference, depth: location.depth + 1))
        case ("type", _): return checkType(value, argument, at: location)
        case ("const", _):
            return value == argument ? nil : location.failure(keyword, "\(value.text) is not \(argument.text)")
        case ("enum", _):
            guard case .array(let allowed) = argument, !allowed.contains(value) else { return nil }
            return location.failure(keyword, "\(value.text) is not one of \(argument.text)")
        case (_, .number(let number)): return checkBound(number, keyword, argument, at: location)
        case (_, .string(let string)): return checkString(string, keyword, argument, at: location)
        case (_, .object(let members)): return checkObject(members, keyword, argument, schema: schema, at: location)
        case (_, .array(let items)): return checkArray(items, keyword, argument, at: location)
        default: return checkComposition(value, keyword, argument, at: location)
        }
    }

    private func checkType(_ value: JSON, _ argument: JSON, at location: Location) -> Failure? {
        let allowed: [String]
        switch argument {
        case .string(let type): allowed = [type]
        case .array(let types): allowed = types.compactMap { if case .string(let type) = $0 { type } else { nil } }
        default: return location.failure("type", "type must be a string or an array of strings")
        }
        let actual = value.typeName
        if allowed.contains(actual) || (actual == "integer" && allowed.contains("number")) { return nil }
        return location.failure("type", "\(value.text) is \(actual), not \(allowed.joined(separator: " or "))")
    }

    private func checkBound(_ number: Double, _ keyword: String, _ argument: JSON, at location: Location) -> Failure? {
        guard case .number(let bound) = argument else {
            return checkComposition(.number(number), keyword, argument, at: location)
        }
        let passes: Bool
        switch keyword {
        case "minimum": passes = number >= bound
        case "maximum": passes = number <= bound
        case "exclusiveMinimum": passes = number > bound
        case "exclusiveMaximum": passes = number < bound
        default: return checkComposition(.number(number), keyword, argument, at: location)
        }
        if passes { return nil }
        return location.failure(keyword, "\(JSON.number(number).text) breaks \(keyword) \(argument.text)")
    }

    private func checkString(_ string: String, _ keyword: String, _ argument: JSON, at location: Location) -> Failure? {
        let length = string.unicodeScalars.count
        switch (keyword, argument) {
        case ("minLength", .number(let bound)) where Double(length) < bound:
            return location.failure(keyword, "\(length) characters, fewer than \(argument.text)")
        case ("maxLength", .number(let bound)) where Double(length) > bound:
            return location.failure(keyword, "\(length) characters, more than \(argument.text)")
        case ("pattern", .string(let pattern)):
            guard let regex = try? NSRegularExpression(pattern: pattern) else {
                return location.failure(keyword, "the pattern \(pattern) does not compile")
            }
            let range = NSRange(string.startIndex..., in: string)
            if regex.firstMatch(in: string, range: range) != nil { return nil }
            return location.failure(keyword, "\(JSON.string(string).text) does not match \(pattern)")
        default: return checkComposition(.string(string), keyword, argument, at: location)
        }
    }

    private func checkObject(
        _ members: [String: JSON], _ keyword: String, _ argument: JSON, schema: [String: JSON], at location: Location
    ) -> Failure? {
        switch (keyword, argument) {
        case ("required", .array(let names)):
            let missing = names.compactMap {
                if case .string(let name) = $0, members[name] == nil { name } else { nil }
            }
            guard let name = missing.first else { return nil }
            return location.failure(keyword, "the required property \"\(name)\" is missing")
        case ("properties", .object(let properties)):
            for name in properties.keys.sorted() {
                guard let member = members[name] else { continue }
                let failure = check(
                    member, against: properties[name]!, at: location.keyword(keyword, name).member(name))
                if let failure { return failure }
            }
            return nil
        case ("additionalProperties", _):
            var declared: Set<String> = []
            if case .object(let properties)? = schema["properties"] { declared = Set(properties.keys) }
            for name in members.keys.sorted() where !declared.contains(name) {
                if argument == .bool(false) {
                    let allowed = declared.sorted().joined(separator: ", ")
                    return location.member(name).failure(
                        keyword, "the property \"\(name)\" is not allowed (allowed: \(allowed))")
                }
                let failure = check(members[name]!, against: argument, at: location.keyword(keyword).member(name))
                if let failure { return failure }
            }
            return nil
        default: return checkComposition(.object(members), keyword, argument, at: location)
        }
    }

    private func checkArray(_ items: [JSON], _ keyword: String, _ argument: JSON, at location: Location) -> Failure? {
        switch (keyword, argument) {
        case ("items", _):
            for (index, item) in items.enumerated() {
                let failure = check(item, against: argument, at: location.keyword(keyword).member(String(index)))
                if let failure { return failure }
            }
            return nil
        case ("minItems", .number(let bound)) where Double(items.count) < bound:
            return location.failure(keyword, "\(items.count) items, fewer than \(argument.text)")
        case ("maxItems", .number(let bound)) where Double(items.count) > bound:
            return location.failure(keyword, "\(items.count) items, more than \(argument.text)")
        default: return checkComposition(.array(items), keyword, argument, at: location)
        }
    }

    /// allOf, anyOf, oneOf and not; any other keyword reaching here does not apply to this type of value.
    private func checkComposition(
        _ value: JSON, _ keyword: String, _ argument: JSON, at location: Location
    ) -> Failure? {
        if keyword == "not" {
            guard check(value, against: argument, at: location.keyword(keyword)) == nil else { return nil }
            return location.failure(keyword, "\(value.text) matches the schema under not")
        }
        guard ["allOf", "anyOf", "oneOf"].contains(keyword) else { return nil }
        guard case .array(let branches) = argument else { return location.failure(keyword, "must be an array") }
        let failures = branches.indices.map {
            check(value, against: branches[$0], at: location.keyword(keyword, String($0)))
        }
        let passing = failures.indices.filter { failures[$0] == nil }
        switch keyword {
        case "allOf": return failures.lazy.compactMap { $0 }.first
        case "anyOf" where !passing.isEmpty: return nil
        case "oneOf" where passing.count == 1: return nil
        case "oneOf" where passing.count > 1:
            let matched = passing.map(String.init).joined(separator: " and ")
            return location.failure(keyword, "matches branches \(matched); exactly one must match")
        default:
            let reasons = failures.enumerated().map { "[\($0)] \($1!)" }.joined(separator: "; ")
            return location.failure(keyword, "matches none of the \(branches.count) branches: \(reasons)")
        }
    }

    /// Every place in the document where a schema uses a keyword `check` does not know, or a `$ref` does not resolve.
    func schemaFailures() -> [Failure] {
        var failures: [Failure] = []
        walkDocument(document, at: "#", into: &failures)
        return failures
    }

    private func walkDocument(_ value: JSON, at pointer: String, into failures: inout [Failure]) {
        switch value {
        case .object(let members):
            for key in members.keys.sorted() {
                let child = Self.pointer(pointer, key)
                if key == "schema" || pointer == "#/components/schemas" {
                    walkSchema(members[key]!, at: child, into: &failures)
                } else if key == "$ref" {
                    checkReference(members[key]!, at: child, into: &failures)
                } else {
                    walkDocument(members[key]!, at: child, into: &failures)
                }
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                walkDocument(item, at: Self.pointer(pointer, String(index)), into: &failures)
            }
        default: break
        }
    }

    private func walkSchema(_ schema: JSON, at pointer: String, into failures: inout [Failure]) {
        guard case .object(let keywords) = schema else { return }
        for keyword in keywords.keys.sorted() {
            let argument = keywords[keyword]!
            let location = Self.pointer(pointer, keyword)
            switch (keyword, argument) {
            case _ where !Self.isKnown(keyword):
                failures.append(Failure(schemaPointer: location, reason: "unsupported schema keyword"))
            case ("$ref", _): checkReference(argument, at: location, into: &failures)
            case ("properties", .object(let properties)):
                for name in properties.keys.sorted() {
                    walkSchema(properties[name]!, at: Self.pointer(location, name), into: &failures)
                }
            case ("additionalProperties", _), ("items", _), ("not", _):
                walkSchema(argument, at: location, into: &failures)
            case ("allOf", .array(let branches)), ("anyOf", .array(let branches)), ("oneOf", .array(let branches)):
                for (index, branch) in branches.enumerated() {
                    walkSchema(branch, at: Self.pointer(location, String(index)), into: &failures)
                }
            default: break
            }
        }
    }

    private func checkReference(_ reference: JSON, at pointer: String, into failures: inout [Failure]) {
        guard case .string(let reference) = reference, resolve(reference) != nil else {
            return failures.append(Failure(schemaPointer: pointer, reason: "$ref \(reference.text) does not resolve"))
        }
    }
}
