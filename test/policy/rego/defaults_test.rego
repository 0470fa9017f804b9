package mcp_test

import data.mcp

test_no_data_allows_a_tool_call if {
	allowed(mcp.decision) with input as base
}

test_no_data_allows_discovery if {
	allowed(mcp.decision) with input as with_patch({
		"message": {"kind": "request", "method": "initialize", "id": 0},
		"operation": {"type": "lifecycle", "name": "initialize", "listing": false},
	})
}

test_other_input_versions_are_denied if {
	denied(mcp.decision, "unsupported_input_version") with input as with_patch({"version": 2})
}

test_an_allow_has_every_field if {
	d := mcp.decision with input as base
	object.keys(d) == {"allow", "reasons", "message", "internal_message", "obligations"}
}

test_a_deny_has_both_messages if {
	d := mcp.decision with input as with_patch({"version": 0})
	d.message != ""
	d.internal_message != ""
}

test_mistyped_data_denies_everything if {
	d := mcp.decision with input as base with data.disabled_methods as "tools/call"
	denied(d, "invalid_data")
	contains(d.internal_message, "data.disabled_methods must be a list of strings")
}

test_mistyped_tier_entry_denies if {
	denied(mcp.decision, "invalid_data") with input as base
		with data.tiers as {"dev": {"servers": {"*": {"deny_tools": "rm"}}}}
		with data.trust_tiers as {"dev": ["alice"]}
}

test_well_typed_data_is_not_invalid if {
	allowed(mcp.decision) with input as base
		with data.tiers as {"dev": {"servers": {"*": {"deny_tools": ["rm"]}}}}
		with data.trust_tiers as {"dev": ["alice"]}
		with data.approval as {"tools": ["deploy"]}
		with data.sampling as {"servers": ["x"]}
}

test_an_allow_is_exactly_the_allow_decision if {
	d := mcp.decision with input as base
	d == {"allow": true, "reasons": [], "message": "", "internal_message": "allowed", "obligations": {}}
}

test_a_deny_without_obligations_has_none if {
	d := mcp.decision with input as with_patch({"version": 2})
	d.obligations == {}
}

test_a_deny_carries_every_obligation if {
	d := mcp.decision with input as base
		with data.disabled_methods as ["tools/call"]
		with data.approval as {"tools": ["echo"]}
	d.reasons == ["approval_required", "method_disabled"]
	d.obligations == {"approval_required": true, "method_disabled": true}
}

test_empty_data_keys_switch_nothing_on if {
	allowed(mcp.decision) with input as base
		with data.tiers as {}
		with data.disabled_methods as []
		with data.allowed_tools as {}
		with data.scope_tools as {}
		with data.approval as {}
		with data.argument_rules as []
		with data.roots as []
}

test_a_single_denial_is_the_whole_decision if {
	d := mcp.decision with input as base with data.argument_rules as [{"deny": true, "message": "No."}]
	d == {"allow": false, "reasons": ["argument_rule_denied"], "message": "No.", "internal_message": "argument_rules[0]: deny", "obligations": {}}
}

test_two_denials_are_sorted_and_joined if {
	d := mcp.decision with input as with_patch({"version": 2}) with data.argument_rules as [{"deny": true, "message": "No."}]
	d.reasons == ["argument_rule_denied", "unsupported_input_version"]
	d.message == "No. Request denied by policy."
	d.internal_message == "argument_rules[0]: deny; policy input version 2 is not 1"
}

# A message that is not a string cannot be joined: the decision is undefined and the shim fails closed.
test_a_non_string_rule_message_fails_closed if {
	not mcp.decision with input as base with data.argument_rules as [{"deny": true, "message": 5}]
}
