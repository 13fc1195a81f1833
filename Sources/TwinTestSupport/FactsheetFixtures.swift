/// VDA 5050 factsheets for tests.
package enum FactsheetFixtures {
    /// A carrier of 1.2 x 0.8 m whose unloaded envelope is its chassis (with a notch: not convex)
    /// and whose loaded envelope holds a pallet overhanging at the front. Valid against the VDA
    /// 5050 2.x factsheet schema (FactsheetCommandTests checks it).
    package static let carrier = #"""
    {"headerId": 1, "timestamp": "2026-12-02T10:00:00Z", "version": "2.1.0", "manufacturer": "Acme", "serialNumber": "C-1",
     "typeSpecification": {"seriesName": "Carrier", "agvKinematic": "DIFF", "agvClass": "CARRIER", "maxLoadMass": 800,
                           "localizationTypes": ["NATURAL"], "navigationTypes": ["VIRTUAL_LINE_GUIDED"]},
     "physicalParameters": {"speedMin": 0.01, "speedMax": 1.6, "accelerationMax": 0.5, "decelerationMax": 0.8,
                            "heightMin": 0.3, "heightMax": 0.45, "width": 0.8, "length": 1.2},
     "protocolLimits": {"maxStringLens": {}, "maxArrayLens": {}, "timing": {"minOrderInterval": 1, "minStateInterval": 0.5}},
     "protocolFeatures": {"optionalParameters": [], "agvActions": []},
     "agvGeometry": {"envelopes2d": [
        {"set": "unloaded", "polygonPoints": [{"x": -0.6, "y": -0.4}, {"x": 0.6, "y": -0.4}, {"x": 0.5, "y": 0}, {"x": 0.6, "y": 0.4}, {"x": -0.6, "y": 0.4}]},
        {"set": "loaded", "polygonPoints": [{"x": -0.6, "y": -0.4}, {"x": 0.9, "y": -0.5}, {"x": 0.9, "y": 0.5}, {"x": -0.6, "y": 0.4}]}]},
     "loadSpecification": {}}
    """#
}
