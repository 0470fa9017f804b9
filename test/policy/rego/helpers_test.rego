# Shared fixtures for the policy tests: a tool call by alice to `everything`, patched per test.
package mcp_test

base := {
	"version": 1,
	"direction": "to_server",
	"message": {"kind": "request", "method": "tools/call", "id": 7},
	"operation": {"type": "tool", "name": "echo", "listing": false, "listed": true, "annotations": {"readOnlyHint": true}},
	"arguments": {"message": "hello"},
	"paths": [],
	"principal": {"id": "alice", "roles": [], "attributes": {}},
	"client": {"self_declared": true},
	"server": {"id": "everything", "command": ["npx", "@modelcontextprotocol/server-everything"]},
	"transport": "stdio",
	"session": {"id": "s-1", "started_at": "2026-01-01T00:00:00.000Z", "era": "legacy", "counts": {}, "recent": []},
	"approval": {"granted": false},
	"environment": {"names": ["PATH"]},
	"roots": [],
	"mode": "enforce",
}

# The base input with these top-level keys replaced.
with_patch(patch) := object.union(object.remove(base, object.keys(patch)), patch)

call(name, annotations) := with_patch({"operation": {"type": "tool", "name": name, "listing": false, "annotations": annotations}})

listing(name, annotations) := with_patch({
	"message": {"kind": "request", "method": "tools/list", "id": 2},
	"operation": {"type": "tool", "name": name, "listing": true, "annotations": annotations},
})

as_principal(inp, id, roles, attributes) := object.union(inp, {"principal": {"id": id, "roles": roles, "attributes": attributes}})

on_server(inp, id) := object.union(inp, {"server": {"id": id}})

allowed(d) if {
	d.allow == true
	d.reasons == []
}

denied(d, reason) if {
	d.allow == false
	reason in d.reasons
}
