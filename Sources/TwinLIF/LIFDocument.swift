import TwinGeometry
import TwinJSON

/// A VDMA LIF 1.0 file (the Layout Interchange Format in which AGV integrators hand a layout to a
/// fleet control): layouts of nodes, edges and stations, with properties per vehicle type. Read
/// with every rule of the LIF 1.0 JSON schema checked in `LIFDocument.read`, and written back
/// with `json`. Positions are metres in the layout's frame; node thetas are radians; edges'
/// `vehicleOrientation` is degrees in this schema version.
public struct LIFDocument: Sendable, Equatable {
    public struct MetaInformation: Sendable, Equatable {
        public var projectIdentification: String
        public var creator: String
        /// ISO 8601 date and time, as the file says it.
        public var exportTimestamp: String
        public var lifVersion: String

        public init(projectIdentification: String, creator: String, exportTimestamp: String, lifVersion: String = "1.0.0") {
            self.projectIdentification = projectIdentification
            self.creator = creator
            self.exportTimestamp = exportTimestamp
            self.lifVersion = lifVersion
        }
    }

    public struct Layout: Sendable, Equatable {
        public var layoutId: String
        public var layoutName: String?
        public var layoutVersion: String
        public var layoutLevelId: String?
        public var layoutDescription: String?
        public var nodes: [Node] = []
        public var edges: [Edge] = []
        public var stations: [Station] = []

        public init(layoutId: String, layoutName: String? = nil, layoutVersion: String, layoutLevelId: String? = nil,
                    layoutDescription: String? = nil) {
            self.layoutId = layoutId
            self.layoutName = layoutName
            self.layoutVersion = layoutVersion
            self.layoutLevelId = layoutLevelId
            self.layoutDescription = layoutDescription
        }

        /// The vehicle types any node or edge of the layout names, in the order they first appear.
        public var vehicleTypes: [String] {
            var seen: [String] = []
            for id in nodes.flatMap({ $0.vehicleTypeNodeProperties.map(\.vehicleTypeId) })
                + edges.flatMap({ $0.vehicleTypeEdgeProperties.map(\.vehicleTypeId) }) where !seen.contains(id) {
                seen.append(id)
            }
            return seen
        }
    }

    public struct Node: Sendable, Equatable {
        public var nodeId: String
        public var nodeName: String?
        public var nodeDescription: String?
        public var mapId: String?
        public var x: Double
        public var y: Double
        public var vehicleTypeNodeProperties: [NodeProperties]
        /// Where the node stands in the file, for messages (`$.layouts[0].nodes[3]`).
        public var path: String = ""

        public init(nodeId: String, x: Double, y: Double, vehicleTypeNodeProperties: [NodeProperties] = []) {
            self.nodeId = nodeId
            self.x = x
            self.y = y
            self.vehicleTypeNodeProperties = vehicleTypeNodeProperties
        }

        public static func == (a: Node, b: Node) -> Bool {
            a.nodeId == b.nodeId && a.nodeName == b.nodeName && a.nodeDescription == b.nodeDescription && a.mapId == b.mapId
                && a.x == b.x && a.y == b.y && a.vehicleTypeNodeProperties == b.vehicleTypeNodeProperties
        }
    }

    public struct NodeProperties: Sendable, Equatable {
        public var vehicleTypeId: String
        /// Radians, [-π, π].
        public var theta: Double?
        /// The node's actions as the file gives them (kept, not interpreted).
        public var actions: [JSONValue]?

        public init(vehicleTypeId: String, theta: Double? = nil, actions: [JSONValue]? = nil) {
            self.vehicleTypeId = vehicleTypeId
            self.theta = theta
            self.actions = actions
        }
    }

    public struct Edge: Sendable, Equatable {
        public var edgeId: String
        public var startNodeId: String
        public var endNodeId: String
        public var vehicleTypeEdgeProperties: [EdgeProperties]
        public var path: String = ""

        public init(edgeId: String, startNodeId: String, endNodeId: String, vehicleTypeEdgeProperties: [EdgeProperties]) {
            self.edgeId = edgeId
            self.startNodeId = startNodeId
            self.endNodeId = endNodeId
            self.vehicleTypeEdgeProperties = vehicleTypeEdgeProperties
        }

        public static func == (a: Edge, b: Edge) -> Bool {
            a.edgeId == b.edgeId && a.startNodeId == b.startNodeId && a.endNodeId == b.endNodeId
                && a.vehicleTypeEdgeProperties == b.vehicleTypeEdgeProperties
        }
    }

    public struct LoadRestriction: Sendable, Equatable {
        public var unloaded: Bool
        public var loaded: Bool
        public var loadSetNames: [String]?

        public init(unloaded: Bool, loaded: Bool, loadSetNames: [String]? = nil) {
            self.unloaded = unloaded
            self.loaded = loaded
            self.loadSetNames = loadSetNames
        }
    }

    public struct EdgeProperties: Sendable, Equatable {
        public var vehicleTypeId: String
        /// Degrees in this schema version: relative to the tangent, or in the layout's frame for
        /// `orientationType` GLOBAL.
        public var vehicleOrientation: Double?
        public var orientationType: String?
        public var rotationAllowed: Bool?
        public var rotationAtStartNodeAllowed: String?
        public var rotationAtEndNodeAllowed: String?
        /// Metres per second.
        public var maxSpeed: Double?
        /// Radians per second.
        public var maxRotationSpeed: Double?
        public var minHeight: Double?
        public var maxHeight: Double?
        public var loadRestriction: LoadRestriction?
        public var trajectory: NURBSCurve?
        public var actions: [JSONValue]?
        public var reentryAllowed: Bool?

        public init(vehicleTypeId: String) { self.vehicleTypeId = vehicleTypeId }
    }

    public struct Station: Sendable, Equatable {
        public var stationId: String
        public var interactionNodeIds: [String]
        public var stationName: String?
        public var stationDescription: String?
        public var stationHeight: Double?
        /// x, y in metres and theta in radians (optional).
        public var position: (x: Double, y: Double, theta: Double?)?

        public init(stationId: String, interactionNodeIds: [String]) {
            self.stationId = stationId
            self.interactionNodeIds = interactionNodeIds
        }

        public static func == (a: Station, b: Station) -> Bool {
            a.stationId == b.stationId && a.interactionNodeIds == b.interactionNodeIds && a.stationName == b.stationName
                && a.stationDescription == b.stationDescription && a.stationHeight == b.stationHeight
                && a.position?.x == b.position?.x && a.position?.y == b.position?.y && a.position?.theta == b.position?.theta
        }
    }

    public var metaInformation: MetaInformation
    public var layouts: [Layout]

    public init(metaInformation: MetaInformation, layouts: [Layout]) {
        self.metaInformation = metaInformation
        self.layouts = layouts
    }
}

/// What is wrong with a LIF file: one line per problem, each with its JSON path.
public struct LIFError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problems: [String]

    public init(file: String, problems: [String]) {
        self.file = file
        self.problems = problems
    }

    public var description: String { problems.map { "\(file): \($0)" }.joined(separator: "\n") }
}
