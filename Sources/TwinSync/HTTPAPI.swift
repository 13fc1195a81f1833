import Foundation
import Hummingbird
import ServiceLifecycle
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

/// The twin over HTTP (Hummingbird): state now and at any moment, updates in, renders and route
/// checks out, a live stream of applied updates, an OpenAPI document. Every endpoint but /health
/// needs a bearer token with the read scope (write for POST and PATCH); errors are RFC 9457
/// problem details.
public enum HTTPAPI {
    public struct Options: Sendable {
        public var maximumBodyBytes = 4 << 20
        public var maximumImagePixels = 4096 * 4096
        public init() {}
    }

    /// Every endpoint the OpenAPI document describes, with `{name}` as `:name` (matching any one
    /// segment): for 405 answers that name the methods a path does take. (A test holds the
    /// document to the router: each of these answers.)
    static let endpoints: [(method: HTTPRequest.Method, path: String)] = {
        guard case .object(let document)? = try? JSONParser.parse(OpenAPIDocument.json), case .object(let paths)? = document["paths"] else { return [] }
        return paths.members.flatMap { member -> [(method: HTTPRequest.Method, path: String)] in
            guard case .object(let operations) = member.value else { return [] }
            let path = member.key.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            return operations.keys.compactMap { HTTPRequest.Method(rawValue: $0.uppercased()) }.map { (method: $0, path: path) }
        }
    }()

    /// The methods that `path` is served for (empty: no such path).
    static func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return endpoints.filter { endpoint in
            let pattern = endpoint.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
        }.map(\.method)
    }

    public static func router(live: LiveTwin, tokens: TokenConfig, mqtt: MQTTSync? = nil, options: Options = Options(),
                              work: WorkPool = WorkPool()) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemAndAuthMiddleware(tokens: tokens))
        // Reading the state, writing updates, pictures and checks (on the work pool), streams.
        addStateRoutes(to: router, live: live, mqtt: mqtt, work: work)
        addUpdateRoutes(to: router, live: live, options: options)
        addPictureRoutes(to: router, live: live, options: options, work: work)
        addStreamRoutes(to: router, live: live)
        addAnalyticsRoutes(to: router, live: live, work: work)
        return router
    }

    /// `/health`, `/state`, `/state/:id`.
    static func addStateRoutes(to router: Router<BasicRequestContext>, live: LiveTwin, mqtt: MQTTSync?, work: WorkPool) {
        router.get("/health") { _, _ -> Response in
            let c = live.counts, state = live.current
            var o = JSONObject([.init(key: "status", value: .string(live.commitError == nil ? "ok" : "degraded")), .init(key: "plant", value: .string(live.plant.name)),
                                .init(key: "sequence", value: .number(Double(state.sequence))),
                                .init(key: "time", value: state.time.map { .string($0.description) } ?? .null)])
            o.append("updates", .object(JSONObject([
                .init(key: "applied", value: .number(Double(c.applied))), .init(key: "rejected", value: .number(Double(c.rejected))),
                .init(key: "late", value: .number(Double(state.lateUpdates))),
                .init(key: "committed", value: .number(Double(c.committed))), .init(key: "malformed", value: .number(Double(c.malformed))),
                .init(key: "oversized", value: .number(Double(c.oversized))), .init(key: "unknown", value: .number(Double(c.unknown))),
            ])))
            o.append("event_streams", .number(Double(live.eventStreams)))
            // A history that cannot be written: the updates wait in memory and are tried again.
            var history = JSONObject([.init(key: "uncommitted", value: .number(Double(live.uncommitted))),
                                      .init(key: "failed_commits", value: .number(Double(c.failedCommits)))])
            history.append("error", live.commitError.map { .string($0.description) } ?? .null)
            o.append("history", .object(history))
            let load = work.load
            o.append("work", .object(JSONObject([.init(key: "running", value: .number(Double(load.running))),
                                                 .init(key: "waiting", value: .number(Double(load.waiting))),
                                                 .init(key: "workers", value: .number(Double(work.workers)))])))
            if let mqtt {
                var m = JSONObject([.init(key: "broker", value: .string(mqtt.broker.description)),
                                    .init(key: "connected", value: .bool(mqtt.client.isConnected)),
                                    .init(key: "connections", value: .number(Double(mqtt.client.connectionCount)))])
                if let away = mqtt.client.awaySince { m.append("disconnected_since", .string(Timestamp(away).description)) }
                // Each time the broker had lost the twin's session: what it held for the twin while
                // it was away is gone (the gap), said here and in the log.
                let losses = mqtt.client.sessionLosses
                m.append("sessions_lost", .number(Double(losses.count)))
                m.append("session_gaps", .array(losses.suffix(20).map { loss in
                    .object(JSONObject([.init(key: "from", value: loss.awaySince.map { .string(Timestamp($0).description) } ?? .null),
                                        .init(key: "to", value: .string(Timestamp(loss.reconnected).description))]))
                }))
                // Per AGV: how old its last VDA 5050 message is, and the positions left out.
                let now = Date()
                m.append("agvs", .object(JSONObject(mqtt.agvFeeds.map { id, feed in
                    .init(key: id, value: .object(JSONObject([
                        .init(key: "last_message_age_s", value: feed.lastMessage.map { .number((now.timeIntervalSince($0) * 1000).rounded() / 1000) } ?? .null),
                        .init(key: "ignored_poses", value: .number(Double(feed.ignoredPoses))),
                    ])))
                })))
                o.append("mqtt", .object(m))
            }
            return json(.object(o))
        }
        router.get("/state") { request, _ -> Response in
            json(try state(of: live, request).document(showingData: true, noDataAfter: live.plant.sync.noDataAfter))
        }
        router.get("/state/:id") { request, context -> Response in
            let id = try context.parameters.require("id")
            let state = try state(of: live, request)
            guard let record = state.entity(id), !record.removed else {
                return problem(.notFound, request.uri.queryParameters.get("at") == nil ? "no entity '\(id)'" : "no entity '\(id)' at that moment")
            }
            guard case .object(let top) = state.document(showingData: true, noDataAfter: live.plant.sync.noDataAfter), case .object(let entities)? = top["entities"] else { return problem(.internalServerError, "no state") }
            var o = JSONObject([.init(key: "id", value: .string(id)), .init(key: "category", value: .string(record.category.rawValue))])
            if let kind = record.kind { o.append("kind", .string(kind)) }
            if case .object(let fields)? = entities[id] { o.members += fields.members }
            return json(.object(o))
        }
    }

    /// `POST /updates`, `PATCH /entities/:id`.
    static func addUpdateRoutes(to router: Router<BasicRequestContext>, live: LiveTwin, options: Options) {
        router.post("/updates") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: options.maximumBodyBytes)
            var applied = 0
            var rejected: [JSONValue] = []
            let bytes = Array(body.readableBytesView)
            var lineNumber = 0
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                lineNumber += 1
                let trimmed = line.last == 0x0D ? line.dropLast() : line
                if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let outcome: StateError? = Array(trimmed).withUnsafeBufferPointer { buffer in
                    do throws(StateError) { return live.apply(try UpdateParser.parse(line: buffer)) } catch { return error }
                }
                if let error = outcome {
                    rejected.append(.object(JSONObject([.init(key: "line", value: .number(Double(lineNumber))), .init(key: "field", value: .string(error.field)),
                                                        .init(key: "message", value: .string(error.message))])))
                } else {
                    applied += 1
                }
            }
            let result = JSONObject([.init(key: "applied", value: .number(Double(applied))), .init(key: "rejected", value: .array(rejected))])
            if rejected.isEmpty { return json(.object(result)) }
            return problem(.unprocessableContent, "\(rejected.count) of \(applied + rejected.count) updates were rejected; the others are applied", extra: result)
        }
        router.patch("/entities/:id") { request, context -> Response in
            let id = try context.parameters.require("id")
            var request = request
            let body = try await request.collectBody(upTo: options.maximumBodyBytes)
            let value: JSONValue
            // Parsed from the bytes as sent: text that is not UTF-8 is refused, as POST /updates
            // refuses it, never stored with replacement characters.
            let parsed: Result<JSONValue, JSONError> = Array(body.readableBytesView).withUnsafeBufferPointer { bytes in
                do throws(JSONError) { return .success(try JSONParser.parse(bytes)) } catch { return .failure(error) }
            }
            switch parsed {
            case .success(let v): value = v
            case .failure(let error): return problem(.badRequest, "the body is not valid JSON: \(error)")
            }
            var changes: [Change] = []
            do throws(StateError) { try UpdateParser.changes(value, field: "set", into: &changes) } catch { return problem(.unprocessableContent, error.description) }
            guard !changes.isEmpty else { return problem(.unprocessableContent, "nothing to set") }
            if let error = live.apply(Update(time: Timestamp(Date()), action: .set(entity: id, changes: changes))) {
                return problem(error.field == "entity" ? .notFound : .unprocessableContent, error.description)
            }
            return json(.object(JSONObject([.init(key: "id", value: .string(id)), .init(key: "sequence", value: .number(Double(live.current.sequence)))])))
        }
    }

    /// `/render.png` and `/check`, run on the work pool (a 503 with Retry-After when it is full).
    static func addPictureRoutes(to router: Router<BasicRequestContext>, live: LiveTwin, options: Options, work: WorkPool) {
        router.get("/render.png") { request, _ -> Response in
            let camera = request.uri.queryParameters.get("camera") ?? "plan"
            var width = 1280, height = 720
            if let size = request.uri.queryParameters.get("size") {
                switch ImageSize.parse(size, minimumSide: 16, maximumPixels: options.maximumImagePixels) {
                case .success(let s): width = s.width; height = s.height
                case .failure(let p): return problem(.badRequest, "size: \(p.description)")
                }
            }
            let samples = Int(request.uri.queryParameters.get("aa") ?? "4") ?? 0
            guard [1, 4, 8].contains(samples) else { return problem(.badRequest, "aa must be 1, 4 or 8") }
            let twin = live.twin
            let request = SnapshotRequest(camera: .named(camera), width: width, height: height, samples: samples)
            let rendered: Result<[UInt8], any Error>
            do {
                rendered = try await work.run { () -> Result<[UInt8], any Error> in
                    Result {
                        let snapshot = try twin.render(request)
                        return try PNGEncoder.encode(snapshot.image, text: snapshot.textChunks(version: "http"))
                    }
                }
            } catch {
                return busy()
            }
            switch rendered {
            case .success(let png):
                return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
            case .failure(let error):
                return problem(.badRequest, "\(error)")
            }
        }
        router.get("/check") { _, _ -> Response in
            let checked: Result<JSONValue, TwinError>
            do {
                checked = try await work.run { () -> Result<JSONValue, TwinError> in
                    do throws(TwinError) {
                        let (layout, results) = try live.checkRoutes()
                        return .success(RouteResult.json(results, plant: layout, defaultMargin: layout.defaultMargin))
                    } catch {
                        return .failure(error)
                    }
                }
            } catch {
                return busy()
            }
            switch checked {
            case .success(let document): return json(document)
            case .failure(let error): return problem(.unprocessableContent, "\(error)")
            }
        }
    }

    /// `/events` (server-sent events of applied updates) and `/openapi.json`.
    static func addStreamRoutes(to router: Router<BasicRequestContext>, live: LiveTwin) {
        router.get("/events") { request, _ -> Response in
            let feed = live.eventFeed()
            let body = ResponseBody { writer in
                // The stream ends when the client goes away (its subscription with it, rather
                // than at the next event) and when the server shuts down gracefully (SIGTERM,
                // SIGINT), which waits for open responses. Each wake-up sends everything new in
                // one write; a client that fell too far behind gets a 'dropped' event and goes on
                // from the oldest update still kept, so that a slow client never holds up ingest.
                try await request.body.consumeWithCancellationOnInboundClose { _ in
                    for await _ in feed.wakeUps.cancelOnGracefulShutdown() {
                        while true {
                            let (lines, skipped) = feed.next()
                            if lines.isEmpty && skipped == 0 { break }
                            var text = ""
                            if skipped > 0 { text += "event: dropped\ndata: {\"dropped\":\(skipped),\"next_seq\":\(feed.cursor - Int64(lines.count) + 1)}\n\n" }
                            for line in lines { text += "data: "; text += line; text += "\n\n" }
                            try await writer.write(ByteBuffer(string: text))
                            if lines.count < 4096 { break }
                        }
                    }
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
        router.get("/openapi.json") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }

    /// The state now, or at the moment the query's `at` names.
    static func state(of live: LiveTwin, _ request: Request) throws(HTTPError) -> PlantState {
        guard let at = request.uri.queryParameters.get("at") else { return live.current }
        guard let time = Timestamp(iso8601: at) else {
            throw HTTPError(.badRequest, message: "the query parameter at is not an ISO 8601 time: '\(at)'")
        }
        do { return try live.state(at: time) } catch { throw HTTPError(.badRequest, message: "\(error)") }
    }

    /// 503 with Retry-After: every worker for renders and checks is taken and the queue is full.
    static func busy() -> Response {
        var response = problem(.serviceUnavailable, "the server is busy with other renders and checks; try again in a few seconds")
        response.headers[.retryAfter] = "2"
        return response
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: JSONWriter.string(value))))
    }

    /// An RFC 9457 problem details response.
    static func problem(_ status: HTTPResponse.Status, _ detail: String, extra: JSONObject = JSONObject()) -> Response {
        var o = JSONObject([.init(key: "type", value: .string("about:blank")), .init(key: "title", value: .string(status.reasonPhrase)),
                            .init(key: "status", value: .number(Double(status.code))), .init(key: "detail", value: .string(detail))])
        o.members += extra.members
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSONWriter.string(.object(o)))))
    }
}

/// Bearer tokens for everything but /health; errors of the whole router as problem details.
struct ProblemAndAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenConfig

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if request.uri.path != "/health" {
                guard let scopes = tokens.scopes(authorization: request.headers[.authorization]) else {
                    return HTTPAPI.problem(.unauthorized, "a bearer token is needed (Authorization: Bearer TOKEN)")
                }
                let writes = request.method == .post || request.method == .patch || request.method == .put || request.method == .delete
                if writes && !scopes.contains(.write) { return HTTPAPI.problem(.forbidden, "this token may read, not write") }
                if !writes && !scopes.contains(.read) { return HTTPAPI.problem(.forbidden, "this token may not read") }
            }
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .notFound && error.body == nil {
                let allowed = HTTPAPI.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    let names = allowed.map(\.rawValue).joined(separator: ", ")
                    var response = HTTPAPI.problem(.methodNotAllowed, "\(request.uri.path) takes \(names), not \(request.method)")
                    response.headers[.allow] = names
                    return response
                }
                return HTTPAPI.problem(.notFound, "no such endpoint: \(request.method) \(request.uri.path) (see /openapi.json)")
            }
            return HTTPAPI.problem(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            // NIO's "too many bytes" and the like: their status, as problem details.
            let detail = error.status == .contentTooLarge ? "the request body is larger than the server accepts (--max-body)" : error.status.reasonPhrase
            return HTTPAPI.problem(error.status, detail)
        }
    }
}
