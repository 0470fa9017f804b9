# The fleet's policy: every tool is allowed but those in data.blocked_tools.
# Edit data.json (or this file), publish, and every running shim picks it up.
package mcp

default decision := {
	"allow": false,
	"message": "This tool is blocked by the platform team's policy.",
}

decision := {"allow": true} if not blocked

# A tool call, or a tool's entry in a tools/list result, naming a blocked tool.
blocked if {
	input.operation.type == "tool"
	input.operation.name in data.blocked_tools
}
