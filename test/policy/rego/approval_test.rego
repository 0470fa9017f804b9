# Approval in the input (added 2026-12-06): the shim sets approval.granted (with approval.scope)
# from the session's approvals; session.approvals lists them for rules of one's own.
package mcp_test

import data.mcp

approved(inp, scope, approvals) := object.union(inp, {
	"approval": {"granted": true, "scope": scope},
	"session": object.union(base.session, {"approvals": approvals}),
})

listed_only(inp, approvals) := object.union(inp, {"session": object.union(base.session, {"approvals": approvals})})

deploy_session := [{"tool": "deploy_release", "scope": "session", "at": "2026-12-05T23:00:00.000Z"}]

test_approved_once_allows_the_call if {
	inp := approved(call("deploy_release", {}), "once", [{"tool": "deploy_release", "scope": "once", "at": "2026-12-05T23:00:00.000Z"}])
	allowed(mcp.decision) with input as inp with data.approval as {"tools": ["deploy_*"]}
}

test_approved_for_the_session_allows_the_call if {
	inp := approved(call("deploy_release", {}), "session", deploy_session)
	allowed(mcp.decision) with input as inp with data.approval as {"tools": ["deploy_*"]}
}

test_session_approvals_alone_grant_nothing if {
	# Only the shim's approval.granted (this exact call, or the tool for the session) counts.
	d := mcp.decision with input as listed_only(call("deploy_release", {}), deploy_session)
		with data.approval as {"tools": ["deploy_*"]}
	denied(d, "approval_required")
}

test_approval_never_overrides_another_denial if {
	inp := approved(call("deploy_release", {}), "session", deploy_session)
	d := mcp.decision with input as inp
		with data.approval as {"tools": ["deploy_*"]}
		with data.allowed_tools as {"alice": ["echo"]}
	d.reasons == ["tool_not_in_allow_list"]
}

test_approval_message_does_not_claim_no_approver if {
	d := mcp.decision with input as call("deploy_release", {}) with data.approval as {"tools": ["deploy_*"]}
	d.message == "approval required: tool `deploy_release` is high-risk and needs human approval."
}

test_argument_rule_approval_granted_allows if {
	rule := {"tool": "deploy_release", "when": {"env": "prod"}, "require_approval": true}
	inp := object.union(call("deploy_release", {}), {"arguments": {"env": "prod"}})
	denied(mcp.decision, "approval_required") with input as inp with data.argument_rules as [rule]
	allowed(mcp.decision) with input as approved(inp, "once", []) with data.argument_rules as [rule]
}
