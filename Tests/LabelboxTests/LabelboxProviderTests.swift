import ExportGateway
import ExportGatewayLabelbox
import ExportGatewayTesting
import Foundation
import Testing

@Suite("LabelboxProvider")
struct LabelboxProviderTests {
    // MARK: Status words

    @Suite("task status")
    struct Status {
        @Test(
            "Every task word, and unknown ones, read through the gateway with the raw word kept",
            arguments: [
                ("IN_PROGRESS", ExportStatus.running), ("CANCELLING", .running), ("COMPLETE", .completed),
                ("FAILED", .failed), ("CANCELED", .canceled), ("PAUSED", .unknown("PAUSED")),
                ("complete", .unknown("complete")),
            ])
        func wordsMapAndRawWordIsKept(word: String, expected: ExportStatus) async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "status", itemCount: 2)
            labelbox.simulator.scriptNextExport(.hangs(rawStatus: word))
            let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            let read = try await gateway.export(created.id)
            #expect(read.status == expected)
            #expect(read.rawStatus == word)
            #expect(read.provider == .labelbox)
        }

        @Test func createdExportRunsThenCompletesOverPolls() async throws {
            let labelbox = LabelboxFixture(pollsToComplete: 3)
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "polls", itemCount: 3)
            let created = try await gateway.createExport(
                ExportRequest(source: .dataset(DatasetRef(rawValue: dataset)), name: "nightly"))
            #expect(created.status == .running)
            #expect(created.name == "nightly")
            #expect(created.format == .ndjson)
            #expect(created.source == .dataset(DatasetRef(rawValue: dataset)))
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            #expect(ready.status == .completed && ready.rawStatus == "COMPLETE")
            #expect(ready.createdAt != nil)
        }

        @Test func failedTaskEndsTheWaitWithTheVendorReason() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "fails", itemCount: 2)
            labelbox.simulator.scriptNextExport(.fails(afterPolls: 2, reason: "quota exceeded"))
            let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            do {
                _ = try await gateway.wait(for: created, timeout: .seconds(60))
                Issue.record("the wait returned for a failed export")
            } catch let error as GatewayError {
                #expect(error.kind == .exportFailed && error.failureReason == "quota exceeded")
            }
        }

        @Test func waitOnAHangingTaskThrowsTimeoutWithTheLastStatus() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "hangs", itemCount: 2)
            labelbox.simulator.scriptNextExport(.hangs(rawStatus: nil))
            let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            do {
                _ = try await gateway.wait(for: created, timeout: .seconds(30))
                Issue.record("the wait returned silently, as the SDK's does")
            } catch let error as GatewayError {
                #expect(error.kind == .timeout && error.lastStatus == .running)
            }
        }
    }

    // MARK: Errors

    @Suite("errors")
    struct Errors {
        @Test func wrongKeyIsAuthenticationAndNeverEchoed() async throws {
            let labelbox = LabelboxFixture()
            let key = "lb-wrong-key-0123456789"
            do {
                _ = try await labelbox.gateway(key: key).exports().collect(upTo: 100_000)
                Issue.record("a wrong key listed exports")
            } catch let error as GatewayError {
                #expect(error.kind == .authentication)
                #expect(!"\(error)".contains(key))
            }
        }

        @Test func restrictedKeyIsPermissionDeniedOnCreate() async throws {
            let labelbox = LabelboxFixture()
            let dataset = labelbox.simulator.seedDataset(named: "restricted", itemCount: 2)
            do {
                _ = try await labelbox.gateway(key: labelbox.simulator.restrictedAPIKey)
                    .createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
                Issue.record("a restricted key created an export")
            } catch let error as GatewayError {
                #expect(error.kind == .permissionDenied)
            }
        }

        @Test func anotherUsersTaskIsNotFound() async throws {
            let labelbox = LabelboxFixture()
            let dataset = labelbox.simulator.seedDataset(named: "mine", itemCount: 2)
            let created = try await labelbox.gateway().createExport(
                ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            do {
                _ = try await labelbox.gateway(key: labelbox.simulator.otherUserAPIKey).export(created.id)
                Issue.record("another user's key read the task")
            } catch let error as GatewayError {
                #expect(error.kind == .notFound)
            }
        }

        @Test(
            "GraphQL error codes inside a 200 map onto kinds",
            arguments: [
                ("AUTHENTICATION_ERROR", GatewayError.Kind.authentication), ("AUTHORIZATION_ERROR", .permissionDenied),
                ("RESOURCE_NOT_FOUND", .notFound), ("GRAPHQL_VALIDATION_FAILED", .invalidRequest),
                ("GRAPHQL_PARSE_FAILED", .invalidRequest), ("RESOURCE_CONFLICT", .invalidRequest),
                ("OPERATION_NOT_ALLOWED", .invalidRequest), ("SOMETHING_NEW", .server),
            ])
        func graphQLCodesMap(code: String, expected: GatewayError.Kind) async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            _ = try await gateway.exports().collect(upTo: 100_000)  // the user id is known from here on
            // Enough answers for every retry: unclassified codes count as server errors, which reads retry.
            labelbox.simulator.injectGraphQLError(code: code, message: "simulated \(code)", count: 10)
            do {
                _ = try await gateway.export("some-task")
                Issue.record("an error answer read as an export")
            } catch let error as GatewayError {
                #expect(error.kind == expected)
                #expect(error.provider == .labelbox)
                #expect(error.httpStatus == 200)
            }
        }

        @Test func malformedRequestCarriesTheVendorMessages() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            _ = try await gateway.exports().collect(upTo: 100_000)
            let body: JSONValue = [
                "data": .null,
                "errors": [
                    [
                        "message": "bad input", "extensions": ["code": "MALFORMED_REQUEST"],
                        "errors": [["errorMessage": "taskName too long"]],
                    ]
                ],
            ]
            labelbox.simulator.injectAnswer(.json(200, body))
            do {
                _ = try await gateway.export("some-task")
                Issue.record("an error answer read as an export")
            } catch let error as GatewayError {
                #expect(error.kind == .invalidRequest && error.fieldErrors == ["input": ["taskName too long"]])
            }
        }

        @Test func internalErrorInside200IsRetriedOnReads() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "retry", itemCount: 2)
            let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            let before = labelbox.operations.count
            labelbox.simulator.injectGraphQLError(
                code: "INTERNAL_SERVER_ERROR", message: "upstream", exceptionStatus: 503, count: 2)
            let read = try await gateway.export(created.id)
            #expect(read.id == created.id)
            #expect(labelbox.operations.count - before == 3)
            #expect(labelbox.clock.sleeps.count == 2)
        }

        @Test func createIsNeverRetried() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "no-retry", itemCount: 2)
            labelbox.simulator.injectFault(.serverError, method: .post, count: 1)
            do {
                _ = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
                Issue.record("the create succeeded through a server error")
            } catch let error as GatewayError {
                #expect(error.kind == .server)
            }
            #expect(labelbox.operations == ["exportDataRowsInCatalogPyApi"])
            #expect(try await gateway.exports().collect(upTo: 100_000).isEmpty)
        }

        @Test func aCreateWhoseFollowUpReadFailsStillReturnsTheExportID() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "follow-up", itemCount: 4)
            // The mutation and the user lookup pass; every attempt at the task read fails.
            labelbox.simulator.injectFault(.serverError, method: .post, count: 4, after: 2)
            let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            #expect(created.status == .pending && !created.id.rawValue.isEmpty)
            let ready = try await gateway.wait(for: created, timeout: .seconds(60))
            #expect(ready.id == created.id && ready.status == .completed)
            #expect(try await gateway.exports().collect(upTo: 100_000).map(\.id) == [created.id])
        }

        @Test func aCreatedTaskNotYetVisibleStillReturnsTheExportID() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            let dataset = labelbox.simulator.seedDataset(named: "not-yet", itemCount: 4)
            labelbox.simulator.injectGraphQLError(
                code: "RESOURCE_NOT_FOUND", message: "Task not found", count: 1, after: 2)
            let created = try await gateway.createExport(ExportRequest(source: .dataset(DatasetRef(rawValue: dataset))))
            #expect(created.status == .pending)
            #expect(try await gateway.wait(for: created, timeout: .seconds(60)).status == .completed)
        }

        @Test func unclassifiedErrorsOutsideA200FollowTheHTTPStatus() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            _ = try await gateway.exports().collect(upTo: 100_000)
            labelbox.simulator.injectAnswer(.json(400, ["errors": [["message": "Variable $where is invalid"]]]))
            do {
                _ = try await gateway.export("some-task")
                Issue.record("an error answer read as an export")
            } catch let error as GatewayError {
                #expect(error.kind == .invalidRequest)
                #expect(error.message.contains("Variable $where is invalid"))
            }
        }

        @Test func rateLimitMessageIsRateLimitedAndReadsWaitItOut() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            _ = try await gateway.exports().collect(upTo: 100_000)
            labelbox.simulator.injectFault(.rateLimited(retryAfterSeconds: 5), count: 1)
            _ = try await gateway.exports().collect(upTo: 100_000)
            #expect(labelbox.clock.sleeps == [.seconds(5)])

            labelbox.simulator.injectFault(.rateLimited(retryAfterSeconds: 3600), count: 1)
            do {
                _ = try await gateway.exports().collect(upTo: 100_000)
                Issue.record("an hour-long rate limit was waited out")
            } catch let error as GatewayError {
                #expect(error.kind == .rateLimited && error.retryAfter == .seconds(3600))
            }
        }

        @Test func plainTextProxyAnswersUseHTTPSemantics() async throws {
            let labelbox = LabelboxFixture()
            let gateway = labelbox.gateway()
            labelbox.simulator.injectAnswer(.text(401, "Unauthorized"))
            do {
                _ = try await gateway.exports().collect(upTo: 100_000)
                Issue.record("a plain-text 401 listed exports")
            } catch let error as GatewayError {
                #expect(error.kind == .authentication)
            }
        }

        @Test func successIsNoError() {
            let body: JSONValue = [
                "data": ["user": ["createdTasks": [["id": "t", "errors": .null, "status": "COMPLETE"]]]]
            ]
            #expect(LabelboxProvider().error(from: .json(200, body)) == nil)
        }
    }
}
