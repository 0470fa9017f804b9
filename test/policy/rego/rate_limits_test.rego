package mcp_test

import data.mcp

rate_limits := [{"tool": "glob", "per_minute": 2}]

quotas := [{"tool": "deploy", "per_day": 1, "per_argument": "env"}]

with_rate(inp, counts, resets) := object.union(inp, {"rate": {"window_seconds": 60, "counts": counts, "resets_at": resets}})

with_quota(inp, counts, resets) := object.union(inp, {"quota": {"window_seconds": 86400, "counts": counts, "resets_at": resets}})

test_rate_limit_allows_below_the_limit_and_asks_to_count if {
	d := mcp.decision with input as with_rate(call("glob", {}), {"everything/glob": 1}, {}) with data.rate_limits as rate_limits
	allowed(d)
	d.obligations.count == {"rate": ["everything/glob"], "quota": [], "rate_limits": [2], "quota_limits": []}
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
	d.obligations == {"count": {"rate": [], "quota": [], "rate_limits": [], "quota_limits": []}}
}

# The limits promise the shim that the windows matter only at a limit (docs/rate-limits.md):
# judged without them below the limit, the decision is the one the windows give.
test_below_every_limit_the_windows_do_not_change_the_decision if {
	inp := object.union(call("deploy", {}), {"arguments": {"env": "prod"}})
	windows := with_quota(with_rate(inp, {"everything/deploy": 1}, {"everything/deploy": "2026-01-01T00:01:00.000Z"}), {"everything/deploy|env=prod": 2}, {"everything/deploy|env=prod": "2026-01-02T00:00:00.000Z"})
	limits := [{"tool": "deploy", "per_minute": 2}, {"tool": "*", "per_minute": 5}]
	with_windows := mcp.decision with input as windows with data.rate_limits as limits with data.quotas as [{"tool": "deploy", "per_day": 3, "per_argument": "env"}]
	without := mcp.decision with input as inp with data.rate_limits as limits with data.quotas as [{"tool": "deploy", "per_day": 3, "per_argument": "env"}]
	allowed(with_windows)
	with_windows == without
	without.obligations.count == {"rate": ["everything/deploy", "everything/deploy"], "quota": ["everything/deploy|env=prod"], "rate_limits": [2, 5], "quota_limits": [3]}
}

# A --rules rule may read the windows itself: no limits are given, so the shim always passes them.
test_with_user_rules_no_limits_are_given if {
	d := mcp.decision with input as call("glob", {}) with data.rate_limits as rate_limits with data.mcp.user.denials as set()
	allowed(d)
	d.obligations.count == {"rate": ["everything/glob"], "quota": []}
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
