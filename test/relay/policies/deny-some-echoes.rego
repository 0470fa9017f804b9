# Test policy: everything is allowed except two echo calls and one hidden tool (concealed: `conceal: true`).
package mcp

import rego.v1

default decision := {"allow": true}

decision := {"allow": false, "message": "Saying forbidden things is not allowed.", "internal_message": "rule: no-forbidden-echo"} if {
	input.operation.type == "tool"
	input.operation.name == "echo"
	input.arguments.text == "forbidden"
}

decision := {"allow": false, "message": "not for you", "conceal": true} if {
	input.operation.type == "tool"
	input.operation.name == "secret_tool"
}

decision := {"allow": false, "message": "pings are disabled", "obligations": {"method_disabled": true}} if {
	input.message.method == "ping"
	input.direction == "to_server"
}
