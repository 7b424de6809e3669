import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayLabelStudio

/// Label Studio's envelope, its validation errors, and the HTML pages it answers 404 with.
@Suite struct LabelStudioErrorTests {
    private func answer(_ status: Int, _ body: String, type: String? = "application/json") -> HTTPResponse {
        var headers = HTTPHeaders()
        if let type { headers["Content-Type"] = type }
        return HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func aSuccessIsNoError() {
        #expect(LabelStudioErrors.gatewayError(for: answer(201, "{}")) == nil)
    }

    @Test func theEnvelopesDetailAndIdAreTheMessageAndRequestID() throws {
        let error = try #require(
            LabelStudioErrors.gatewayError(
                for: answer(
                    401,
                    #"{"id": "b60628a2-43d3-44b1-8789-d437f9e3eaac", "status_code": 401, "version": "1.23.2", "detail": "Authentication credentials were not provided.", "exc_info": null}"#
                )))
        #expect(error.kind == .authentication)
        #expect(error.message.hasPrefix("Authentication credentials were not provided."))
        #expect(error.requestID == "b60628a2-43d3-44b1-8789-d437f9e3eaac")
    }

    @Test func validationErrorsAreFieldErrorsWithTheTitleAsTheName() throws {
        let error = try #require(
            LabelStudioErrors.gatewayError(
                for: answer(
                    400,
                    #"{"id": "x", "status_code": 400, "detail": "Validation error", "exc_info": null, "validation_errors": {"title": ["This field may not be blank."], "task_filter_options": {"annotated": ["\"yes\" is not a valid choice."]}, "serialization_options": {"drafts": {"non_field_errors": ["Invalid data."]}}}}"#
                )))
        #expect(error.kind == .invalidRequest)
        #expect(
            error.fieldErrors == [
                "name": ["This field may not be blank."],
                "task_filter_options.annotated": ["\"yes\" is not a valid choice."],
                "serialization_options.drafts.non_field_errors": ["Invalid data."],
            ])
        #expect(error.message.hasPrefix("Label Studio rejected the request: name: This field may not be blank."))
    }

    @Test func anHTMLPageIsNeverReadOrQuoted() throws {
        let page =
            "<!DOCTYPE html><html><head><title>404 | Label Studio</title></head><body>"
            + String(repeating: "<div>{\"detail\": \"decoy\"}</div>", count: 5000) + "</body></html>"
        let error = try #require(
            LabelStudioErrors.gatewayError(for: answer(404, page, type: "text/html; charset=utf-8")))
        #expect(error.kind == .notFound && error.httpStatus == 404)
        #expect(!error.message.contains("<") && !error.message.contains("decoy") && error.message.count < 300)
        let bare = try #require(LabelStudioErrors.gatewayError(for: answer(502, "<html>bad gateway</html>", type: nil)))
        #expect(bare.kind == .server && bare.message.hasPrefix("HTTP 502."))
    }

    @Test func aBareDetailAndAnEmptyOneAreRead() throws {
        let bare = try #require(
            LabelStudioErrors.gatewayError(for: answer(404, #"{"detail": "Neither project nor view id specified"}"#)))
        #expect(
            bare.kind == .notFound && bare.message.hasPrefix("Neither project nor view id specified.")
                && bare.requestID == nil)
        let empty = try #require(
            LabelStudioErrors.gatewayError(
                for: answer(500, #"{"id": "y", "status_code": 500, "detail": ""}"#, type: nil)))
        #expect(empty.kind == .server && empty.message.hasPrefix("HTTP 500."))
    }

    @Test func invalidPageIsThePastTheEndMarker() throws {
        let past = try #require(
            LabelStudioErrors.gatewayError(
                for: answer(404, #"{"id": "z", "status_code": 404, "detail": "Invalid page."}"#)))
        #expect(LabelStudioErrors.isPastLastPage(past))
        let project = try #require(
            LabelStudioErrors.gatewayError(
                for: answer(404, #"{"id": "z", "status_code": 404, "detail": "No Project matches the given query."}"#)))
        #expect(!LabelStudioErrors.isPastLastPage(project))
    }
}
