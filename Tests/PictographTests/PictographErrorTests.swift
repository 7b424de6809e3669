import ExportGateway
import ExportGatewayPictograph
import ExportGatewayTesting
import Foundation
import Testing

// MARK: - Errors

extension PictographProviderTests {
    @Suite("errors")
    struct Errors {
        @Test func wrongKeyIsAuthenticationWithRequestIDAndNoKey() async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway(key: "pk_live_wrong_key_123").exports().collect(upTo: 100_000)
            }
            #expect(error.kind == .authentication && error.httpStatus == 401 && error.provider == .pictograph)
            #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
            #expect(!"\(error)".contains("pk_live_wrong_key_123"))
        }

        @Test func viewerMayReadButNotCreate() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("viewer")
            let viewer = pictograph.gateway(key: pictograph.simulator.restrictedAPIKey)
            let error = try await #require(throws: GatewayError.self) {
                try await viewer.createExport(ExportRequest(source: .dataset(dataset)))
            }
            #expect(error.kind == .permissionDenied && error.httpStatus == 403)
            #expect(error.requestID == pictograph.lastRequestID)
            #expect(try await viewer.exports().collect(upTo: 100_000).isEmpty)
            let member = pictograph.gateway(key: pictograph.simulator.memberAPIKey)
            let created = try await member.createExport(ExportRequest(source: .dataset(dataset)))
            #expect(try await viewer.export(created.id).id == created.id)
        }

        @Test func unknownDatasetIsNotFound() async throws {
            let pictograph = Pictograph()
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(ExportRequest(source: .dataset("no such dataset")))
            }
            #expect(error.kind == .notFound && error.httpStatus == 404)
            #expect(error.message.contains("no such dataset"))
            #expect(error.requestID == pictograph.lastRequestID)
        }

        @Test func duplicateNameIsInvalidRequestWithPictographsMessage() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.dataset("dupes")
            let gateway = pictograph.gateway()
            _ = try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "nightly"))
            let error = try await #require(throws: GatewayError.self) {
                try await gateway.createExport(ExportRequest(source: .dataset(dataset), name: "nightly"))
            }
            #expect(error.httpStatus == 409)
            #expect(fieldErrors(of: error) != nil)
            #expect(error.message.contains("nightly"), "the vendor's message: \(error.message)")
            #expect(error.requestID == pictograph.lastRequestID)
            #expect(pictograph.requests(.post, "/").count == 2, "a 409 is not retried")
        }

        @Test func coldStorageDatasetRefusesExports() async throws {
            let pictograph = Pictograph()
            let dataset = pictograph.simulator.seedDataset(named: "frozen", itemCount: 3, coldStorage: true)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(
                    ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            }
            #expect(error.httpStatus == 409)
            #expect(fieldErrors(of: error) != nil)
        }

        @Test(
            "Pictograph's 422 names the request's own fields",
            arguments: [
                (ExportRequest(source: .dataset("v"), name: String(repeating: "n", count: 101)), "name"),
                (ExportRequest(source: .dataset("v"), format: ExportFormat(rawValue: "COCO JSON")), "format"),
            ])
        func validationNamesFields(request: ExportRequest, field: String) async throws {
            let pictograph = Pictograph()
            pictograph.simulator.seedDataset(named: "v", itemCount: 1)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway().createExport(request)
            }
            #expect(error.httpStatus == 422)
            let fields = try #require(fieldErrors(of: error))
            #expect(fields.keys.sorted() == [field])
            #expect(fields[field]?.isEmpty == false)
            #expect(error.requestID == pictograph.lastRequestID)
        }

        @Test func rateLimitCarriesRetryAfterAndRequestID() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectFault(.rateLimited(retryAfterSeconds: 9), method: .get, count: 10)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway(retryPolicy: .never).exports().collect(upTo: 100_000)
            }
            #expect(error.kind == .rateLimited && error.retryAfter == .seconds(9) && error.httpStatus == 429)
            #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
            #expect(error.message.contains("Rate limit"))
        }

        @Test func rateLimitedReadIsRetriedAfterRetryAfter() async throws {
            let pictograph = Pictograph()
            let gateway = pictograph.gateway()
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(pictograph.dataset("throttled"))))
            pictograph.simulator.injectFault(.rateLimited(retryAfterSeconds: 7), method: .get, count: 1)
            #expect(try await gateway.export(created.id).id == created.id)
            #expect(pictograph.clock.sleeps == [.seconds(7)])
        }

        @Test func serverErrorIsServerWithRequestID() async throws {
            let pictograph = Pictograph()
            pictograph.simulator.injectFault(.serverError, method: .get, count: 10)
            let error = try await #require(throws: GatewayError.self) {
                try await pictograph.gateway(retryPolicy: .never).export(ExportID(rawValue: unknownID))
            }
            #expect(error.kind == .server && error.httpStatus == 500)
            #expect(error.requestID != nil && error.requestID == pictograph.lastRequestID)
        }

        /// Bodies the simulator does not send, read through `error(from:)` directly.
        @Test(
            "Message precedence follows the SDK",
            arguments: [
                (#"{"error": {"code": "not_found", "message": "A"}, "detail": "B", "message": "C"}"#, "A"),
                (#"{"error": {"code": "x"}, "detail": "B", "message": "C"}"#, "B"),
                (#"{"error": "E", "message": "C"}"#, "E"),
                (#"{"message": "C", "detail": {"message": "D"}}"#, "C"),
                (#"{"detail": {"message": "D", "detail": "DD"}}"#, "D"),
                (#"{"detail": {"detail": "DD"}}"#, "DD"),
                (#"{"error": {"message": ""}, "detail": "fallback"}"#, "fallback"),
                (#"{"unrelated": true}"#, "HTTP 404"),
                ("<html><body>Not Found</body></html>", "HTTP 404"),
                ("", "HTTP 404"),
            ])
        func messagePrecedence(body: String, message: String) throws {
            let error = try #require(PictographProvider().error(from: HTTPResponse(status: 404, body: Data(body.utf8))))
            #expect(error.kind == .notFound && error.httpStatus == 404)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(!error.message.contains("<html>"))
        }

        @Test func fieldErrorsComeFromDetailsOrTheDetailList() throws {
            let envelope = #"""
                {"error": {"code": "validation_error", "message": "Request validation failed", "details": {"errors": [
                  {"loc": ["body", "name"], "msg": "Field required", "type": "missing"},
                  {"loc": ["body", "class_filter", 0], "msg": "Input should be a valid string", "type": "string_type"},
                  {"loc": ["query", "limit"], "msg": "Input should be less than or equal to 1000", "type": "less_than_equal"},
                  {"loc": ["path", "export_id"], "msg": "bad id", "type": "uuid"},
                  {"loc": ["body"], "msg": "Invalid JSON", "type": "json_invalid"},
                  {"loc": ["body", "name"], "msg": "String too long", "type": "too_long"},
                  "not an object"]}},
                 "detail": [{"loc": ["body", "ignored"], "msg": "the details list wins"}]}
                """#
            let error = try #require(
                PictographProvider().error(
                    from: HTTPResponse(
                        status: 422, headers: ["X-Request-Id": "req_abc"], body: Data(envelope.utf8))))
            #expect(
                error.kind == .invalidRequest
                    && error.fieldErrors == [
                        "name": ["Field required", "String too long"],
                        "class_filter.0": ["Input should be a valid string"],
                        "limit": ["Input should be less than or equal to 1000"], "export_id": ["bad id"],
                        "body": ["Invalid JSON"],
                    ])
            #expect(error.requestID == "req_abc")
            #expect(error.message.hasPrefix("Request validation failed"))

            let legacy = #"{"detail": [{"loc": ["body", "format"], "msg": "Input should be 'coco' or 'yolo'"}]}"#
            let legacyError = try #require(
                PictographProvider().error(from: HTTPResponse(status: 400, body: Data(legacy.utf8))))
            #expect(
                legacyError.kind == .invalidRequest
                    && legacyError.fieldErrors == ["format": ["Input should be 'coco' or 'yolo'"]])
            #expect(legacyError.requestID == nil)
        }

        @Test(
            "Statuses map to kinds",
            arguments: [
                (401, GatewayError.Kind.authentication), (403, .permissionDenied), (404, .notFound),
                (409, .invalidRequest), (422, .invalidRequest),
                (429, .rateLimited), (500, .server), (503, .server),
            ])
        func statusKinds(status: Int, kind: GatewayError.Kind) throws {
            let body =
                #"{"error": {"code": "c", "message": "Vendor says no", "details": {}}, "detail": "Vendor says no"}"#
            let error = try #require(
                PictographProvider().error(
                    from: HTTPResponse(
                        status: status, headers: ["X-Request-Id": "req_\(status)", "Retry-After": "3"],
                        body: Data(body.utf8))))
            #expect(error.kind == kind)
            #expect(error.retryAfter == (kind == .rateLimited ? .seconds(3) : nil))
            #expect(error.requestID == "req_\(status)")
            #expect(error.message.hasPrefix("Vendor says no"))
        }

        @Test func successIsNoError() {
            #expect(PictographProvider().error(from: HTTPResponse(status: 200, body: Data("{}".utf8))) == nil)
            #expect(PictographProvider().error(from: HTTPResponse(status: 201, body: Data())) == nil)
            #expect(PictographProvider().error(from: HTTPResponse(status: 204)) == nil)
        }
    }
}
