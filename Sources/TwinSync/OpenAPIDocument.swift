/// The OpenAPI 3.1 description of the HTTP API that `GET /openapi.json` serves.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "FactoryTwin", "version": "0.1.0",
               "description": "A digital twin of a factory floor: state now and at any moment, updates in, renders and route checks out. Every endpoint but /health needs a bearer token with the read scope; POST and PATCH need the write scope. Errors are problem details (RFC 9457)."},
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}}},
          "StateDocument": {"type": "object", "properties": {"plant": {"type": "string"}, "time": {"type": "string", "format": "date-time"}, "sequence": {"type": "integer"}, "entities": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/EntityState"}}, "layout": {"type": "object"}}},
          "EntityState": {"type": "object", "properties": {"status": {"enum": ["running", "idle", "blocked", "starved", "fault", "maintenance", "setup", "offline"]}, "reasons": {"type": "array", "items": {"type": "string"}, "description": "Why it is in its status, then further conditions: break, no_order, planned, waiting_material, repair, a status name or a source's code"}, "stop": {"enum": ["planned", "unplanned"]}, "status_since": {"type": "string"}, "signals": {"type": "object"}, "counters": {"type": "object"}, "counter_resets": {"type": "object", "description": "Per counter that was reset: count and carried (the values reached before each reset)"}, "counter_totals": {"type": "object", "description": "Per counter, when one was reset: its count across resets"}, "running": {"type": "boolean"}, "speed_mps": {"type": "number"}, "pose": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}, "theta": {"type": "number"}}}, "velocity": {"type": "object"}, "driving": {"type": "boolean"}, "battery": {"type": "number"}, "operating_mode": {"type": "string"}, "loads": {"type": "array"}, "errors": {"type": "array"}, "last_node": {"type": "string"}, "order": {"type": "string"}, "connection": {"type": "string"}, "connection_since": {"type": "string"}, "data": {"type": "string", "description": "Present when the entity's data is not live: no data since T (offline or silent)"}, "updated": {"type": "string"}}}
        },
        "responses": {
          "Problem": {"description": "A problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        }
      },
      "security": [{"bearer": []}],
      "paths": {
        "/health": {"get": {"summary": "Liveness, counters, open event streams, the work pool, the history's commits (status degraded while they fail) and the MQTT connection (lost sessions, each AGV's last message age and unused positions); needs no token", "security": [], "responses": {"200": {"description": "ok"}}}},
        "/state": {"get": {"summary": "The state of every entity, now or at a past moment", "parameters": [{"name": "at", "in": "query", "schema": {"type": "string", "format": "date-time"}}], "responses": {"200": {"description": "A state document", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StateDocument"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}}},
        "/state/{id}": {"get": {"summary": "One entity's state, now or at a past moment", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "at", "in": "query", "schema": {"type": "string", "format": "date-time"}}], "responses": {"200": {"description": "The entity", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntityState"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/updates": {"post": {"summary": "Apply updates, one JSON object a line (as twin apply reads them)", "requestBody": {"content": {"application/x-ndjson": {"schema": {"type": "string"}}}}, "responses": {"200": {"description": "All applied: {applied, rejected: []}"}, "413": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/entities/{id}": {"patch": {"summary": "Set fields of one entity (the fields of an update's set)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntityState"}}}}, "responses": {"200": {"description": "Applied: {id, sequence}"}, "404": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/render.png": {"get": {"summary": "A PNG of the twin now", "parameters": [{"name": "camera", "in": "query", "schema": {"type": "string", "default": "plan"}}, {"name": "size", "in": "query", "schema": {"type": "string", "default": "1280x720"}}, {"name": "aa", "in": "query", "schema": {"enum": [1, 4, 8]}}], "responses": {"200": {"description": "The image", "content": {"image/png": {}}}, "400": {"$ref": "#/components/responses/Problem"}, "503": {"$ref": "#/components/responses/Problem"}}}},
        "/check": {"get": {"summary": "Every AGV route checked against the layout now", "responses": {"200": {"description": "{margin_m, routes: [{route, agv, margin_m, length_m, collides, first_contact: {obstacle, entity, node, s_m, x, y, theta, edge}, min_clearance: {obstacle, entity, node, distance_m, s_m}, within_margin, distance_queries}]}, as twin check --json writes it"}, "503": {"$ref": "#/components/responses/Problem"}}}},
        "/events": {"get": {"summary": "Applied updates as server-sent events, one JSON object each, from now on; a client too far behind gets an event 'dropped' ({dropped, next_seq}) and goes on from there", "responses": {"200": {"description": "text/event-stream", "content": {"text/event-stream": {}}}}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
      }
    }
    """#
}
