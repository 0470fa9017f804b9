package mcp_test

import data.mcp

trust_tiers := {"developer": ["alice"], "ci_agent": ["ci-bot"], "read_only": ["scanner"], "internal_trusted": ["planner"]}

tiers := {
	"developer": {"servers": {"drive": {}, "jira": {}, "slack": {}, "ddl": false}},
	"ci_agent": {"servers": {"drive": {"read_only": true}, "jira": {"tools": ["issue_*"], "deny_tools": ["issue_delete"]}}},
	"read_only": {"read_only": true, "servers": {"drive": {}, "jira": {}}},
	"internal_trusted": {"servers": {"*": {"deny_tools": ["*delete*"]}, "ddl": false}},
}

test_developer_writes_drive if {
	allowed(mcp.decision) with input as on_server(call("files_update", {"destructiveHint": true}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_developer_is_denied_ddl if {
	denied(mcp.decision, "principal_not_permitted") with input as on_server(base, "ddl")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_unlisted_principal_is_denied if {
	denied(mcp.decision, "principal_not_permitted") with input as on_server(as_principal(base, "mallory", [], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_default_tier_covers_unlisted_principals if {
	allowed(mcp.decision) with input as on_server(as_principal(base, "mallory", [], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
		with data.default_tier as "developer"
}

test_permitted_principal_may_list_tools if {
	inp := on_server(as_principal(with_patch({"message": {"kind": "request", "method": "tools/list", "id": 1}, "operation": {"type": "tool", "listing": false}}), "scanner", [], {}), "jira")
	allowed(mcp.decision) with input as inp
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_tools_glob_allows_matching_tool if {
	allowed(mcp.decision) with input as on_server(as_principal(call("issue_get", {"readOnlyHint": true}), "ci-bot", [], {}), "jira")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_tools_glob_denies_other_tool if {
	denied(mcp.decision, "tier_item_not_permitted") with input as on_server(as_principal(call("board_get", {}), "ci-bot", [], {}), "jira")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_deny_tools_wins if {
	denied(mcp.decision, "tier_item_denied") with input as on_server(as_principal(call("issue_delete", {}), "ci-bot", [], {}), "jira")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_wildcard_server_entry_allows if {
	allowed(mcp.decision) with input as on_server(as_principal(call("post", {}), "planner", [], {}), "slack")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_false_server_entry_beats_wildcard if {
	denied(mcp.decision, "principal_not_permitted") with input as on_server(as_principal(base, "planner", [], {}), "ddl")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_read_only_tier_allows_read_only_tool if {
	allowed(mcp.decision) with input as on_server(as_principal(call("files_get", {"readOnlyHint": true}), "scanner", [], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_read_only_tier_denies_destructive_tool if {
	denied(mcp.decision, "read_only_tier") with input as on_server(as_principal(call("files_delete", {"destructiveHint": true}), "scanner", [], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_read_only_server_entry_denies_unannotated_tool if {
	denied(mcp.decision, "read_only_tier") with input as on_server(as_principal(call("files_touch", {}), "ci-bot", [], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

test_read_only_tier_hides_destructive_tool_from_lists if {
	denied(mcp.decision, "read_only_tier") with input as on_server(as_principal(listing("files_delete", {"destructiveHint": true}), "scanner", [], {}), "drive")
		with data.tiers as tiers
		with data.trust_tiers as trust_tiers
}

resource_tiers := {"dev": {"servers": {"*": {"resources": ["file:///docs/**"], "deny_resources": ["file:///docs/private/**"], "prompts": ["greet"]}}}}

read_resource(uri) := with_patch({"message": {"kind": "request", "method": "resources/read", "id": 3}, "operation": {"type": "resource", "name": uri, "listing": false}})

test_resource_glob_allows if {
	allowed(mcp.decision) with input as read_resource("file:///docs/a/b.md")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
}

test_deny_resources_wins if {
	denied(mcp.decision, "tier_item_denied") with input as read_resource("file:///docs/private/keys.txt")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
}

get_prompt(name) := with_patch({"message": {"kind": "request", "method": "prompts/get", "id": 3}, "operation": {"type": "prompt", "name": name, "listing": false}})

test_prompt_glob_allows_and_denies if {
	allowed(mcp.decision) with input as get_prompt("greet")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
	denied(mcp.decision, "tier_item_not_permitted") with input as get_prompt("exfiltrate")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
}

complete(ref_type, name) := with_patch({"message": {"kind": "request", "method": "completion/complete", "id": 4}, "operation": {"type": "completion", "name": name, "listing": false, "details": {"ref_type": ref_type}}})

test_completion_of_a_permitted_prompt_is_allowed if {
	allowed(mcp.decision) with input as complete("ref/prompt", "greet")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
}

test_completion_of_a_hidden_prompt_is_denied if {
	denied(mcp.decision, "tier_item_not_permitted") with input as complete("ref/prompt", "exfiltrate")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
}

test_completion_of_a_denied_resource_is_denied if {
	denied(mcp.decision, "tier_item_denied") with input as complete("ref/resource", "file:///docs/private/keys.txt")
		with data.tiers as resource_tiers
		with data.trust_tiers as {"dev": ["alice"]}
}
