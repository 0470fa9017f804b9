# The parser differential's policy: everything is allowed except three marked shapes, which the
# test's oracle (helpers/frame-oracle.ts) mirrors exactly:
# the method "danger/method", a call of the tool "danger", a tool call whose `cmd` argument is "rm".
package mcp

default decision := {"allow": true}

decision := {"allow": false, "reasons": ["marked"], "message": "This message is marked as denied by the adversarial policy."} if marked

marked if input.message.method == "danger/method"

marked if {
	input.operation.type == "tool"
	input.operation.name == "danger"
}

marked if {
	input.operation.type == "tool"
	input.arguments.cmd == "rm"
}
