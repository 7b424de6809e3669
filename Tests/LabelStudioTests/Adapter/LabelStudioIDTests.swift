import ExportGateway
import Foundation
import Testing

@testable import ExportGatewayLabelStudio

/// Export ids carry the project, the snapshot and the format; project references are ids.
@Suite struct LabelStudioIDTests {
    @Test func bothFormsRoundTrip() throws {
        let stored = try #require(LabelStudioExportID("12/5"))
        #expect(stored.project == 12 && stored.export == 5 && stored.format == nil && stored.exportID == "12/5")
        let converted = try #require(LabelStudioExportID("12/5/YOLO_OBB"))
        #expect(converted.format == "YOLO_OBB" && converted.exportID == "12/5/YOLO_OBB")
    }

    @Test(arguments: [
        "", "5", "12/", "/5", "12//5", "0/5", "12/0", "-1/5", "+1/5", "12/5/", "12/5/a b", "12/5/Y/Z", "1 2/5",
        "١٢/5", "99999999999999999999/5", "a/b", "00000000-0000-4000-8000-00000000dead", "..", ".",
    ])
    func otherIdsAreNotLabelStudioIds(id: String) {
        #expect(LabelStudioExportID(ExportID(rawValue: id)) == nil)
    }

    @Test func aProjectIsAPositiveNumber() throws {
        #expect(try LabelStudioProject.id("12", field: "source") == 12)
        for text in ["", "0", "twelve", "12/5", " 12", "1e3"] {
            let error = try #require(throws: GatewayError.self) { try LabelStudioProject.id(text, field: "dataset") }
            #expect(error.kind == .invalidRequest && error.fieldErrors["dataset"] != nil)
        }
    }
}
