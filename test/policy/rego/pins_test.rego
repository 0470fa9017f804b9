# Tool pins (docs/pinning.md): a changed tool is hidden and denied, naming the change; a new tool
# is allowed unless data.pins.deny_new says otherwise.
package mcp_test

import data.mcp

pinned_call(pin) := with_patch({"operation": {"type": "tool", "name": "echo", "listing": false, "listed": true, "pin": pin}})

pinned_listing(pin) := with_patch({
	"direction": "to_client",
	"message": {"kind": "response", "method": "tools/list"},
	"operation": {"type": "tool", "name": "echo", "listing": true, "listed": true, "pin": pin},
})

changed_description := {"status": "changed", "changed": ["description"]}

test_a_pinned_tool_is_allowed if {
	mcp.decision.allow with input as pinned_call({"status": "pinned"})
}

test_a_changed_tool_call_is_denied_naming_the_change if {
	d := mcp.decision with input as pinned_call({"status": "changed", "changed": ["description", "input_schema"]})
	d.allow == false
	d.reasons == ["tool_changed"]
	d.message == "Tool `echo` is blocked: its definition changed since it was pinned (description, input schema)."
}

test_a_changed_tool_is_hidden_from_lists if {
	d := mcp.decision with input as pinned_listing(changed_description)
	d.allow == false
	d.reasons == ["tool_changed"]
}

test_a_changed_tool_is_denied_in_monitor_input_too if {
	# The decision does not depend on the mode: monitor mode only stops the shim acting on it.
	d := mcp.decision with input as object.union(pinned_call(changed_description), {"mode": "monitor"})
	d.allow == false
}

test_a_new_tool_is_allowed_by_default if {
	mcp.decision.allow with input as pinned_call({"status": "new"})
	mcp.decision.allow with input as pinned_listing({"status": "new"})
}

test_a_new_tool_is_denied_with_deny_new if {
	d := mcp.decision with input as pinned_call({"status": "new"}) with data.pins as {"deny_new": true}
	d.allow == false
	d.reasons == ["tool_not_pinned"]
	d.message == "Tool `echo` is blocked: it is new since the server's tools were pinned."
}

test_deny_new_hides_a_new_tool if {
	d := mcp.decision with input as pinned_listing({"status": "new"}) with data.pins as {"deny_new": true}
	d.reasons == ["tool_not_pinned"]
}

test_deny_new_allows_a_pinned_tool if {
	mcp.decision.allow with input as pinned_call({"status": "pinned"}) with data.pins as {"deny_new": true}
}

test_deny_new_false_allows_a_new_tool if {
	mcp.decision.allow with input as pinned_call({"status": "new"}) with data.pins as {"deny_new": false}
}

test_a_tool_without_pin_is_not_judged_by_pins if {
	mcp.decision.allow with input as base with data.pins as {"deny_new": true}
}

test_mistyped_pins_data_is_invalid if {
	d := mcp.decision with input as base with data.pins as {"deny_new": "yes"}
	d.allow == false
	contains(d.internal_message, "data.pins.deny_new must be a boolean")
}

test_pins_data_must_be_an_object if {
	d := mcp.decision with input as base with data.pins as true
	contains(d.internal_message, "data.pins must be an object")
}
