# Data validation reads each key directly: present-but-mistyped keys (false and null included)
# deny with their own message; absent keys are valid.
package mcp_test

import data.mcp

invalid(d, message) if {
	d.allow == false
	"invalid_data" in d.reasons
	contains(d.internal_message, message)
}

test_mistyped_tiers_are_invalid if {
	invalid(mcp.decision, "data.tiers must be an object") with input as base with data.tiers as ["dev"]
}

test_false_tiers_are_invalid_not_absent if {
	invalid(mcp.decision, "data.tiers must be an object") with input as base with data.tiers as false
}

test_mistyped_tier_is_invalid if {
	invalid(mcp.decision, "data.tiers.dev must be an object with a servers object") with input as base
		with data.tiers as {"dev": {"servers": []}}
}

test_mistyped_trust_tiers_are_invalid if {
	invalid(mcp.decision, "data.trust_tiers must be an object of string lists") with input as base
		with data.trust_tiers as {"dev": "alice"}
}

test_null_allowed_tools_are_invalid_not_absent if {
	invalid(mcp.decision, "data.allowed_tools must be an object of string lists") with input as base
		with data.allowed_tools as null
}

test_mistyped_scope_tools_are_invalid if {
	invalid(mcp.decision, "data.scope_tools must be an object of string lists") with input as base
		with data.scope_tools as {"read": [1]}
}

test_mistyped_approval_is_invalid if {
	invalid(mcp.decision, "data.approval must be an object") with input as base with data.approval as ["deploy"]
}

test_mistyped_approval_tools_are_invalid if {
	invalid(mcp.decision, "data.approval.tools must be a list of strings") with input as base
		with data.approval as {"tools": "deploy"}
}

test_mistyped_argument_rules_are_invalid if {
	invalid(mcp.decision, "data.argument_rules must be a list of objects") with input as base
		with data.argument_rules as [{"deny": true}, "x"]
}

test_mistyped_argument_rule_is_invalid if {
	invalid(mcp.decision, "data.argument_rules[0] has a non-list require_any_role") with input as base
		with data.argument_rules as [{"require_any_role": "admin"}]
}

test_mistyped_roots_are_invalid if {
	invalid(mcp.decision, "data.roots must be a list of strings") with input as base with data.roots as "/tmp"
}

test_mistyped_sampling_is_invalid if {
	invalid(mcp.decision, "data.sampling must be an object") with input as base with data.sampling as true
}

test_mistyped_sampling_servers_are_invalid if {
	invalid(mcp.decision, "data.sampling.servers must be a list of strings") with input as base
		with data.sampling as {"servers": "x"}
}

test_mistyped_elicitation_is_invalid if {
	invalid(mcp.decision, "data.elicitation must be an object") with input as base with data.elicitation as "off"
}

test_mistyped_secret_field_patterns_are_invalid if {
	invalid(mcp.decision, "data.elicitation.secret_field_patterns must be a list of strings") with input as base
		with data.elicitation as {"secret_field_patterns": "password"}
}

test_every_error_is_listed_sorted if {
	d := mcp.decision with input as base with data.roots as 1 with data.approval as 2
	d.internal_message == "data.approval must be an object; data.roots must be a list of strings"
}

test_invalid_data_keeps_the_other_denials if {
	d := mcp.decision with input as with_patch({"version": 2}) with data.roots as 1
	d.reasons == ["invalid_data", "unsupported_input_version"]
}

test_invalid_data_keeps_the_data_driven_denials if {
	d := mcp.decision with input as base with data.disabled_methods as ["tools/call"] with data.roots as 1
	d.reasons == ["invalid_data", "method_disabled"]
}

test_keys_that_configure_no_control_alone_allow if {
	allowed(mcp.decision) with input as base
		with data.default_tier as "dev"
		with data.scope_attribute as "scp"
		with data.log as {"drop_methods": ["ping"]}
}

test_every_list_key_of_a_tier_entry_is_validated if {
	every key in ["tools", "deny_tools", "resources", "deny_resources", "prompts", "deny_prompts"] {
		invalid(mcp.decision, concat("", ["data.tiers.dev.servers.*.", key, " must be a list of strings"])) with input as base
			with data.tiers as {"dev": {"servers": {"*": {key: "x"}}}}
			with data.trust_tiers as {"dev": ["alice"]}
	}
}

test_other_keys_of_a_tier_entry_are_not_validated if {
	allowed(mcp.decision) with input as base
		with data.tiers as {"dev": {"servers": {"*": {"note": "x", "tools": ["echo"]}}}}
		with data.trust_tiers as {"dev": ["alice"]}
}

# The shim checks data_errors once at load and marks the data (src/policy/check-data-once.ts).
test_data_checked_at_load_skips_the_per_message_check if {
	d := mcp.decision with input as base with data.disabled_methods as "tools/call"
		with data.mcp_shim as {"data_checked": true}
	not "invalid_data" in d.reasons
}

test_data_not_checked_at_load_is_checked_per_message if {
	invalid(mcp.decision, "data.disabled_methods must be a list of strings") with input as base
		with data.disabled_methods as "tools/call"
		with data.mcp_shim as {"data_checked": "yes"}
}
