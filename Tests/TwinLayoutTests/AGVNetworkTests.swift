import Testing
import TwinLayout

@Suite("AGV network lookups")
struct AGVNetworkTests {
    typealias Node = AGVNetwork.Node
    typealias Edge = AGVNetwork.Edge

    /// The edge between two nodes is the first in the list that leads there, either way for a
    /// bidirectional one, as a walk over the list would find it; edits to the list are seen.
    @Test func edgesAreFoundAsTheListSaysAndAfterEdits() {
        var network = AGVNetwork(
            nodes: [Node(id: "A", x: 0, y: 0), Node(id: "B", x: 1, y: 0), Node(id: "C", x: 2, y: 0)],
            edges: [Edge(id: "e1", start: "B", end: "A", bidirectional: true), Edge(id: "e2", start: "A", end: "B"),
                    Edge(id: "e3", start: "B", end: "C"), Edge(id: "e4", start: "B", end: "C")])
        #expect(network.edge(from: "A", to: "B")?.id == "e1", "the bidirectional edge comes first in the list")
        #expect(network.edge(from: "B", to: "A")?.id == "e1")
        #expect(network.edge(from: "B", to: "C")?.id == "e3", "of two the same, the first")
        #expect(network.edge(from: "C", to: "B") == nil, "one-way edges do not lead back")
        #expect(network.edge(from: "A", to: "C") == nil)
        network.edges[0].bidirectional = false
        #expect(network.edge(from: "A", to: "B")?.id == "e2", "an edit is seen")
        network.edges.append(Edge(id: "e5", start: "C", end: "A"))
        #expect(network.edge(from: "C", to: "A")?.id == "e5")
        network.nodes.append(Node(id: "D", x: 3, y: 0))
        #expect(network.node(id: "D")?.x == 3, "an added node is found")
    }
}
