package mcp_test

import data.mcp

path(raw, resolved, within) := {"pointer": "/path", "raw": raw, "resolved": resolved, "within_roots": within}

read_file(p, roots) := with_patch({"operation": {"type": "tool", "name": "read_file", "listing": false}, "arguments": {"path": p.raw}, "paths": [p], "roots": roots})

test_path_inside_roots_is_allowed if {
	allowed(mcp.decision) with input as read_file(path("a.txt", "/srv/p/a.txt", true), ["/srv/p"])
}

test_path_outside_roots_is_denied if {
	denied(mcp.decision, "path_outside_roots") with input as read_file(path("../s", "/srv/s", false), ["/srv/p"])
}

test_relative_path_with_unknown_base_is_denied_with_the_fix if {
	p := {"pointer": "/path", "raw": "secret.txt", "within_roots": false, "unresolved_because": "relative_base_unknown"}
	d := mcp.decision with input as read_file(p, ["/srv/p"])
	d.allow == false
	d.reasons == ["path_outside_roots"]
	contains(d.message, "Path `secret.txt` is relative")
	contains(d.message, "`--path-base <dir>`")
	contains(d.internal_message, "relative_base_unknown")
}

test_relative_path_with_unknown_base_is_denied_under_data_roots if {
	p := {"pointer": "/path", "raw": "a.txt", "within_roots": false, "unresolved_because": "relative_base_unknown"}
	d := mcp.decision with input as read_file(p, []) with data.roots as ["/srv/p"]
	d.allow == false
	contains(d.message, "absolute path")
}

test_ambiguous_relative_path_is_denied_under_data_roots if {
	p := {"pointer": "/path", "raw": "a.txt", "within_roots": true, "unresolved_because": "relative_base_ambiguous"}
	d := mcp.decision with input as read_file(p, []) with data.roots as ["/srv/p"]
	d.allow == false
	contains(d.message, "turn it into different files")
}

test_ambiguous_relative_path_inside_every_root_is_allowed if {
	p := {"pointer": "/path", "raw": "a.txt", "within_roots": true, "root": "/srv/p", "unresolved_because": "relative_base_ambiguous"}
	allowed(mcp.decision) with input as read_file(p, ["/srv/p"])
}

test_paths_are_free_without_roots if {
	allowed(mcp.decision) with input as read_file(path("/etc/hosts", "/etc/hosts", false), [])
}

test_data_roots_confine_paths if {
	allowed(mcp.decision) with input as read_file(path("/srv/p/a", "/srv/p/a", false), []) with data.roots as ["/srv/p"]
	denied(mcp.decision, "path_outside_roots") with input as read_file(path("/srv/px/a", "/srv/px/a", false), []) with data.roots as ["/srv/p"]
}

roots_answer(paths) := with_patch({
	"message": {"kind": "response", "method": "roots/list", "id": 3},
	"operation": {"type": "roots", "name": "roots/list", "listing": false},
	"arguments": {},
	"paths": paths,
	"roots": ["/srv/p"],
})

test_roots_answer_within_roots_is_allowed if {
	allowed(mcp.decision) with input as roots_answer([{"pointer": "/roots/0", "raw": "file:///srv/p", "resolved": "/srv/p", "within_roots": true}])
}

test_wider_roots_answer_is_denied if {
	denied(mcp.decision, "root_outside_roots") with input as roots_answer([{"pointer": "/roots/0", "raw": "file:///", "resolved": "/", "within_roots": false}])
}

sampling := with_patch({
	"direction": "to_client",
	"message": {"kind": "request", "method": "sampling/createMessage", "id": 5},
	"operation": {"type": "sampling", "name": "sampling/createMessage", "listing": false, "details": {"message_count": 1}},
	"arguments": {},
})

test_sampling_is_denied_by_default if {
	denied(mcp.decision, "sampling_not_allowed") with input as sampling
}

test_sampling_allowed_by_data if {
	allowed(mcp.decision) with input as sampling with data.sampling as {"allow": true}
	allowed(mcp.decision) with input as sampling with data.sampling as {"servers": ["everything"]}
}

elicitation(details) := with_patch({
	"direction": "to_client",
	"message": {"kind": "request", "method": "elicitation/create", "id": 6},
	"operation": {"type": "elicitation", "name": "elicitation/create", "listing": false, "details": details},
	"arguments": {},
})

test_ordinary_form_is_allowed if {
	allowed(mcp.decision) with input as elicitation({"mode": "form", "fields": ["name"], "field_labels": ["Your name"]})
}

test_secret_form_fields_are_denied if {
	denied(mcp.decision, "elicitation_secret_field") with input as elicitation({"mode": "form", "fields": ["password"], "field_labels": [""]})
	denied(mcp.decision, "elicitation_secret_field") with input as elicitation({"mode": "form", "fields": ["x"], "field_labels": ["Access Token"]})
	denied(mcp.decision, "elicitation_secret_field") with input as elicitation({"fields": ["API_KEY"]})
}

test_url_mode_is_not_a_form if {
	allowed(mcp.decision) with input as elicitation({"mode": "url", "url_host": "example.com"})
}

test_elicitation_can_be_switched_off if {
	denied(mcp.decision, "elicitation_not_allowed") with input as elicitation({"mode": "form", "fields": ["name"]})
		with data.elicitation as {"allow": false}
}

test_roots_without_paths_allow if {
	allowed(mcp.decision) with input as with_patch({"roots": ["/work"], "paths": []})
}
