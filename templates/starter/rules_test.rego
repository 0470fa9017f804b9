# Tests for rules.rego, run with the shipped default policy: `mcp-opa-shim test`.
package mcp.user_test

import data.mcp.decision

# A tools/call as the shim builds it (docs/policy-input.md), reduced to what the rules read.
call(name, path) := {
	"version": 1,
	"direction": "to_server",
	"message": {"kind": "request", "method": "tools/call", "id": 1},
	"operation": {"type": "tool", "name": name, "listing": false, "listed": true},
	"arguments": {"path": path},
	"paths": [{
		"pointer": "/path",
		"raw": path,
		"resolved": concat("/", ["/home/me/project", path]),
		"within_roots": true,
		"root": "/home/me/project",
	}],
	"principal": {"id": "me", "roles": [], "attributes": {}},
	"server": {"id": "filesystem"},
	"approval": {"granted": false},
	"roots": ["/home/me/project"],
}

test_reading_inside_the_root_is_allowed if {
	decision.allow with input as call("read_text_file", "notes.md")
}

# A built-in protection your rules cannot switch off: a path outside --root is denied.
test_a_path_outside_the_root_is_denied if {
	outside := object.union(call("read_text_file", "../secrets.env"), {"paths": [{
		"pointer": "/path",
		"raw": "../secrets.env",
		"resolved": "/home/me/secrets.env",
		"within_roots": false,
	}]})
	not decision.allow with input as outside
	"path_outside_roots" in decision.reasons with input as outside
}

# Uncomment with the example rule in rules.rego:
#
# test_writing_is_denied if {
# 	d := decision with input as call("write_file", "notes.md")
# 	not d.allow
# 	"files_read_only" in d.reasons
# }
