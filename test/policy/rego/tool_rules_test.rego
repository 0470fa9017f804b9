package mcp_test

import data.mcp

allowed_tools := {"analyst-agent": ["get_inventory", "get_schema"], "*": ["ping_*"]}

test_allow_list_allows_listed_tool if {
	allowed(mcp.decision) with input as as_principal(call("get_inventory", {}), "analyst-agent", [], {})
		with data.allowed_tools as allowed_tools
}

test_allow_list_denies_unlisted_tool if {
	denied(mcp.decision, "tool_not_in_allow_list") with input as as_principal(call("drop_table", {}), "analyst-agent", [], {})
		with data.allowed_tools as allowed_tools
}

test_allow_list_star_entry_applies_to_everyone if {
	allowed(mcp.decision) with input as as_principal(call("ping_db", {}), "nobody", [], {})
		with data.allowed_tools as allowed_tools
}

test_allow_list_hides_unlisted_tools if {
	denied(mcp.decision, "tool_not_in_allow_list") with input as as_principal(listing("drop_table", {}), "analyst-agent", [], {})
		with data.allowed_tools as allowed_tools
}

scope_tools := {"tickets:read": ["get_ticket_price"], "tickets:write": ["book_*"]}

test_scope_grants_tool if {
	allowed(mcp.decision) with input as as_principal(call("get_ticket_price", {}), "agent", [], {"scope": "openid tickets:read"})
		with data.scope_tools as scope_tools
}

test_missing_scope_denies_tool if {
	denied(mcp.decision, "tool_not_in_scopes") with input as as_principal(call("book_seat", {}), "agent", [], {"scope": "tickets:read"})
		with data.scope_tools as scope_tools
}

test_approval_required_without_approval if {
	d := mcp.decision with input as call("deploy_release", {}) with data.approval as {"tools": ["deploy_*"]}
	denied(d, "approval_required")
	startswith(d.message, "approval required")
	d.obligations.approval_required == true
}

test_approval_granted_allows if {
	allowed(mcp.decision) with input as object.union(call("deploy_release", {}), {"approval": {"granted": true}})
		with data.approval as {"tools": ["deploy_*"]}
}

test_destructive_tools_need_approval_when_configured if {
	denied(mcp.decision, "approval_required") with input as call("rm", {"destructiveHint": true})
		with data.approval as {"destructive": true}
	allowed(mcp.decision) with input as call("ls", {"readOnlyHint": true})
		with data.approval as {"destructive": true}
}

test_approval_does_not_hide_tools if {
	allowed(mcp.decision) with input as listing("deploy_release", {}) with data.approval as {"tools": ["deploy_*"]}
}

argument_rules := [{"tool": "deploy_release", "when": {"env": "prod"}, "require_any_role": ["release-admin"]}]

deploy(env, roles) := object.union(as_principal(call("deploy_release", {}), "alice", roles, {}), {"arguments": {"env": env}})

test_prod_deploy_needs_release_admin if {
	d := mcp.decision with input as deploy("prod", ["developer"]) with data.argument_rules as argument_rules
	denied(d, "argument_rule_role")
	contains(d.message, "release-admin")
}

test_prod_deploy_by_release_admin_is_allowed if {
	allowed(mcp.decision) with input as deploy("prod", ["release-admin"]) with data.argument_rules as argument_rules
}

test_staging_deploy_needs_no_role if {
	allowed(mcp.decision) with input as deploy("staging", []) with data.argument_rules as argument_rules
}

test_argument_rules_ignore_listings if {
	allowed(mcp.decision) with input as listing("deploy_release", {}) with data.argument_rules as argument_rules
}

test_argument_rule_deny_and_require_approval if {
	rules := [
		{"tool": "run_query", "when_in": {"mode": ["write", "ddl"]}, "deny": true, "message": "No writes."},
		{"tool": "deploy_release", "when": {"env": "prod"}, "require_approval": true},
	]
	d := mcp.decision with input as object.union(call("run_query", {}), {"arguments": {"mode": "ddl"}}) with data.argument_rules as rules
	denied(d, "argument_rule_denied")
	d.message == "No writes."
	allowed(mcp.decision) with input as object.union(call("run_query", {}), {"arguments": {"mode": "read"}}) with data.argument_rules as rules
	denied(mcp.decision, "approval_required") with input as deploy("prod", []) with data.argument_rules as rules
}

completion := with_patch({
	"message": {"kind": "request", "method": "completion/complete", "id": 4},
	"operation": {"type": "completion", "name": "completion/complete", "listing": false},
})

test_disabled_method_is_denied_with_obligation if {
	d := mcp.decision with input as completion with data.disabled_methods as ["completion/*"]
	denied(d, "method_disabled")
	d.obligations.method_disabled == true
}

test_methods_not_disabled_are_allowed if {
	allowed(mcp.decision) with input as base with data.disabled_methods as ["completion/*"]
}

test_lifecycle_cannot_be_disabled if {
	allowed(mcp.decision) with input as with_patch({"message": {"kind": "request", "method": "initialize", "id": 0}, "operation": {"type": "lifecycle", "name": "initialize", "listing": false}})
		with data.disabled_methods as ["*"]
}

test_name_match_agrees_with_glob_match if {
	cases := [
		["*", "anything.at/all"], ["echo", "echo"], ["echo", "echoes"], ["get_*", "get_x.y/z"],
		["get_*", "got_x"], ["*_delete", "file_delete"], ["*_delete", "delete"], ["ge?", "get"],
		["{a,b}*", "bx"], ["{a,b}*", "cx"], ["[ab]c", "bc"], ["a\\*", "a*"], ["a\\*", "ab"],
	]
	every c in cases {
		matches(c[0], c[1]) == glob.match(c[0], ["\u0001"], c[1])
	}
}

default matches(_, _) := false

matches(pattern, name) if mcp.name_match(pattern, name)

discovery_methods := [
	"initialize", "notifications/initialized", "server/discover", "ping", "tools/list", "prompts/list",
	"resources/list", "resources/templates/list", "notifications/cancelled", "notifications/progress",
	"notifications/roots/list_changed",
]

test_no_discovery_method_can_be_disabled if {
	every m in discovery_methods {
		allowed(mcp.decision) with input as with_patch({"message": {"kind": "request", "method": m, "id": 0}, "operation": {"type": "lifecycle", "name": m, "listing": false}})
			with data.disabled_methods as ["*"]
	}
}

test_methods_like_discovery_ones_can_be_disabled if {
	every m in ["initialized", "tools/list/x", "notifications/*"] {
		denied(mcp.decision, "method_disabled") with input as with_patch({"message": {"kind": "request", "method": m, "id": 0}, "operation": {"type": "other", "name": m, "listing": false}})
			with data.disabled_methods as ["*"]
	}
}
