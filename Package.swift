// swift-tools-version:6.0
// FactoryTwin: a digital twin of a factory floor. Module layout and habits: see README.md.
import PackageDescription

let package = Package(
    name: "FactoryTwin",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "twin", targets: ["twin"]),
        .library(name: "FactoryTwin", targets: ["FactoryTwin"]),
        .library(name: "TwinGeometry", targets: ["TwinGeometry"]),
        .library(name: "TwinJSON", targets: ["TwinJSON"]),
        .library(name: "TwinLIF", targets: ["TwinLIF"]),
        .library(name: "TwinLayout", targets: ["TwinLayout"]),
        .library(name: "TwinRender", targets: ["TwinRender"]),
        .library(name: "TwinCollision", targets: ["TwinCollision"]),
        .library(name: "TwinState", targets: ["TwinState"]),
        .library(name: "TwinOperations", targets: ["TwinOperations"]),
        .library(name: "TwinValidation", targets: ["TwinValidation"]),
        .library(name: "TwinSync", targets: ["TwinSync"]),
        .library(name: "TwinPlanning", targets: ["TwinPlanning"]),
        .library(name: "TwinAnalytics", targets: ["TwinAnalytics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Hummingbird runs on it already; named here for ending event streams on graceful shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, found through pkg-config.
        .systemLibrary(
            name: "CAssimp", pkgConfig: "assimp",
            providers: [.apt(["libassimp-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CMosquitto", pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]),

        // C functions Swift cannot call itself (prctl, mallopt): plain wrappers.
        .target(name: "CTwinSystem"),

        // Vectors, transforms, boxes, meshes, NURBS: no dependencies.
        .target(name: "TwinGeometry"),
        // The strict JSON parser and writer, typed field reads, file positions: no dependencies.
        .target(name: "TwinJSON"),
        // VDMA LIF 1.0 layouts: read with every schema rule checked (one line per problem with its
        // JSON path), written back: geometry and JSON only.
        .target(name: "TwinLIF", dependencies: ["TwinGeometry", "TwinJSON"]),
        // Assimp import (isolated in a worker process), the plant manifest, entities, AGV network.
        .target(
            name: "TwinLayout",
            dependencies: ["TwinGeometry", "TwinJSON", "TwinLIF", "CAssimp", "CTwinSystem", .product(name: "Yams", package: "Yams")]),
        // Cameras, the tiled rasterizer, shading, overlays, text, PNG: draws a render-ready scene.
        .target(name: "TwinRender", dependencies: ["TwinGeometry", "CPNG"]),
        // AGV bodies, paths, exact swept checks, clearances, fleet conflicts: geometry and paths only.
        .target(name: "TwinCollision", dependencies: ["TwinGeometry", "TwinJSON"]),
        // Entity states, updates (JSON Lines), layout edits, the history in SQLite.
        .target(
            name: "TwinState",
            dependencies: [
                "TwinGeometry", "TwinJSON", "TwinLayout", .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // The deterministic generator of the demo plants in Assets/.
        .target(name: "TwinDemo", dependencies: ["TwinGeometry", "TwinLayout"]),
        // Plant operations: the `Twin` of one plant (layout + state + history), plant scenes and
        // snapshots, the collision world of a layout, layout edits applied, scenario files and
        // their player, and the JSON of every result (route and fleet checks, info). What
        // validation, sync and the CLI build on.
        .target(name: "TwinOperations", dependencies: ["TwinGeometry", "TwinJSON", "TwinLayout", "TwinRender", "TwinCollision", "TwinState", .product(name: "Yams", package: "Yams")]),
        // Layout changes: the diff of two layouts, the rules they must keep, reports and images.
        .target(name: "TwinValidation", dependencies: ["TwinOperations", "TwinJSON", "TwinCollision", "TwinLayout", "TwinGeometry", "TwinRender", "TwinState", .product(name: "Yams", package: "Yams")]),
        // Intralogistics: transport orders, dispatch, conflict-free fleet plans on the bodies'
        // geometry (safe-interval planning), verified by the exact fleet check; their reports.
        .target(name: "TwinPlanning", dependencies: ["TwinOperations", "TwinCollision", "TwinLayout", "TwinGeometry", "TwinJSON", "TwinRender"]),
        // Production analytics from the history: status timelines, machine performance (OEE after
        // ISO 22400-2, against the shift calendar), bottlenecks by the active-period method.
        .target(name: "TwinAnalytics", dependencies: ["TwinState", "TwinLayout", "TwinJSON"]),
        // Live sync: MQTT in (VDA 5050 and machine topics, libmosquitto), HTTP out (Hummingbird).
        .target(
            name: "TwinSync",
            dependencies: ["TwinOperations", "TwinJSON", "TwinState", "TwinLayout", "TwinRender", "TwinCollision", "TwinGeometry", "TwinAnalytics", "CMosquitto",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        // Helpers for tests and benchmarks (a mosquitto broker on a free port, the repository's
        // paths, the demo plant loaded once): in no library product, so that they are not API.
        .target(name: "TwinTestSupport", dependencies: ["TwinRender", "TwinLayout", "TwinState"]),
        // The facade scripts import: re-exports the modules above, holds no code; nothing here depends on it.
        .target(
            name: "FactoryTwin",
            dependencies: ["TwinJSON", "TwinGeometry", "TwinLIF", "TwinLayout", "TwinRender", "TwinCollision", "TwinState", "TwinOperations", "TwinValidation", "TwinPlanning", "TwinAnalytics"]),
        // The command-line tool: argument parsing and printing only.
        .executableTarget(
            name: "twin",
            dependencies: [
                "TwinOperations", "TwinJSON", "TwinLIF", "TwinLayout", "TwinGeometry", "TwinRender", "TwinCollision", "TwinState", "TwinValidation", "TwinSync", "TwinPlanning", "TwinAnalytics", "TwinDemo", "TwinTestSupport", "CTwinSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),

        .testTarget(name: "TwinGeometryTests", dependencies: ["TwinGeometry"]),
        .testTarget(name: "TwinJSONTests", dependencies: ["TwinJSON"]),
        .testTarget(name: "TwinLayoutTests", dependencies: ["TwinTestSupport", "TwinLayout", "TwinLIF", "TwinGeometry", "TwinJSON"]),
        .testTarget(name: "TwinRenderTests", dependencies: ["TwinTestSupport", "TwinRender", "TwinGeometry"], exclude: ["Golden"]),
        .testTarget(name: "TwinCollisionTests", dependencies: ["TwinTestSupport", "TwinCollision", "TwinGeometry"]),
        .testTarget(name: "TwinStateTests", dependencies: ["TwinTestSupport", "TwinState", "TwinJSON", "TwinLayout", "TwinGeometry"]),
        .testTarget(name: "TwinOperationsTests", dependencies: ["TwinOperations", "TwinState", "TwinLayout", "TwinCollision", "TwinTestSupport"]),
        .testTarget(name: "TwinValidationTests", dependencies: ["TwinTestSupport", "TwinValidation", "FactoryTwin", "TwinJSON"]),
        .testTarget(name: "FactoryTwinTests", dependencies: ["TwinTestSupport", "FactoryTwin", "TwinJSON"]),
        .testTarget(name: "TwinPlanningTests", dependencies: ["TwinTestSupport", "TwinPlanning", "TwinLayout", "TwinCollision", "TwinOperations", "TwinGeometry"]),
        .testTarget(name: "TwinAnalyticsTests", dependencies: ["TwinTestSupport", "TwinAnalytics", "TwinState", "TwinLayout"]),
        .testTarget(name: "TwinDemoTests", dependencies: ["TwinTestSupport", "TwinDemo", "TwinLayout", "TwinGeometry"]),
        .testTarget(
            name: "TwinCLITests",
            dependencies: ["TwinTestSupport", "FactoryTwin", "TwinJSON", "TwinLayout", "TwinRender", "TwinGeometry", "TwinState", "TwinSync", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
