import Foundation
import Hummingbird
import TwinAnalytics
import TwinJSON
import TwinLayout
import TwinState

extension LiveTwin {
    /// The production report from `start` to `end`, from the history (after committing what is
    /// pending). Throws when the twin keeps no history.
    public func report(from start: Timestamp, to end: Timestamp, line: String? = nil) throws(StateError) -> ProductionReport {
        guard let history else { throw StateError(kind: .history, file: "(no history)", message: "a report needs a history (twin serve --db FILE)") }
        flush()
        return try ProductionReport.make(plant: plant, history: history, from: start, to: end, line: line)
    }
}

extension HTTPAPI {
    /// The longest period one request may ask a report for.
    static let maximumReportDays = 31

    /// `/analytics/oee`, `/analytics/bottlenecks`: `twin report` over HTTP, on the work pool.
    static func addAnalyticsRoutes(to router: Router<BasicRequestContext>, live: LiveTwin, work: WorkPool) {
        for (path, member) in [("/analytics/oee", "machines"), ("/analytics/bottlenecks", "bottlenecks")] {
            router.get(RouterPath(stringLiteral: path)) { request, _ -> Response in
                let (start, end, line) = try period(of: request, live: live)
                let made: Result<JSONValue, StateError>
                do {
                    made = try await work.run { () -> Result<JSONValue, StateError> in
                        do throws(StateError) { return .success(try live.report(from: start, to: end, line: line).json) } catch { return .failure(error) }
                    }
                } catch {
                    return busy()
                }
                switch made {
                case .success(.object(let top)):
                    // The period's members, then the one this endpoint answers.
                    return json(.object(JSONObject(top.members.filter { ["plant", "from", "to", "calendar", member].contains($0.key) })))
                case .success: return problem(.internalServerError, "no report")
                case .failure(let error): return problem(.conflict, error.message)
                }
            }
        }
    }

    /// The period a request asks for: `from` and `to` (ISO 8601), by default the shift running at
    /// the plant clock (or the 8 hours before it); `line`, a line of the manifest.
    static func period(of request: Request, live: LiveTwin) throws(HTTPError) -> (Timestamp, Timestamp, String?) {
        let query = request.uri.queryParameters
        func time(_ name: String) throws(HTTPError) -> Timestamp? {
            guard let text = query.get(name) else { return nil }
            guard let t = Timestamp(iso8601: text) else { throw HTTPError(.badRequest, message: "the query parameter \(name) is not an ISO 8601 time: '\(text.prefix(64))'") }
            return t
        }
        let end = try time("to") ?? live.current.time ?? Timestamp(Date())
        let shiftStart = live.plant.calendar?.period(at: end.milliseconds).map { Timestamp(milliseconds: $0.start) }
        let start = try time("from") ?? shiftStart ?? end.adding(seconds: -8 * 3600)
        guard start < end else { throw HTTPError(.badRequest, message: "from (\(start)) must lie before to (\(end))") }
        guard end.milliseconds - start.milliseconds <= Int64(maximumReportDays) * 86_400_000 else {
            throw HTTPError(.badRequest, message: "a report covers at most \(maximumReportDays) days; ask for a shorter period")
        }
        let line = query.get("line")
        if let line, !live.plant.lines.contains(where: { $0.id == line }) {
            throw HTTPError(.badRequest, message: "no line '\(line.prefix(64))' in the plant (lines: \(live.plant.lines.map(\.id).joined(separator: ", ")))")
        }
        return (start, end, line)
    }
}
