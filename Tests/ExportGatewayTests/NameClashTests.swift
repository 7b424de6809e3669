import ClashingHTTPTypes
import ExportGateway
import Foundation
import Testing

// This file imports a module whose HTTP types share the library's names, as a file that
// also imports AsyncHTTPClient or NIO does. The library's own must stay reachable through
// the module name, which works only because no type in it is named like the module.
@Suite struct NameClashTests {
    @Test func libraryTypesResolveThroughTheModuleNameBesideTypesOfTheSameName() throws {
        var headers = ExportGateway.HTTPHeaders()
        headers["Accept"] = "application/json"
        let request = ExportGateway.HTTPRequest(
            method: ExportGateway.HTTPMethod.get, url: URL(string: "https://example.com/a")!, headers: headers)
        let response = ExportGateway.HTTPResponse(status: 200, headers: headers, body: Data("{}".utf8))
        let others = (ClashingHTTPTypes.HTTPHeaders(), ClashingHTTPTypes.HTTPRequest(), ClashingHTTPTypes.Gateway())
        let gatewayType: ExportGateway.Gateway.Type = ExportGateway.Gateway.self

        #expect(request.headers["accept"] == "application/json")
        #expect(response.status == 200)
        #expect(type(of: others.0) != ExportGateway.HTTPHeaders.self)
        #expect("\(gatewayType)" == "Gateway")
    }
}
