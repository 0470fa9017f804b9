package mcp

# Allows everything except server-everything's `get-env` tool (it would show the server's
# environment): hidden from tools/list and its calls denied.
default decision := {"allow": true}

decision := {"allow": false, "message": "get-env is hidden by the e2e policy"} if {
	input.operation.type == "tool"
	input.operation.name == "get-env"
}
