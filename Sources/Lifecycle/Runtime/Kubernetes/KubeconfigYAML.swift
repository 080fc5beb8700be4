import Foundation

/// The subset of YAML that kubeconfig files are written in (by kubectl, kind, k3s, cloud CLIs): block mappings and
/// sequences by indentation, plain and quoted scalars, `#` comments, empty `{}` and `[]`. JSON, which is YAML,
/// is read by `JSONDecoder` instead. Anchors, block scalars (`|`, `>`), multi-line flow collections and multiple
/// documents are refused with an error.
enum KubeconfigYAML: Sendable, Hashable {
    case scalar(String)
    case mapping([String: KubeconfigYAML])
    case sequence([KubeconfigYAML])

    subscript(key: String) -> KubeconfigYAML? {
        if case .mapping(let values) = self { return values[key] }
        return nil
    }

    var string: String? {
        if case .scalar(let value) = self { return value }
        return nil
    }

    var items: [KubeconfigYAML] {
        if case .sequence(let items) = self { return items }
        return []
    }

    /// Parses `text`; throws `KubernetesConfigError` naming the line it could not read.
    static func parse(_ text: String) throws -> KubeconfigYAML {
        var parser = Parser(text)
        guard let first = parser.lines.first else { return .mapping([:]) }
        return try parser.node(at: first.indent)
    }

    private struct Line {
        var indent: Int
        var text: Substring
        var number: Int
    }

    private struct Parser {
        var lines: [Line] = []
        var index = 0

        init(_ text: String) {
            for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
                let body = line.drop { $0 == " " }
                if body.isEmpty || body.hasPrefix("#") || body == "---" { continue }
                lines.append(Line(indent: line.count - body.count, text: body, number: number + 1))
            }
        }

        mutating func node(at indent: Int) throws -> KubeconfigYAML {
            guard index < lines.count else { return .scalar("") }
            return Self.isItem(lines[index].text) ? try sequence(at: indent) : try mapping(at: indent)
        }

        private static func isItem(_ text: Substring) -> Bool { text == "-" || text.hasPrefix("- ") }

        private mutating func mapping(at indent: Int) throws -> KubeconfigYAML {
            var values: [String: KubeconfigYAML] = [:]
            while index < lines.count, lines[index].indent == indent, !Self.isItem(lines[index].text) {
                let line = lines[index]
                guard let entry = Self.splitKey(line.text) else {
                    throw KubernetesConfigError("kubeconfig line \(line.number): expected `key: value`")
                }
                let (key, rest) = entry
                index += 1
                if !rest.isEmpty {
                    values[key] = try Self.scalar(rest, line: line.number)
                } else if index < lines.count, lines[index].indent > indent {
                    values[key] = try node(at: lines[index].indent)
                } else if index < lines.count, lines[index].indent == indent, Self.isItem(lines[index].text) {
                    // kubectl writes a mapping's sequence at the mapping's own indentation.
                    values[key] = try sequence(at: indent)
                } else {
                    values[key] = .scalar("")
                }
            }
            if index < lines.count, lines[index].indent > indent {
                throw KubernetesConfigError("kubeconfig line \(lines[index].number): unexpected indentation")
            }
            return .mapping(values)
        }

        private mutating func sequence(at indent: Int) throws -> KubeconfigYAML {
            var items: [KubeconfigYAML] = []
            while index < lines.count, lines[index].indent == indent, Self.isItem(lines[index].text) {
                let line = lines[index]
                let rest = line.text.dropFirst().drop { $0 == " " }
                if rest.isEmpty {
                    index += 1
                    if index < lines.count, lines[index].indent > indent {
                        items.append(try node(at: lines[index].indent))
                    } else {
                        items.append(.scalar(""))
                    }
                } else if Self.splitKey(rest) != nil || Self.isItem(rest) {
                    // `- key: value` opens a mapping whose keys line up with `key`.
                    let inner = line.indent + (line.text.count - rest.count)
                    lines[index] = Line(indent: inner, text: rest, number: line.number)
                    items.append(try node(at: inner))
                } else {
                    index += 1
                    items.append(try Self.scalar(rest, line: line.number))
                }
            }
            return .sequence(items)
        }

        /// `key: rest` (rest may be empty), outside quotes; nil when the line is no mapping entry.
        private static func splitKey(_ text: Substring) -> (String, Substring)? {
            guard let first = text.first, first != "\"", first != "'" else {
                return quotedKey(text)
            }
            var position = text.startIndex
            while let colon = text[position...].firstIndex(of: ":") {
                let after = text.index(after: colon)
                if after == text.endIndex || text[after] == " " {
                    return (String(text[..<colon]), text[after...].drop { $0 == " " })
                }
                position = after
            }
            return nil
        }

        private static func quotedKey(_ text: Substring) -> (String, Substring)? {
            guard let quote = text.first, let end = text.dropFirst().firstIndex(of: quote) else { return nil }
            let after = text[text.index(after: end)...]
            guard after.hasPrefix(":") else { return nil }
            return (String(text[text.index(after: text.startIndex)..<end]), after.dropFirst().drop { $0 == " " })
        }

        private static func scalar(_ raw: Substring, line: Int) throws -> KubeconfigYAML {
            var text = raw
            if let first = text.first, first == "\"" || first == "'", let close = text.lastIndex(of: first),
                close != text.startIndex,
                text[text.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("#")
            {
                // A comment after a quoted scalar.
                text = text[...close]
            } else if let first = text.first, first != "\"", first != "'", let comment = text.range(of: " #") {
                text = text[..<comment.lowerBound]
            }
            text = Substring(text.trimmingCharacters(in: .whitespaces))
            switch text.first ?? " " {
            case "\"": return .scalar(try doubleQuoted(text, line: line))
            case "'":
                guard text.count >= 2, text.hasSuffix("'") else { break }
                return .scalar(text.dropFirst().dropLast().replacingOccurrences(of: "''", with: "'"))
            case "{", "[":
                if text == "{}" { return .mapping([:]) }
                if text == "[]" { return .sequence([]) }
            case "|", ">", "&", "*", "!":
                break
            default:
                return .scalar(String(text))
            }
            throw KubernetesConfigError("kubeconfig line \(line): this YAML form is not supported (\(text.prefix(20)))")
        }

        private static func doubleQuoted(_ text: Substring, line: Int) throws -> String {
            guard text.count >= 2, text.hasSuffix("\"") else {
                throw KubernetesConfigError("kubeconfig line \(line): unterminated quoted string")
            }
            var result = ""
            var escaped = false
            for character in text.dropFirst().dropLast() {
                if escaped {
                    switch character {
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: result.append(character)
                    }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    result.append(character)
                }
            }
            return result
        }
    }
}
