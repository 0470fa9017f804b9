# mcp-opa-shim default policy. Entrypoint: mcp/decision.
#
# Data-driven: every control below is off until `--data` configures it, except the
# built-in safety rules (paths outside the roots, roots answers wider than the roots,
# secret-asking elicitation, sampling unless data allows it). The data schema is
# documented in docs/policy-data.md; the input schema in docs/policy-input.md.
#
# Structure: `denials` collects one object per violated rule; the decision allows
# exactly when there is none. Deny always wins.
package mcp

# ---------------------------------------------------------------- data (with defaults)

default tiers := {}

tiers := data.tiers

default trust_tiers := {}

trust_tiers := data.trust_tiers

default allowed_tools := {}

allowed_tools := data.allowed_tools

default scope_tools := {}

scope_tools := data.scope_tools

default scope_attribute := "scope"

scope_attribute := data.scope_attribute

default approval := {}

approval := data.approval

default argument_rules := []

argument_rules := data.argument_rules

default disabled_methods := []

disabled_methods := data.disabled_methods

default data_roots := []

data_roots := data.roots

default secret_field_patterns := ["password", "passwd", "passphrase", "secret", "token", "key", "credential", "private"]

secret_field_patterns := data.elicitation.secret_field_patterns

# ---------------------------------------------------------------- input shortcuts

op_type := input.operation.type

op_name := object.get(input.operation, "name", "")

method := object.get(input.message, "method", "")

listing if input.operation.listing == true

principal_id := input.principal.id

server_id := input.server.id

# Lifecycle and discovery: never judged by item rules, never disabled by data.
discovery_methods := {
	"initialize",
	"notifications/initialized",
	"server/discover",
	"ping",
	"tools/list",
	"prompts/list",
	"resources/list",
	"resources/templates/list",
	"notifications/cancelled",
	"notifications/progress",
	"notifications/roots/list_changed",
}

discovery if {
	not listing
	method in discovery_methods
}

# An item the policy judges by name: a call/read/get, or a list entry (`listing`).
targets(type) if {
	op_type == type
	not discovery
}

# ---------------------------------------------------------------- trust tiers

tiering_enabled if count(tiers) > 0

listed_tiers contains tier if {
	some tier, members in trust_tiers
	principal_id in members
}

principal_tiers := listed_tiers if count(listed_tiers) > 0

principal_tiers := {data.default_tier} if {
	count(listed_tiers) == 0
	is_string(data.default_tier)
}

default principal_tiers := set()

# Server entries (objects) of the principal's tiers whose key matches this server.
tier_entries contains {"tier": tier, "server": pattern, "rules": rules, "read_only": read_only_entry(tiers[tier], rules)} if {
	some tier in principal_tiers
	some pattern, rules in tiers[tier].servers
	is_object(rules)
	glob.match(pattern, no_delimiters, server_id)
}

default read_only_entry(_, _) := false

read_only_entry(tier, _) if tier.read_only == true

read_only_entry(_, rules) if rules.read_only == true

# `servers: {"ddl": false}` denies a server outright, over any wildcard entry.
server_denied_by_tier if {
	some tier in principal_tiers
	some pattern, rules in tiers[tier].servers
	rules == false
	glob.match(pattern, no_delimiters, server_id)
}

principal_permitted if not tiering_enabled

principal_permitted if {
	tiering_enabled
	count(tier_entries) > 0
	not server_denied_by_tier
}

# item_allowed_by_tier(kind) for kind in tools/resources/prompts: some entry allows it.
item_allowed_by_tier(kind) if {
	some e in tier_entries
	some pattern in object.get(e.rules, kind, ["*"])
	glob.match(pattern, name_delimiters(kind), op_name)
}

item_denied_by_tier(kind) if {
	some e in tier_entries
	some pattern in object.get(e.rules, concat("_", ["deny", kind]), [])
	glob.match(pattern, name_delimiters(kind), op_name)
}

# ---------------------------------------------------------------- helpers

# Globs: in names (tools, prompts, servers, methods) `*` matches any run of characters;
# an empty delimiter list would mean ".", so the delimiter is a control character names never
# hold (not NUL: the Wasm runtime's strings end there).
no_delimiters := ["\u0001"]

# In resource URIs `/` delimits: `*` stays within a segment, `**` crosses segments.
name_delimiters("resources") := ["/"]

name_delimiters(kind) := no_delimiters if kind != "resources"

deny(reason, message, internal) := {"reason": reason, "message": message, "internal": internal}

# Text for messages; never undefined, so a denial can never vanish because of an odd value.
text(x) := x if is_string(x)

text(x) := json.marshal(x) if not is_string(x)

quote(x) := concat("", ["`", text(x), "`"])

has_role(roles) if {
	some r in roles
	r in input.principal.roles
}

approval_granted if input.approval.granted == true

kind_of := {"tool": "tools", "resource": "resources", "prompt": "prompts"}

noun_of := {"tool": "Tool", "resource": "Resource", "prompt": "Prompt"}

# ---------------------------------------------------------------- denials

denials contains deny(
	"unsupported_input_version",
	"Request denied by policy.",
	concat("", ["policy input version ", json.marshal(object.get(input, "version", null)), " is not 1"]),
) if {
	not input.version == 1
}

denials contains deny(
	"principal_not_permitted",
	concat("", ["Principal ", quote(principal_id), " may not use server ", quote(server_id), "."]),
	concat("", ["principal ", quote(principal_id), " (tiers ", concat(",", principal_tiers), ") has no tier entry for server ", quote(server_id)]),
) if {
	tiering_enabled
	input.direction == "to_server"
	input.message.kind in {"request", "notification"}
	not principal_permitted
}

denials contains deny(
	"method_disabled",
	concat("", ["Method ", quote(method), " is disabled by policy."]),
	concat("", ["method ", quote(method), " matches disabled_methods"]),
) if {
	count(disabled_methods) > 0
	not listing
	not method in discovery_methods
	some pattern in disabled_methods
	glob.match(pattern, no_delimiters, method)
}

denials contains deny(
	"tier_item_not_permitted",
	concat("", [noun_of[op_type], " ", quote(op_name), " is not permitted for principal ", quote(principal_id), "."]),
	concat("", [lower(noun_of[op_type]), " ", quote(op_name), " not allowed by tiers ", concat(",", principal_tiers), " on server ", quote(server_id)]),
) if {
	tiering_enabled
	some type, kind in kind_of
	targets(type)
	principal_permitted
	not item_allowed_by_tier(kind)
}

denials contains deny(
	"tier_item_denied",
	concat("", [noun_of[op_type], " ", quote(op_name), " is not permitted for principal ", quote(principal_id), "."]),
	concat("", [lower(noun_of[op_type]), " ", quote(op_name), " matches a deny pattern of tiers ", concat(",", principal_tiers), " on server ", quote(server_id)]),
) if {
	tiering_enabled
	some type, kind in kind_of
	targets(type)
	item_denied_by_tier(kind)
}

# Read-only tiers: only tools the server annotates readOnlyHint: true (so destructive ones never).
denials contains deny(
	"read_only_tier",
	concat("", ["Tool ", quote(op_name), " may modify data and principal ", quote(principal_id), " has read-only access."]),
	concat("", ["tool ", quote(op_name), " lacks readOnlyHint: true (destructiveHint: ", json.marshal(object.get(input.operation, ["annotations", "destructiveHint"], null)), ") and a matching tier entry is read_only"]),
) if {
	tiering_enabled
	targets("tool")
	some e in tier_entries
	e.read_only
	not input.operation.annotations.readOnlyHint == true
}

# Dapr pattern: principal → tool allow-list; "*" applies to every principal.
denials contains deny(
	"tool_not_in_allow_list",
	concat("", ["Tool ", quote(op_name), " is not permitted for principal ", quote(principal_id), "."]),
	concat("", ["tool ", quote(op_name), " is not in allowed_tools for ", quote(principal_id)]),
) if {
	count(allowed_tools) > 0
	targets("tool")
	not tool_in_allow_list
}

tool_in_allow_list if {
	some key in [principal_id, "*"]
	some pattern in allowed_tools[key]
	glob.match(pattern, no_delimiters, op_name)
}

# Maverics pattern: tool access by scope carried in a principal attribute (space-separated).
denials contains deny(
	"tool_not_in_scopes",
	concat("", ["Tool ", quote(op_name), " requires a scope principal ", quote(principal_id), " does not have."]),
	concat("", ["tool ", quote(op_name), " not granted by scopes ", quote(object.get(input.principal.attributes, scope_attribute, "")), " (attribute ", quote(scope_attribute), ")"]),
) if {
	count(scope_tools) > 0
	targets("tool")
	not tool_in_scopes
}

tool_in_scopes if {
	some scope in split(object.get(input.principal.attributes, scope_attribute, ""), " ")
	some pattern in object.get(scope_tools, scope, [])
	glob.match(pattern, no_delimiters, op_name)
}

# High-risk tools (named, or destructive when approval.destructive) need approval.
approval_needed if {
	some pattern in object.get(approval, "tools", [])
	glob.match(pattern, no_delimiters, op_name)
}

approval_needed if {
	object.get(approval, "destructive", false) == true
	input.operation.annotations.destructiveHint == true
}

denials contains deny(
	"approval_required",
	concat("", ["approval required: tool ", quote(op_name), " is high-risk and needs human approval."]),
	concat("", ["tool ", quote(op_name), " requires approval; input.approval.granted is not true"]),
) if {
	count(approval) > 0
	targets("tool")
	not listing
	approval_needed
	not approval_granted
}

# Argument rules: conditions on a call's arguments (never applied to listings).
argument_rule_matches(rule) if {
	glob.match(object.get(rule, "tool", "*"), no_delimiters, op_name)
	glob.match(object.get(rule, "server", "*"), no_delimiters, server_id)
	every name, value in object.get(rule, "when", {}) {
		input.arguments[name] == value
	}
	every name, values in object.get(rule, "when_in", {}) {
		input.arguments[name] in values
	}
}

argument_rule_label(i, rule) := object.get(rule, "name", concat("", ["argument_rules[", format_int(i, 10), "]"]))

denials contains deny(
	"argument_rule_role",
	object.get(rule, "message", concat("", ["Tool ", quote(op_name), " with these arguments requires role ", concat(" or ", [quote(r) | some r in rule.require_any_role]), "."])),
	concat("", [argument_rule_label(i, rule), ": principal ", quote(principal_id), " lacks roles ", json.marshal(rule.require_any_role)]),
) if {
	count(argument_rules) > 0
	targets("tool")
	not listing
	some i, rule in argument_rules
	is_array(rule.require_any_role)
	argument_rule_matches(rule)
	not has_role(rule.require_any_role)
}

denials contains deny(
	"approval_required",
	object.get(rule, "message", concat("", ["approval required: tool ", quote(op_name), " with these arguments needs human approval."])),
	concat("", [argument_rule_label(i, rule), ": requires approval; input.approval.granted is not true"]),
) if {
	count(argument_rules) > 0
	targets("tool")
	not listing
	some i, rule in argument_rules
	rule.require_approval == true
	argument_rule_matches(rule)
	not approval_granted
}

denials contains deny(
	"argument_rule_denied",
	object.get(rule, "message", concat("", ["Tool ", quote(op_name), " is not permitted with these arguments."])),
	concat("", [argument_rule_label(i, rule), ": deny"]),
) if {
	count(argument_rules) > 0
	targets("tool")
	not listing
	some i, rule in argument_rules
	rule.deny == true
	argument_rule_matches(rule)
}

# File roots: input.paths carries every resolved path argument (and each root of a roots answer).
denials contains deny(
	reason,
	concat("", [noun, " ", quote(p.raw), " is outside the allowed roots."]),
	concat("", [lower(noun), " ", quote(p.raw), " at ", text(p.pointer), " resolves to ", quote(object.get(p, "resolved", "<unresolved>")), ", outside roots ", json.marshal(input.roots)]),
) if {
	count(input.roots) > 0
	not listing
	some p in input.paths
	not p.within_roots == true
	[reason, noun] := path_labels
}

denials contains deny(
	reason,
	concat("", [noun, " ", quote(p.raw), " is outside the allowed roots."]),
	concat("", [lower(noun), " ", quote(p.raw), " at ", text(p.pointer), " resolves to ", quote(object.get(p, "resolved", "<unresolved>")), ", outside data.roots ", json.marshal(data_roots)]),
) if {
	count(data_roots) > 0
	not listing
	some p in input.paths
	not within_data_roots(p)
	[reason, noun] := path_labels
}

default path_labels := ["path_outside_roots", "Path"]

path_labels := ["root_outside_roots", "Root"] if op_type == "roots"

within_data_roots(p) if {
	some root in data_roots
	p.resolved == root
}

within_data_roots(p) if {
	some root in data_roots
	startswith(p.resolved, concat("", [trim_suffix(root, "/"), "/"]))
}

# Server-to-client: sampling spends the user's model on the server's prompt; off unless data allows.
denials contains deny(
	"sampling_not_allowed",
	"Sampling requests from this server are not allowed by policy.",
	concat("", ["sampling from server ", quote(server_id), " is not enabled (data.sampling.allow / data.sampling.servers)"]),
) if {
	op_type == "sampling"
	input.direction == "to_client"
	not sampling_allowed
}

sampling_allowed if data.sampling.allow == true

sampling_allowed if {
	some pattern in data.sampling.servers
	glob.match(pattern, no_delimiters, server_id)
}

# Elicitation in form mode must not ask the user for secrets: field names and labels are checked.
denials contains deny(
	"elicitation_secret_field",
	"Elicitation requests asking for secrets (passwords, tokens, keys) are not allowed.",
	concat("", ["elicitation form field ", quote(field), " looks like a secret (pattern ", quote(pattern), ")"]),
) if {
	op_type == "elicitation"
	input.direction == "to_client"
	object.get(input.operation, ["details", "mode"], "form") == "form"
	some field in elicitation_field_texts
	some pattern in secret_field_patterns
	contains(lower(field), lower(pattern))
}

elicitation_field_texts contains text(field) if {
	some key in ["fields", "field_labels"]
	some field in object.get(input.operation, ["details", key], [])
}

denials contains deny(
	"elicitation_not_allowed",
	"Elicitation requests from this server are not allowed by policy.",
	concat("", ["data.elicitation.allow is false for server ", quote(server_id)]),
) if {
	op_type == "elicitation"
	input.direction == "to_client"
	data.elicitation.allow == false
}

# ---------------------------------------------------------------- decision

reasons := sort({d.reason | some d in denials})

obligations := object.union(
	{"method_disabled": true | some d in denials; d.reason == "method_disabled"},
	{"approval_required": true | some d in denials; d.reason == "approval_required"},
)

decision := {
	"allow": true,
	"reasons": [],
	"message": "",
	"internal_message": "allowed",
	"obligations": obligations,
} if {
	count(denials) == 0
}

decision := {
	"allow": false,
	"reasons": reasons,
	"message": concat(" ", sort({d.message | some d in denials})),
	"internal_message": concat("; ", sort({d.internal | some d in denials})),
	"obligations": obligations,
} if {
	count(denials) > 0
}
