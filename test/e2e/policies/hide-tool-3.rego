package mcp

# Allows everything except the tool named `tool-3`: it is hidden from tools/list and
# its calls are denied.
default decision := {"allow": true}

decision := {"allow": false, "message": "tool-3 is hidden by the e2e policy"} if {
	input.operation.type == "tool"
	input.operation.name == "tool-3"
}
