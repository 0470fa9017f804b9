package system.log_test

import data.system.log

event(arguments, method) := {"input": {"message": {"kind": "request", "method": method}, "arguments": arguments}}

test_nothing_is_masked_by_default if {
	count(log.mask) == 0 with input as event({"password": "x"}, "tools/call")
}

test_mask_arguments_erases_present_arguments if {
	m := log.mask with input as event({"password": "x", "user": "u"}, "tools/call") with data.log as {"mask_arguments": ["password", "token"]}
	m == {"/input/arguments/password"}
}

test_mask_rules_pass_through if {
	rule := {"op": "upsert", "path": "/input/arguments/body", "value": "<redacted>"}
	m := log.mask with input as event({}, "tools/call") with data.log as {"mask": ["/input/environment", rule]}
	m == {"/input/environment", rule}
}

test_drop_methods_drop if {
	log.drop with input as event({}, "ping") with data.log as {"drop_methods": ["ping"]}
}

test_other_methods_are_not_dropped if {
	not log.drop with input as event({}, "tools/call") with data.log as {"drop_methods": ["ping"]}
	not log.drop with input as event({}, "ping")
}
