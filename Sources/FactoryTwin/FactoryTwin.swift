// FactoryTwin: the one import for Swift programs that script a plant's twin. It holds no code of
// its own and no module of this package depends on it: it re-exports the modules a script uses,
// from the bottom up (see docs/architecture.md).
//
// ```swift
// import FactoryTwin
// var twin = try Twin(contentsOf: "Assets/demo/plant.yaml")
// ```
//
// The live server (TwinSync: MQTT and HTTP) is imported on its own, so that a script that only
// renders or checks does not build Hummingbird.
@_exported import TwinJSON
@_exported import TwinGeometry
@_exported import TwinLIF
@_exported import TwinLayout
@_exported import TwinRender
@_exported import TwinCollision
@_exported import TwinState
@_exported import TwinOperations
@_exported import TwinValidation
@_exported import TwinPlanning
@_exported import TwinAnalytics
