package mcp_test

import data.mcp

rate_limits := [{"tool": "glob", "per_minute": 2}]

quotas := [{"tool": "deploy", "per_day": 1, "per_argument": "env"}]

with_rate(inp, counts, resets) := object.union(inp, {"rate": {"window_seconds": 60, "counts": counts, "resets_at": resets}})

with_quota(inp, counts, resets) := object.union(inp, {"quota": {"window_seconds": 86400, "counts": counts, "resets_at": resets}})

test_rate_limit_allows_below_the_limit_and_asks_to_count if {
	d := mcp.decision with input as with_rate(call("glob", {}), {"everything/glob": 1}, {}) with data.rate_limits as rate_limits
	allowed(d)
	d.obligations.count == {"rate": ["everything/glob"], "quota": []}
}

test_rate_limit_denies_at_the_limit_and_says_when_it_resets if {
	d := mcp.decision with input as with_rate(call("glob", {}), {"everything/glob": 2}, {"everything/glob": "2026-01-01T00:01:00.000Z"})
		with data.rate_limits as rate_limits
	denied(d, "rate_limited")
	d.message == "Rate limit reached: tool `glob` may be called 2 times per minute; it resets at 2026-01-01T00:01:00.000Z (when the oldest counted call leaves the window)."
	not d.obligations.count
}

test_rate_limit_counts_each_tool_on_its_own if {
	d := mcp.decision with input as with_rate(call("echo", {}), {"everything/glob": 5}, {}) with data.rate_limits as [{"tool": "*", "per_minute": 2}]
	allowed(d)
	d.obligations.count.rate == ["everything/echo"]
}

test_rate_limit_on_another_server_does_not_apply if {
	d := mcp.decision with input as with_rate(call("glob", {}), {"everything/glob": 9}, {})
		with data.rate_limits as [{"tool": "glob", "server": "fs", "per_minute": 1}]
	allowed(d)
	d.obligations == {}
}

test_quota_counts_per_argument_value if {
	d := mcp.decision with input as object.union(with_quota(call("deploy", {}), {"everything/deploy|env=staging": 1}, {}), {"arguments": {"env": "prod"}})
		with data.quotas as quotas
	allowed(d)
	d.obligations.count.quota == ["everything/deploy|env=prod"]
}

test_quota_denies_when_the_day_is_used_up if {
	d := mcp.decision with input as object.union(with_quota(call("deploy", {}), {"everything/deploy|env=prod": 1}, {"everything/deploy|env=prod": "2026-01-02T00:00:00.000Z"}), {"arguments": {"env": "prod"}})
		with data.quotas as quotas
	denied(d, "quota_exceeded")
	d.message == "Quota exceeded: tool `deploy` with env `prod` may be called 1 times per day; it resets at 2026-01-02T00:00:00.000Z (when the oldest counted call leaves the window)."
}

test_counts_absent_from_the_input_mean_zero if {
	allowed(mcp.decision) with input as call("glob", {}) with data.rate_limits as rate_limits
}

test_without_limits_nothing_is_counted if {
	d := mcp.decision with input as call("glob", {})
	d.obligations == {}
}

test_listings_and_other_methods_are_never_counted if {
	d := mcp.decision with input as listing("glob", {}) with data.rate_limits as rate_limits
	allowed(d)
	d.obligations == {}
}

test_a_limit_of_zero_denies_every_call if {
	d := mcp.decision with input as call("glob", {}) with data.rate_limits as [{"tool": "glob", "per_minute": 0}]
	denied(d, "rate_limited")
	d.message == "Rate limit reached: tool `glob` may be called 0 times per minute."
}

test_a_malformed_limit_is_invalid_data if {
	d := mcp.decision with input as call("echo", {}) with data.rate_limits as [{"tool": "glob", "per_minute": "ten"}]
	denied(d, "invalid_data")
	contains(d.internal_message, "data.rate_limits[0] needs a non-negative integer per_minute")
	denied(mcp.decision, "invalid_data") with input as call("echo", {}) with data.quotas as {"tool": "x"}
}
