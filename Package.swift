// swift-tools-version:6.0
// ExportGateway ships with no package dependencies: Foundation, FoundationNetworking,
// Synchronization, Glibc and Swift Testing only (a product decision, see README.md); zlib is
// the system's, through the CZlib system-library target.
import PackageDescription

let package = Package(
    name: "ExportGateway",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ExportGateway", targets: ["ExportGateway"]),
        .library(name: "ExportGatewayAvala", targets: ["ExportGatewayAvala"]),
        .library(name: "ExportGatewayPictograph", targets: ["ExportGatewayPictograph"]),
        .library(name: "ExportGatewayLabelbox", targets: ["ExportGatewayLabelbox"]),
        .library(name: "ExportGatewayLabelStudio", targets: ["ExportGatewayLabelStudio"]),
        .library(name: "ExportGatewayProviders", targets: ["ExportGatewayProviders"]),
        .library(name: "ExportGatewayTesting", targets: ["ExportGatewayTesting"]),
        .executable(name: "export-gateway", targets: ["export-gateway"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ExportGateway", dependencies: ["CZlib"]),
        .target(
            name: "ExportGatewayAvala",
            dependencies: ["ExportGateway"],
            path: "Sources/Providers/Avala"),
        .target(
            name: "ExportGatewayPictograph",
            dependencies: ["ExportGateway"],
            path: "Sources/Providers/Pictograph"),
        .target(
            name: "ExportGatewayLabelbox",
            dependencies: ["ExportGateway"],
            path: "Sources/Providers/Labelbox"),
        .target(
            name: "ExportGatewayLabelStudio",
            dependencies: ["ExportGateway"],
            path: "Sources/Providers/LabelStudio"),
        .target(
            name: "ExportGatewayProviders",
            dependencies: [
                "ExportGateway", "ExportGatewayAvala", "ExportGatewayPictograph", "ExportGatewayLabelbox",
                "ExportGatewayLabelStudio",
            ]),
        .target(
            name: "ExportGatewayTesting",
            dependencies: [
                "ExportGateway", "ExportGatewayAvala", "ExportGatewayPictograph", "ExportGatewayLabelbox",
                "ExportGatewayLabelStudio",
            ]),
        .executableTarget(
            name: "export-gateway",
            dependencies: [
                "ExportGateway", "ExportGatewayProviders", "ExportGatewayTesting", "ExportGatewayLabelbox",
                "ExportGatewayLabelStudio",
            ]),
        .executableTarget(
            name: "export-gateway-benchmarks",
            dependencies: ["ExportGateway", "ExportGatewayAvala", "ExportGatewayLabelbox", "ExportGatewayTesting"]),
        .target(name: "ClashingHTTPTypes", path: "Tests/Support/ClashingHTTPTypes"),
        .target(name: "ThreadHandoff", path: "Tests/Support/ThreadHandoff"),
        .target(
            name: "DecoderRobustness", dependencies: ["ExportGateway", "ExportGatewayTesting"],
            path: "Tests/Support/DecoderRobustness"),
        .testTarget(
            name: "ExportGatewayTests",
            dependencies: [
                "ExportGateway", "ExportGatewayAvala", "ExportGatewayTesting", "ClashingHTTPTypes", "ThreadHandoff",
            ]),
        .testTarget(
            name: "AvalaTests",
            dependencies: ["ExportGateway", "ExportGatewayAvala", "ExportGatewayTesting", "DecoderRobustness"]),
        .testTarget(
            name: "PictographTests",
            dependencies: ["ExportGateway", "ExportGatewayPictograph", "ExportGatewayTesting", "DecoderRobustness"]),
        .testTarget(
            name: "LabelboxTests",
            dependencies: ["ExportGateway", "ExportGatewayLabelbox", "ExportGatewayTesting", "DecoderRobustness"]),
        .testTarget(
            name: "LabelStudioTests",
            dependencies: ["ExportGateway", "ExportGatewayLabelStudio", "ExportGatewayTesting", "DecoderRobustness"]),
        .testTarget(
            name: "ServerTests",
            dependencies: ["ExportGateway", "ExportGatewayProviders", "ExportGatewayTesting", "ThreadHandoff"]),
        .testTarget(
            name: "CLITests",
            dependencies: ["export-gateway", "ExportGateway", "ExportGatewayTesting"]),
        .testTarget(
            name: "FormatsTests",
            dependencies: ["ExportGateway", "ExportGatewayTesting"]),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["ExportGateway", "ExportGatewayProviders", "ExportGatewayTesting"]),
    ]
)
