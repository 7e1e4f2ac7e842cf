import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Per-request state: which key the request authenticated as.
struct EmulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var keyIndex = -1

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    var maxUploadSize: Int { 64 * 1024 * 1024 }
}

/// Answers every `/api/v1` request: injects faults, authenticates, and turns errors into the envelope.
struct APIMiddleware: RouterMiddleware {
    let world: World
    let config: EmulatorConfiguration

    func handle(_ request: Request, context: EmulatorContext, next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        do {
            if config.faults.slowFirstByte > 0 { try await config.clock.sleep(seconds: config.faults.slowFirstByte) }
            // A fault rate of 0 draws nothing, so the world (an actor) is not asked at all.
            let faults = config.faults
            let what = faults.rateLimitRate > 0 || faults.serverErrorRate > 0 ? "\(request.method.rawValue) \(request.uri.string)" : ""
            if faults.rateLimitRate > 0, await world.roll("429 " + what, rate: faults.rateLimitRate) {
                throw APIError(status: 429, code: "RATE_LIMITED", message: "Too many requests",
                               headers: [("Retry-After", String(faults.retryAfterSeconds))])
            }
            if faults.serverErrorRate > 0, await world.roll("503 " + what, rate: faults.serverErrorRate) {
                throw APIError(status: 503, code: "INTERNAL_ERROR", message: "Service temporarily unavailable")
            }
            var context = context
            if request.uri.path != "/api/v1/auth/token" {
                context.keyIndex = try world.authenticate(
                    authorization: request.headers[.authorization], apiKeyHeader: request.headers[HTTPField.Name("X-API-Key")!])
            }
            return try await next(request, context)
        } catch let error as APIError {
            return Responses.error(error)
        } catch let error as HTTPError where error.status == .notFound {
            return Responses.error(.notFound("No such endpoint: \(request.method.rawValue) \(request.uri.path)"))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Responses.error(APIError(status: 413, code: "VALIDATION_ERROR", message: "Request body too large"))
        } catch let error as HTTPError {
            return Responses.error(APIError(status: error.status.code, code: "VALIDATION_ERROR", message: error.body ?? "Bad request"))
        }
    }
}

enum Responses {
    static func json(_ body: JSON, status: Int = 200, headers: [(String, String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body.encodedBytes())))
    }

    static func error(_ error: APIError) -> Response {
        json(error.body, status: error.status, headers: error.headers)
    }
}

extension Emulator {
    static func makeRouter(world: World, config: EmulatorConfiguration) -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        // On the router itself, not a group, so unknown paths get the error envelope too.
        router.add(middleware: APIMiddleware(world: world, config: config))
        let api = router.group("api/v1")
        let handlers = Handlers(world: world, config: config)

        api.post("tasks") { request, context in try await handlers.create(request, context) }
        api.get("tasks") { request, context in try await handlers.list(request, context) }
        api.get("tasks/:id") { request, context in
            Responses.json(try await world.get(key: context.keyIndex, id: try context.parameters.require("id")))
        }
        api.delete("tasks/:id") { request, context in
            Responses.json(try await world.cancel(key: context.keyIndex, id: try context.parameters.require("id")))
        }
        api.get("tasks/:id/history") { request, context in
            Responses.json(try await world.history(key: context.keyIndex, id: try context.parameters.require("id")))
        }
        api.get("tasks/:id/stream") { request, context in try await handlers.stream(request, context) }
        api.post("tasks/:id/messages") { request, context in try await handlers.followUp(request, context) }
        api.post("tasks/:id/tools/:callId/approve") { request, context in try await handlers.approve(request, context) }
        api.get("tasks/:id/artifacts") { request, context in
            Responses.json(try await world.artifacts(key: context.keyIndex, id: try context.parameters.require("id")))
        }
        api.get("tasks/:id/artifacts/download") { request, context in try await handlers.download(request, context) }
        api.post("auth/token") { _, _ -> Response in throw APIError.jwtNotConfigured }
        return router
    }
}
