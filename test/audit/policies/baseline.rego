# Test policy for audit tests: reads inside the roots are allowed, writes and anything outside
# the roots are denied; `system.log` masks passwords, upserts tokens and drops pings.
package mcp

default decision := {"allow": false, "reasons": ["no rule allows this operation"]}

read_tools := {"read_text_file", "list_directory", "get_file_info"}

decision := {"allow": true, "reasons": ["read inside the roots"]} if {
	input.operation.type == "tool"
	read_tools[input.operation.name]
	count(input.paths) > 0
	every p in input.paths {
		p.within_roots
	}
}

decision := {"allow": false, "reasons": ["path outside the allowed roots"], "message": "That path is outside the allowed folders."} if {
	input.operation.type == "tool"
	some p in input.paths
	not p.within_roots
}

decision := {"allow": true, "reasons": ["lifecycle"]} if {
	input.operation.type in {"lifecycle", "ping"}
}

decision := {"allow": true, "reasons": ["listing"]} if {
	input.operation.listing
	input.operation.name != "write_file"
}
