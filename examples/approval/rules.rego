# A rule that reads `input.session.approvals` (added to the input on 2026-12-06), added with
# `--rules examples/approval/rules.rego`: a rollback is allowed only in a session in which a
# human approved a deploy. The approvals list names the tool, the scope and when; never the
# arguments.
package mcp.user

deploy_approved if {
	some approval in input.session.approvals
	approval.tool == "deploy_release"
}

denials contains {
	"reason": "rollback_without_approved_deploy",
	"message": "Tool `rollback_release` may run only after a deploy was approved in this session.",
	"internal": "examples/approval: no deploy_release in input.session.approvals",
} if {
	input.operation.type == "tool"
	input.operation.name == "rollback_release"
	not deploy_approved
}
