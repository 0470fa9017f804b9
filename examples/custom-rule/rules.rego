# A rule added to the default policy with `--rules examples/custom-rule/rules.rego`.
#
# Rules files declare `package mcp.user` (the shim refuses any other package) and add to the
# `denials` set: each element is an object with `reason`, `message` (shown to the client and the
# model) and `internal` (logs and audit only). Deny always wins, so a rule here narrows access;
# the built-in protections (`--root` confinement, the sampling denial, the elicitation secret
# check) and every `--data` control stay in force.
package mcp.user

# Tools of server-filesystem that change files.
writers := {"write_file", "edit_file", "move_file", "create_directory"}

denials contains {
	"reason": "files_read_only",
	"message": sprintf("Tool `%s` changes files; this workspace is read-only.", [input.operation.name]),
	"internal": sprintf("examples/custom-rule: %s is in writers", [input.operation.name]),
} if {
	input.operation.type == "tool"
	input.operation.name in writers
}
