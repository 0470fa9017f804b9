# A candidate policy for replay tests: also allows writes inside the roots, and no longer
# allows get_file_info.
package mcp

default decision := {"allow": false, "reasons": ["no rule allows this operation"]}

allowed_tools := {"read_text_file", "list_directory", "write_file"}

decision := {"allow": true, "reasons": ["inside the roots"]} if {
	input.operation.type == "tool"
	allowed_tools[input.operation.name]
	count(input.paths) > 0
	every p in input.paths {
		p.within_roots
	}
}

decision := {"allow": false, "reasons": ["path outside the allowed roots"]} if {
	input.operation.type == "tool"
	some p in input.paths
	not p.within_roots
}

decision := {"allow": true, "reasons": ["lifecycle"]} if {
	input.operation.type in {"lifecycle", "ping"}
}

decision := {"allow": true, "reasons": ["listing"]} if {
	input.operation.listing
}
