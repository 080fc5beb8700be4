/// The API's JSON form of a task, written by hand: the payload is written as it was given (numbers as their
/// literals, members in order), which Foundation's encoder cannot do. Keys are sorted.
extension TaskRecord {
    /// The task as one JSON object.
    package var jsonText: String {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.text
    }

    /// Tasks as `{"tasks": [...]}`.
    package static func listJSON(_ tasks: [TaskRecord]) -> String {
        var writer = JSONWriter()
        writer.append("{\"tasks\":[")
        for (index, task) in tasks.enumerated() {
            if index > 0 { writer.append(",") }
            task.write(to: &writer)
        }
        writer.append("]}")
        return writer.text
    }

    func write(to writer: inout JSONWriter) {
        writer.append("{\"agent\":")
        writer.write(agent)
        writer.append(",\"cold_start\":")
        writer.write(coldStart.map(JSONValue.bool) ?? .null)
        writer.append(",\"created_at\":")
        writer.write(.integer(createdAt))
        writer.append(",\"error\":")
        writer.write(error.map(JSONValue.string) ?? .null)
        writer.append(",\"exit_code\":")
        writer.write(exitCode.map { .integer(Int64($0)) } ?? .null)
        writer.append(",\"finished_at\":")
        writer.write(finishedAt.map(JSONValue.integer) ?? .null)
        writer.append(",\"http_status\":")
        writer.write(httpStatus.map { .integer(Int64($0)) } ?? .null)
        writer.append(",\"id\":")
        writer.write(id)
        writer.append(",\"output\":")
        writer.write(output.map(JSONValue.string) ?? .null)
        writer.append(",\"output_truncated\":")
        writer.write(.bool(outputTruncated))
        writer.append(",\"payload\":")
        writer.write(payload)
        if payloadIsRaw { writer.append(",\"payload_raw\":true") }
        writer.append(",\"resumed\":")
        writer.write(resumed.map(JSONValue.bool) ?? .null)
        writer.append(",\"started_at\":")
        writer.write(startedAt.map(JSONValue.integer) ?? .null)
        writer.append(",\"status\":")
        writer.write(status.rawValue)
        writer.append(",\"wake_ms\":")
        writer.write(wakeMilliseconds.map(JSONValue.double) ?? .null)
        writer.append("}")
    }
}
