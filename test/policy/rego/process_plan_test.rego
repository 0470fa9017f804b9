# The per-process plan (policy.rego, "per-process plan"): computed once for the run's principal
# and server (entrypoint mcp/process_plan), passed back as data.mcp_shim.plan, read by the rules.
package mcp_test

import data.mcp

# The plan for the input's principal and server, under the data in scope.
plan_of(inp) := p if {
	p := mcp.process_plan with input as {"principal": inp.principal, "server": {"id": inp.server.id}}
}

# The decision with the plan the shim would pass equals the one computed from the data alone.
same_with_plan(inp) if {
	want := mcp.decision with input as inp
	got := mcp.decision with input as inp with data.mcp_shim as {"data_checked": true, "plan": plan_of(inp)}
	got == want
}

# The plan is read (and data_clear skips the data rules) for this input.
clear_with_plan(inp) if {
	mcp.data_clear with input as inp with data.mcp_shim as {"data_checked": true, "plan": plan_of(inp)}
}

tier_inputs := [
	on_server(call("files_update", {"destructiveHint": true}), "drive"),
	on_server(base, "ddl"),
	on_server(as_principal(base, "mallory", [], {}), "drive"),
	on_server(as_principal(call("issue_get", {"readOnlyHint": true}), "ci-bot", [], {}), "jira"),
	on_server(as_principal(call("board_get", {}), "ci-bot", [], {}), "jira"),
	on_server(as_principal(call("issue_delete", {}), "ci-bot", [], {}), "jira"),
	on_server(as_principal(call("files_update", {}), "ci-bot", [], {}), "drive"),
	on_server(as_principal(call("files_get", {"readOnlyHint": true}), "scanner", [], {}), "drive"),
	on_server(as_principal(call("files_update", {}), "scanner", [], {}), "drive"),
	on_server(as_principal(call("rows_delete", {}), "planner", [], {}), "crm"),
	on_server(as_principal(call("rows_get", {}), "planner", [], {}), "ddl"),
	on_server(as_principal(listing("issue_delete", {}), "ci-bot", [], {}), "jira"),
]

test_tier_decisions_are_the_same_with_the_plan if {
	every inp in tier_inputs {
		same_with_plan(inp) with data.tiers as tiers with data.trust_tiers as trust_tiers
	}
}

test_the_plan_says_whether_the_principal_may_use_the_server if {
	plan_of(on_server(base, "drive")).principal_permitted with data.tiers as tiers with data.trust_tiers as trust_tiers
	not plan_of(on_server(base, "ddl")).principal_permitted with data.tiers as tiers with data.trust_tiers as trust_tiers
}

test_the_plan_compiles_tool_patterns if {
	p := plan_of(on_server(as_principal(base, "ci-bot", [], {}), "jira")) with data.tiers as tiers with data.trust_tiers as trust_tiers
	p.tier_items.tools.allow == {"any": false, "names": {"issue_*": true}, "prefixes": ["issue_"], "globs": [], "others": []}
	p.tier_items.tools.deny.names == {"issue_delete": true}
	p.clear_tools == {"issue_*": true, "issue_delete": false}
}

test_compiled_patterns_match_as_name_match if {
	patterns := ["*x", "a*", "a?c", "lit", "{b,c}d", "[x-z]*", "a**"]
	every name in ["ax", "abc", "lit", "bd", "yes", "a**", "zzz", "", "*x", "a?c", "b"] {
		compiled_matches(patterns, name) == name_matches_any(patterns, name)
	}
	not mcp.compiled_match(mcp.compiled_patterns([]), "x")
	mcp.compiled_match(mcp.compiled_patterns(["*"]), 7)
}

default compiled_matches(_, _) := false

compiled_matches(patterns, name) if mcp.compiled_match(mcp.compiled_patterns(patterns), name)

default name_matches_any(_, _) := false

name_matches_any(patterns, name) if {
	some pattern in patterns
	mcp.name_match(pattern, name)
}

rules_data := {
	"allowed_tools": allowed_tools,
	"scope_tools": scope_tools,
	"argument_rules": argument_rules,
	"approval": {"tools": ["drop_*"], "destructive": true},
	"disabled_methods": ["logging/setLevel"],
}

rule_inputs := [
	as_principal(call("get_inventory", {}), "analyst-agent", [], {}),
	as_principal(call("ping_db", {}), "analyst-agent", [], {}),
	as_principal(call("drop_table", {}), "analyst-agent", [], {}),
	as_principal(call("get_schema", {"destructiveHint": true}), "analyst-agent", [], {}),
	as_principal(call("book_flight", {}), "analyst-agent", [], {"scope": "tickets:write"}),
	object.union(as_principal(call("deploy_release", {}), "analyst-agent", [], {}), {"arguments": {"env": "prod"}}),
	object.union(as_principal(call("deploy_release", {}), "analyst-agent", ["release-admin"], {}), {"arguments": {"env": "prod"}}),
	with_patch({"message": {"kind": "request", "method": "logging/setLevel", "id": 3}, "operation": {"type": "logging", "name": "logging/setLevel", "listing": false}}),
]

test_allow_list_scope_argument_and_approval_decisions_are_the_same_with_the_plan if {
	every inp in rule_inputs {
		same_with_plan(inp) with data.allowed_tools as rules_data.allowed_tools
			with data.scope_tools as rules_data.scope_tools
			with data.argument_rules as rules_data.argument_rules
			with data.approval as rules_data.approval
			with data.disabled_methods as rules_data.disabled_methods
	}
}

test_an_allowed_call_skips_the_data_rules if {
	clear_with_plan(on_server(call("files_update", {}), "drive")) with data.tiers as tiers with data.trust_tiers as trust_tiers
}

test_a_call_a_data_rule_may_deny_goes_through_the_rules if {
	inp := as_principal(call("drop_table", {}), "analyst-agent", [], {})
	not clear_with_plan(inp) with data.approval as rules_data.approval
	p := plan_of(inp) with data.approval as rules_data.approval
	denied(mcp.decision, "approval_required") with input as inp
		with data.approval as rules_data.approval
		with data.mcp_shim as {"data_checked": true, "plan": p}
}

test_a_destructive_call_under_approval_goes_through_the_rules if {
	inp := as_principal(call("get_schema", {"destructiveHint": true}), "analyst-agent", [], {})
	not clear_with_plan(inp) with data.approval as rules_data.approval
}

test_a_plan_for_another_principal_is_not_used if {
	alice := on_server(call("files_update", {}), "drive")
	barred := object.union(plan_of(alice), {"principal_permitted": false}) with data.tiers as tiers with data.trust_tiers as trust_tiers

	# Read for alice's own input ...
	denied(mcp.decision, "principal_not_permitted") with input as alice
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
		with data.mcp_shim as {"data_checked": true, "plan": barred}

	# ... and not for the same call by another principal, another role set or on another server.
	allowed(mcp.decision) with input as on_server(as_principal(call("files_update", {}), "alice", ["x"], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
		with data.mcp_shim as {"data_checked": true, "plan": barred}
	allowed(mcp.decision) with input as on_server(call("files_update", {}), "jira")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
		with data.mcp_shim as {"data_checked": true, "plan": barred}
}
