import Hummingbird
import Registry

/// Reading query parameters; a bad value answers 400 naming the parameter.
enum Query {
    static func integer(_ name: String, in request: Request, range: ClosedRange<Int>) throws -> Int? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func bool(_ name: String, in request: Request) throws -> Bool? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        switch raw {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw invalid(name, "must be true or false")
        }
    }

    static func invalid(_ name: String, _ message: String) -> Problem {
        var problem = Problem(.badRequest, "invalid-query", "\(name): \(message)")
        problem.errors = [.init(field: name, message: message)]
        return problem
    }
}
