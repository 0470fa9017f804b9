# Your rules, added to the shipped default policy (package mcp.user is the extension point).
#
# Each element of `denials` denies the message it matches: `reason` is a code for the audit
# log, `message` goes to the client and the model, `internal` only to the logs. Deny always
# wins, and the built-in protections (`--root` confinement, the sampling denial, the
# elicitation secret check, every data control) stay in force.
#
# The policy input is documented in docs/policy-input.md of mcp-opa-shim; input.json here is
# one. `print(...)` lines show up in the shim's debug log (`--log-level debug`) with their
# location, and on stderr with `mcp-opa-shim eval`.
package mcp.user

# An example: uncomment to make server-filesystem read-only.
#
# writers := {"write_file", "edit_file", "move_file", "create_directory"}
#
# denials contains {
# 	"reason": "files_read_only",
# 	"message": sprintf("Tool `%s` changes files; this workspace is read-only.", [input.operation.name]),
# 	"internal": sprintf("rules.rego: %s is in writers", [input.operation.name]),
# } if {
# 	input.operation.type == "tool"
# 	input.operation.name in writers
# }
