# mcp-opa-shim default policy. Entrypoint: mcp/decision.
#
# Data-driven: every control below is off until `--data` configures it, except the
# built-in safety rules (paths outside the roots, roots answers wider than the roots,
# secret-asking elicitation, sampling unless data allows it). The data schema is
# documented in docs/policy-data.md; the input schema in docs/policy-input.md.
#
# Structure: `denials` collects one object per violated rule; the decision allows
# exactly when there is none. Deny always wins. Rules that need a data key are in
# `data_denials`, skipped as a whole when no data key is present (see data_configured).
# Performance (every message is judged): each rule body starts with its cheapest failing
# test, usually a raw data key lookup, so an allowed decision costs a few lookups.
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

# Matched as substrings of a folded text, its word parts joined (`passWord`, `pass_word` →
# `password`) or split (`one-time code` → `one time code`); a phrase also matches written as one
# word (`seedPhrase`). Long enough to be specific.
default secret_field_patterns := [
	"password", "passwd", "passphrase", "passcode", "secret", "token", "key", "credential", "private",
	"pin code", "pin number", "one time code", "one time pin", "security code", "verification code",
	"auth code", "authentication code", "mfa code", "2fa code", "otp code", "recovery code",
	"backup code", "recovery phrase", "seed phrase", "mnemonic", "card number", "credit card",
	"debit card", "card verification", "social security",
]

secret_field_patterns := data.elicitation.secret_field_patterns

# Too short to be a substring (`spinner`, `opinion`, `shipping`): matched as whole words, word
# parts (`user_pin`, `PIN code`, `2FA`) or a word whose parts are joined (`PiN`, `o.t.p`).
default secret_words := ["pin", "pins", "otp", "totp", "hotp", "cvv", "cvv2", "cvc", "cvc2", "csc", "2fa", "mfa", "tfa", "ssn", "pwd", "pw"]

secret_words := data.elicitation.secret_words

# ---------------------------------------------------------------- input shortcuts

op_type := input.operation.type

op_name := object.get(input.operation, "name", "")

method := object.get(input.message, "method", "")

# Booleans used under `not` get a false default: the Wasm runtime memoises only defined rule
# values, so an undefined one would be recomputed at every use.
default listing := false

listing if input.operation.listing == true

principal_id := input.principal.id

server_id := input.server.id

# Lifecycle and discovery: never judged by item rules, never disabled by data.
# (A function of constants: cheaper in Wasm than building and searching a set per evaluation.)
discovery_method("initialize")

discovery_method("notifications/initialized")

discovery_method("server/discover")

discovery_method("ping")

discovery_method("tools/list")

discovery_method("prompts/list")

discovery_method("resources/list")

discovery_method("resources/templates/list")

discovery_method("notifications/cancelled")

discovery_method("notifications/progress")

discovery_method("notifications/roots/list_changed")

default discovery := false

discovery if {
	not listing
	discovery_method(method)
}

# An item the policy judges by name: a call/read/get, or a list entry (`listing`).
# A completion names the prompt or resource it completes: it is judged as that item, so a
# hidden prompt cannot be completed either.
completion_targets := {"ref/prompt": "prompt", "ref/resource": "resource"}

target_type := completion_targets[input.operation.details.ref_type] if op_type == "completion"

target_type := op_type if op_type != "completion"

targets(type) if {
	target_type == type
	not discovery
}

# ---------------------------------------------------------------- trust tiers

default tiering_enabled := false

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
tier_entries contains [tier, pattern] if {
	some tier in principal_tiers
	some pattern, rules in tiers[tier].servers
	is_object(rules)
	name_match(pattern, server_id)
}

entry_rules(entry) := tiers[entry[0]].servers[entry[1]]

default read_only_entry(_, _) := false

read_only_entry(tier, _) if tier.read_only == true

read_only_entry(_, rules) if rules.read_only == true

# `servers: {"ddl": false}` denies a server outright, over any wildcard entry.
server_denied_by_tier if {
	some tier in principal_tiers
	some pattern, rules in tiers[tier].servers
	rules == false
	name_match(pattern, server_id)
}

# What the principal's tiers give it on this server. These depend only on the data, the principal
# and the server, so the shim computes them once per run (the plan, at the end of this file) and
# each message reads them from `data.mcp_shim.plan`; without a plan they are computed here.
default tiers_permit_principal := false

tiers_permit_principal if not tiering_enabled

tiers_permit_principal if {
	tiering_enabled
	count(tier_entries) > 0
	not server_denied_by_tier
}

default tiers_read_only := false

tiers_read_only if {
	some e in tier_entries
	read_only_entry(tiers[e[0]], entry_rules(e))
}

# For kind in tools/resources/prompts: the patterns of every matching entry (an entry without the
# list allows every item), and of their deny lists.
tier_allow_list(kind) := [p | some e in tier_entries; some p in object.get(entry_rules(e), kind, ["*"])]

tier_deny_list(kind) := [p | some e in tier_entries; some p in object.get(entry_rules(e), concat("_", ["deny", kind]), [])]

principal_permitted := data.mcp_shim.plan.principal_permitted if planned

else := tiers_permit_principal

tier_read_only := data.mcp_shim.plan.tier_read_only if planned

else := tiers_read_only

tier_allow_patterns(kind) := data.mcp_shim.plan.tier_items[kind].allow if planned

else := tier_allow_list(kind)

tier_deny_patterns(kind) := data.mcp_shim.plan.tier_items[kind].deny if planned

else := tier_deny_list(kind)

principal_tier_names := data.mcp_shim.plan.tier_names if planned

else := concat(",", sort(principal_tiers))

# Some entry allows (denies) the item.
item_allowed_by_tier(kind) if item_matches(kind, tier_allow_patterns(kind), op_name)

item_denied_by_tier(kind) if item_matches(kind, tier_deny_patterns(kind), op_name)

# ---------------------------------------------------------------- helpers

# Globs: in names (tools, prompts, servers, methods) `*` matches any run of characters;
# an empty delimiter list would mean ".", so the delimiter is a control character names never
# hold (not NUL: the Wasm runtime's strings end there).
no_delimiters := ["\u0001"]

# In resource URIs `/` delimits: `*` stays within a segment, `**` crosses segments.
uri_delimiters := ["/"]

# name_match(pattern, name): the glob `pattern` matches `name`. glob.match compiles its pattern
# on every call (several µs in Wasm), so the common shapes — "*", a literal, "prefix*" — are
# decided with plain string builtins first. A pattern without glob characters is a literal:
# it stops after one comparison and the glob_meta test.
name_match(pattern, pattern)

name_match("*", _)

name_match(pattern, name) if {
	pattern != name
	glob_meta(pattern)
	glob_name_match(pattern, name)
}

# `pattern` holds a glob character; the bodies are mutually exclusive.
glob_name_match(pattern, name) if {
	endswith(pattern, "*")
	prefix := trim_suffix(pattern, "*")
	not glob_meta(prefix)
	startswith(name, prefix)
}

glob_name_match(pattern, name) if {
	glob_meta(trim_suffix(pattern, "*"))
	glob.match(pattern, no_delimiters, name)
}

glob_meta(s) if contains(s, "*")

glob_meta(s) if contains(s, "?")

glob_meta(s) if contains(s, "[")

glob_meta(s) if contains(s, "{")

glob_meta(s) if contains(s, "\\")

# A pattern list compiled for name_match, for the plan (computed once, matched on every message):
# one lookup for every literal (and for a pattern equal to the name), `startswith` for "prefix*",
# glob.match for the rest. compiled_match(compiled_patterns(list), name) holds exactly when some
# pattern of the list name_match-es the name (a pattern that is not a string keeps name_match).
compiled_patterns(patterns) := {
	"any": has_any_pattern(patterns),
	"names": {p: true | some p in patterns; is_string(p)},
	"prefixes": [trim_suffix(p, "*") |
		some p in patterns
		is_string(p)
		endswith(p, "*")
		not glob_meta(trim_suffix(p, "*"))
	],
	"globs": [p |
		some p in patterns
		is_string(p)
		glob_meta(trim_suffix(p, "*"))
	],
	"others": [p | some p in patterns; not is_string(p)],
}

default has_any_pattern(_) := false

has_any_pattern(patterns) if "*" in patterns

compiled_match(c, _) if c.any == true

compiled_match(c, name) if c.names[name] == true

compiled_match(c, name) if {
	some prefix in c.prefixes
	startswith(name, prefix)
}

compiled_match(c, name) if {
	some pattern in c.globs
	glob.match(pattern, no_delimiters, name)
}

compiled_match(c, name) if {
	some pattern in c.others
	name_match(pattern, name)
}

# Some pattern of a list (as written, without a plan) or of its compiled form (from the plan) matches.
patterns_match(patterns, name) if {
	is_array(patterns)
	some pattern in patterns
	name_match(pattern, name)
}

patterns_match(patterns, name) if {
	is_object(patterns)
	compiled_match(patterns, name)
}

# Item patterns of a tier entry: resource URIs are globs with `/` delimiting (never compiled).
item_patterns("resources", patterns) := patterns

item_patterns(kind, patterns) := compiled_patterns(patterns) if kind != "resources"

item_matches("resources", patterns, name) if {
	some pattern in patterns
	glob.match(pattern, uri_delimiters, name)
}

item_matches(kind, patterns, name) if {
	kind != "resources"
	patterns_match(patterns, name)
}

# Messages a client sends: requests and notifications (not responses).
sent_kind("request")

sent_kind("notification")

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
	concat("", ["policy input version ", json.marshal(input_version), " is not 1"]),
) if {
	not input.version == 1
}

# Read as `input.version`, never as the whole `input`: the engine then passes the policy only
# the input keys its rules name (scripts/input-keys.mjs).
default input_version := null

input_version := input.version

data_denials contains deny(
	"principal_not_permitted",
	concat("", ["Principal ", quote(principal_id), " may not use server ", quote(server_id), "."]),
	concat("", ["principal ", quote(principal_id), " (tiers ", principal_tier_names, ") has no tier entry for server ", quote(server_id)]),
) if {
	data.tiers
	tiering_enabled
	input.direction == "to_server"
	sent_kind(input.message.kind)
	not principal_permitted
}

data_denials contains deny(
	"method_disabled",
	concat("", ["Method ", quote(method), " is disabled by policy."]),
	concat("", ["method ", quote(method), " matches disabled_methods"]),
) if {
	data.disabled_methods
	count(disabled_methods) > 0
	patterns_match(disabled_method_patterns, method)
	not listing
	not discovery_method(method)
}

disabled_method_patterns := data.mcp_shim.plan.disabled_methods if planned

else := disabled_methods

data_denials contains deny(
	"tier_item_not_permitted",
	concat("", [noun_of[target_type], " ", quote(op_name), " is not permitted for principal ", quote(principal_id), "."]),
	concat("", [lower(noun_of[target_type]), " ", quote(op_name), " not allowed by tiers ", principal_tier_names, " on server ", quote(server_id)]),
) if {
	data.tiers
	tiering_enabled
	kind := kind_of[target_type]
	not discovery
	principal_permitted
	not item_allowed_by_tier(kind)
}

data_denials contains deny(
	"tier_item_denied",
	concat("", [noun_of[target_type], " ", quote(op_name), " is not permitted for principal ", quote(principal_id), "."]),
	concat("", [lower(noun_of[target_type]), " ", quote(op_name), " matches a deny pattern of tiers ", principal_tier_names, " on server ", quote(server_id)]),
) if {
	data.tiers
	tiering_enabled
	kind := kind_of[target_type]
	not discovery
	item_denied_by_tier(kind)
}

# Read-only tiers: only tools the server annotates readOnlyHint: true (so destructive ones never).
data_denials contains deny(
	"read_only_tier",
	concat("", ["Tool ", quote(op_name), " may modify data and principal ", quote(principal_id), " has read-only access."]),
	concat("", ["tool ", quote(op_name), " lacks readOnlyHint: true (destructiveHint: ", json.marshal(object.get(input.operation, ["annotations", "destructiveHint"], null)), ") and a matching tier entry is read_only"]),
) if {
	data.tiers
	tiering_enabled
	tier_read_only
	targets("tool")
	not input.operation.annotations.readOnlyHint == true
}

# Dapr pattern: principal → tool allow-list; "*" applies to every principal.
data_denials contains deny(
	"tool_not_in_allow_list",
	concat("", ["Tool ", quote(op_name), " is not permitted for principal ", quote(principal_id), "."]),
	concat("", ["tool ", quote(op_name), " is not in allowed_tools for ", quote(principal_id)]),
) if {
	data.allowed_tools
	count(allowed_tools) > 0
	targets("tool")
	not tool_in_allow_list
}

tool_in_allow_list if patterns_match(allow_list_patterns, op_name)

allow_list_patterns := data.mcp_shim.plan.allow_list if planned

else := allow_list_patterns_of_principal

allow_list_patterns_of_principal := [pattern |
	some key in [principal_id, "*"]
	some pattern in allowed_tools[key]
]

# Maverics pattern: tool access by scope carried in a principal attribute (space-separated).
data_denials contains deny(
	"tool_not_in_scopes",
	concat("", ["Tool ", quote(op_name), " requires a scope principal ", quote(principal_id), " does not have."]),
	concat("", ["tool ", quote(op_name), " not granted by scopes ", quote(object.get(input.principal.attributes, scope_attribute, "")), " (attribute ", quote(scope_attribute), ")"]),
) if {
	data.scope_tools
	count(scope_tools) > 0
	targets("tool")
	not tool_in_scopes
}

tool_in_scopes if patterns_match(scope_patterns, op_name)

scope_patterns := data.mcp_shim.plan.scope_tools if planned

else := scope_patterns_of_principal

scope_patterns_of_principal := [pattern |
	some scope in split(object.get(input.principal.attributes, scope_attribute, ""), " ")
	some pattern in object.get(scope_tools, scope, [])
]

# High-risk tools (named, or destructive when approval.destructive) need approval.
approval_needed if patterns_match(approval_tool_patterns, op_name)

approval_tool_patterns := data.mcp_shim.plan.approval_tools if planned

else := object.get(approval, "tools", [])

approval_needed if {
	object.get(approval, "destructive", false) == true
	input.operation.annotations.destructiveHint == true
}

data_denials contains deny(
	"approval_required",
	concat("", ["approval required: tool ", quote(op_name), " is high-risk and needs human approval."]),
	concat("", ["tool ", quote(op_name), " requires approval; input.approval.granted is not true"]),
) if {
	data.approval
	count(approval) > 0
	targets("tool")
	not listing
	approval_needed
	not approval_granted
}

# Argument rules: conditions on a call's arguments (never applied to listings).
# `argument_rule_hits`: the indices of the rules that match this call (tool, server, arguments) and
# may deny this run's principal (one pass over the rules, shared by the three denials below). With
# a plan, only the rules it indexes for this call's tool are looked at.
argument_rule_hits contains i if {
	not planned
	some i, rule in argument_rules
	name_match(object.get(rule, "tool", "*"), op_name)
	argument_rule_applies(rule)
	argument_values_match(rule)
}

argument_rule_hits contains i if {
	planned
	some i in object.get(data.mcp_shim.plan.argument_rules.by_tool, op_name, [])
	argument_values_match(argument_rules[i])
}

argument_rule_hits contains i if {
	planned
	some i in data.mcp_shim.plan.argument_rules.by_pattern
	rule := argument_rules[i]
	name_match(object.get(rule, "tool", "*"), op_name)
	argument_values_match(rule)
}

# The rule names this server and can deny this principal (a role rule only when it lacks the roles).
argument_rule_applies(rule) if {
	name_match(object.get(rule, "server", "*"), server_id)
	argument_rule_may_deny(rule)
}

argument_rule_may_deny(rule) if {
	is_array(rule.require_any_role)
	not has_role(rule.require_any_role)
}

argument_rule_may_deny(rule) if rule.require_approval == true

argument_rule_may_deny(rule) if rule.deny == true

argument_values_match(rule) if {
	every name, value in object.get(rule, "when", {}) {
		input.arguments[name] == value
	}
	every name, values in object.get(rule, "when_in", {}) {
		input.arguments[name] in values
	}
}

# For the plan: the rules that apply to this run, by literal tool name and the others (globs).
argument_rule_index := {
	"by_tool": {tool: [i |
		some i, rule in argument_rules
		object.get(rule, "tool", "*") == tool
		argument_rule_applies(rule)
	] |
		some rule in argument_rules
		tool := object.get(rule, "tool", "*")
		literal_name(tool)
	},
	"by_pattern": [i |
		some i, rule in argument_rules
		not literal_name(object.get(rule, "tool", "*"))
		argument_rule_applies(rule)
	],
}

literal_name(x) if {
	is_string(x)
	not glob_meta(x)
}

argument_rule_label(i, rule) := object.get(rule, "name", concat("", ["argument_rules[", format_int(i, 10), "]"]))

data_denials contains deny(
	"argument_rule_role",
	object.get(rule, "message", concat("", ["Tool ", quote(op_name), " with these arguments requires role ", concat(" or ", [quote(r) | some r in rule.require_any_role]), "."])),
	concat("", [argument_rule_label(i, rule), ": principal ", quote(principal_id), " lacks roles ", json.marshal(rule.require_any_role)]),
) if {
	data.argument_rules
	count(argument_rules) > 0
	targets("tool")
	not listing
	some i in argument_rule_hits
	rule := argument_rules[i]
	is_array(rule.require_any_role)
	not has_role(rule.require_any_role)
}

data_denials contains deny(
	"approval_required",
	object.get(rule, "message", concat("", ["approval required: tool ", quote(op_name), " with these arguments needs human approval."])),
	concat("", [argument_rule_label(i, rule), ": requires approval; input.approval.granted is not true"]),
) if {
	data.argument_rules
	count(argument_rules) > 0
	targets("tool")
	not listing
	some i in argument_rule_hits
	rule := argument_rules[i]
	rule.require_approval == true
	not approval_granted
}

data_denials contains deny(
	"argument_rule_denied",
	object.get(rule, "message", concat("", ["Tool ", quote(op_name), " is not permitted with these arguments."])),
	concat("", [argument_rule_label(i, rule), ": deny"]),
) if {
	data.argument_rules
	count(argument_rules) > 0
	targets("tool")
	not listing
	some i in argument_rule_hits
	rule := argument_rules[i]
	rule.deny == true
}

# File roots: input.paths carries every resolved path argument (and each root of a roots answer).
denials contains deny(
	reason,
	path_message(noun, p),
	concat("", [lower(noun), " ", quote(p.raw), " at ", text(p.pointer), " resolves to ", quote(object.get(p, "resolved", object.get(p, "unresolved_because", "<unresolved>"))), ", outside roots ", json.marshal(input.roots)]),
) if {
	input.paths != []
	count(input.roots) > 0
	not listing
	some p in input.paths
	not p.within_roots == true
	[reason, noun] := path_labels
}

data_denials contains deny(
	reason,
	path_message(noun, p),
	concat("", [lower(noun), " ", quote(p.raw), " at ", text(p.pointer), " resolves to ", quote(object.get(p, "resolved", object.get(p, "unresolved_because", "<unresolved>"))), ", outside data.roots ", json.marshal(data_roots)]),
) if {
	data.roots
	count(data_roots) > 0
	not listing
	some p in input.paths
	not within_data_roots(p)
	[reason, noun] := path_labels
}

# A relative path whose base the shim cannot establish (or that names several files) says how
# to make it judgeable.
path_message(noun, p) := concat("", [
	noun, " ", quote(p.raw),
	" is relative, and the shim cannot tell which directory the server resolves it against (the server is started through a shell or launcher whose command line hides it). ",
	"Use an absolute path inside the allowed roots, or start the shim with `--path-base <dir>` naming the server's base directory.",
]) if {
	p.unresolved_because == "relative_base_unknown"
} else := concat("", [
	noun, " ", quote(p.raw),
	" is relative, and the server's base directories turn it into different files. ",
	"Use an absolute path inside the allowed roots, or name the one base with `--path-base <dir>`.",
]) if {
	p.unresolved_because == "relative_base_ambiguous"
} else := concat("", [noun, " ", quote(p.raw), " is outside the allowed roots."])

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
	input.operation.type == "sampling"
	input.direction == "to_client"
	not sampling_allowed
}

sampling_allowed if data.sampling.allow == true

sampling_allowed if {
	some pattern in data.sampling.servers
	name_match(pattern, server_id)
}

# Elicitation in form mode must not ask the user for secrets: field names and labels are checked.
denials contains deny(
	"elicitation_secret_field",
	"Elicitation requests asking for secrets (passwords, tokens, keys) are not allowed.",
	concat("", ["elicitation form field ", quote(field), " looks like a secret (pattern ", quote(pattern), ")"]),
) if {
	input.operation.type == "elicitation"
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

# The folded texts (docs/policy-input.md, `details.folded_*`): the message and every string of the
# requested schema, with lookalike letters, zero-width characters and accents folded away. Patterns
# and words match in the same form: lowercase, word parts joined (patterns) or split (words).
denials contains deny(
	"elicitation_secret_field",
	"Elicitation requests asking for secrets (passwords, tokens, keys) are not allowed.",
	concat("", ["elicitation ", hit.where, " text ", quote(hit.text), " looks like a secret (", hit.kind, " ", quote(hit.pattern), ")"]),
) if {
	input.operation.type == "elicitation"
	input.direction == "to_client"
	some hit in elicitation_secret_hits
}

elicitation_secret_hits contains {"where": where, "text": shown(text), "kind": "pattern", "pattern": pattern} if {
	some [where, text] in elicitation_folded_texts
	some spelling in [replace(text, "_", ""), replace(text, "_", " ")]
	some [form, pattern] in secret_pattern_forms
	contains(spelling, form)
}

elicitation_secret_hits contains {"where": where, "text": shown(text), "kind": "word", "pattern": word} if {
	some [where, text] in elicitation_folded_texts
	some spelling in [replace(text, "_", " "), replace(text, "_", "")]
	padded := concat("", [" ", spelling, " "])
	some [form, word] in secret_word_forms
	contains(padded, form)
}

# Folded once per evaluation, not once per text: a form may carry hundreds of texts.
secret_pattern_forms := {[form, pattern] |
	some pattern in secret_field_patterns
	some form in pattern_forms(pattern)
}

secret_word_forms := {[concat("", [" ", soft_spaced(word), " "]), word] | some word in secret_words}

elicitation_folded_texts contains ["message", text] if {
	elicitation_checks_message
	text := input.operation.details.folded_message
}

elicitation_folded_texts contains ["form", text] if {
	elicitation_form
	some text in input.operation.details.folded_texts
}

default elicitation_form := false

elicitation_form if object.get(input.operation, ["details", "mode"], "form") == "form"

elicitation_checks_message if elicitation_form

# URL mode is where the spec sends secrets (the user types them into the page, not the client), so
# its message is checked only when data asks for it.
elicitation_checks_message if data.elicitation.check_url_message == true

# `api key` matches `an api key` and `apiKey`; `api_key` and `api-key` mean the same.
pattern_forms(pattern) := {spaced, replace(spaced, " ", "")} if spaced := soft_spaced(pattern)

soft_spaced(s) := strings.replace_n({"_": " ", "-": " ", ".": " "}, lower(s))

# The client sees the message, the audit log the internal reason: a long text is shown cut.
shown(text) := substring(text, 0, 80)

# A text cut by the input builder may hide a secret request past the cut: unknown means deny.
denials contains deny(
	"elicitation_text_unchecked",
	"Elicitation request denied: its text is too long for the shim to check for requests for secrets.",
	"elicitation texts were cut by the input builder (operation.details.folded_truncated)",
) if {
	input.operation.type == "elicitation"
	input.direction == "to_client"
	input.operation.details.folded_truncated == true
	elicitation_checks_message
}

denials contains deny(
	"elicitation_not_allowed",
	"Elicitation requests from this server are not allowed by policy.",
	concat("", ["data.elicitation.allow is false for server ", quote(server_id)]),
) if {
	input.operation.type == "elicitation"
	input.direction == "to_client"
	data.elicitation.allow == false
}

# ---------------------------------------------------------------- extension point: --rules

# Files given with `--rules` are compiled together with this policy, in package `mcp.user`
# (the shim refuses any other package, so they cannot redefine or add to a rule here). Each
# element of their `denials` set adds a denial: deny always wins, so a user rule can narrow
# access and never widen it. An element that is not an object still denies.
denials contains user_denial(d) if {
	some d in data.mcp.user.denials
}

user_denial(d) := deny(
	text(object.get(d, "reason", "user_rule")),
	text(object.get(d, "message", "Request denied by policy.")),
	text(object.get(d, "internal", "denied by a --rules rule")),
) if is_object(d)

user_denial(d) := deny("user_rule", "Request denied by policy.", text(d)) if not is_object(d)

# `denials := …` that is not a set (a typo for `denials contains …`) would add nothing: deny all.
denials contains deny(
	"invalid_user_rules",
	"Request denied: the policy's --rules are invalid.",
	concat("", ["data.mcp.user.denials must be a set (write `denials contains {...} if ...`), got ", json.marshal(x)]),
) if {
	x := data.mcp.user.denials
	not is_set(x)
}

# ---------------------------------------------------------------- data validation

# A mistyped data key must not switch a control off (a string where a list of denials belongs
# would otherwise match nothing): every decision is denied until the data is fixed.
data_denials contains deny(
	"invalid_data",
	"Request denied: the policy data is invalid.",
	concat("; ", sort(data_errors)),
) if {
	not data_checked_at_load
	count(data_errors) > 0
}

# Rules that need a data key (invalid_data included) live in `data_denials`, evaluated only when
# some data key is present: with no data, the usual case, they cost one lookup per key.
# `_ =` rather than a truth test: a key set to false or null is present (and invalid).
# With a plan, `data_clear` (at the end of this file) proves for most messages that none of them
# can deny, without evaluating them. `data_configured` first: with data that holds only limits
# (not a key of these rules) `data_clear` is not evaluated at all.
denials contains d if {
	data_configured
	not data_clear
	some d in data_denials
}

data_configured if _ = data.tiers

data_configured if _ = data.trust_tiers

data_configured if _ = data.allowed_tools

data_configured if _ = data.scope_tools

data_configured if _ = data.approval

data_configured if _ = data.argument_rules

data_configured if _ = data.disabled_methods

data_configured if _ = data.roots

data_configured if _ = data.sampling

data_configured if _ = data.elicitation

string_list(x) if {
	is_array(x)
	every item in x {
		is_string(item)
	}
}

object_of_string_lists(x) if {
	is_object(x)
	every _, list in x {
		string_list(list)
	}
}

# Each check reads its data key directly: an absent key is valid (its default is), and
# the absent case must cost next to nothing, as it is checked on every evaluation.
data_errors contains "data.tiers must be an object" if {
	x := data.tiers
	not is_object(x)
}

data_errors contains "data.trust_tiers must be an object of string lists" if {
	x := data.trust_tiers
	not object_of_string_lists(x)
}

data_errors contains "data.allowed_tools must be an object of string lists" if {
	x := data.allowed_tools
	not object_of_string_lists(x)
}

data_errors contains "data.scope_tools must be an object of string lists" if {
	x := data.scope_tools
	not object_of_string_lists(x)
}

data_errors contains "data.approval must be an object" if {
	x := data.approval
	not is_object(x)
}

data_errors contains "data.argument_rules must be a list of objects" if {
	x := data.argument_rules
	not list_of_objects(x)
}

data_errors contains "data.disabled_methods must be a list of strings" if {
	x := data.disabled_methods
	not string_list(x)
}

data_errors contains "data.roots must be a list of strings" if {
	x := data.roots
	not string_list(x)
}

data_errors contains "data.sampling must be an object" if {
	x := data.sampling
	not is_object(x)
}

data_errors contains "data.elicitation must be an object" if {
	x := data.elicitation
	not is_object(x)
}

list_of_objects(x) if {
	is_array(x)
	every item in x {
		is_object(item)
	}
}

default sampling_config := {}

sampling_config := data.sampling

default elicitation_config := {}

elicitation_config := data.elicitation

data_errors contains concat("", ["data.tiers.", tier, " must be an object with a servers object"]) if {
	some tier, value in data.tiers
	not valid_tier(value)
}

valid_tier(t) if {
	is_object(t)
	is_object(object.get(t, "servers", {}))
}

data_errors contains concat("", ["data.tiers.", tier, ".servers.", pattern, " must be an object or false"]) if {
	some tier, t in data.tiers
	some pattern, entry in object.get(t, "servers", {})
	not is_object(entry)
	entry != false
}

data_errors contains concat("", ["data.tiers.", tier, ".servers.", pattern, ".", key, " must be a list of strings"]) if {
	some tier, t in data.tiers
	some pattern, entry in object.get(t, "servers", {})
	is_object(entry)
	some key, list in entry
	entry_list_key(key)
	not string_list(list)
}

entry_list_key("tools")

entry_list_key("deny_tools")

entry_list_key("resources")

entry_list_key("deny_resources")

entry_list_key("prompts")

entry_list_key("deny_prompts")

data_errors contains "data.approval.tools must be a list of strings" if {
	x := data.approval
	is_object(x)
	not string_list(object.get(x, "tools", []))
}

data_errors contains concat("", ["data.argument_rules[", format_int(i, 10), "] has a non-list require_any_role or non-object when/when_in"]) if {
	some i, rule in data.argument_rules
	is_object(rule)
	not valid_argument_rule(rule)
}

valid_argument_rule(rule) if {
	string_list(object.get(rule, "require_any_role", []))
	is_object(object.get(rule, "when", {}))
	is_object(object.get(rule, "when_in", {}))
	every _, values in object.get(rule, "when_in", {}) {
		is_array(values)
	}
}

data_errors contains "data.elicitation.secret_field_patterns must be a list of strings" if {
	x := data.elicitation.secret_field_patterns
	not string_list(x)
}

data_errors contains "data.elicitation.secret_words must be a list of strings" if {
	x := data.elicitation.secret_words
	not string_list(x)
}

# Texts are folded to ASCII where they look like it (docs/policy-input.md); a pattern in another
# form would silently never match.
data_errors contains concat("", ["data.elicitation.", key, " entry ", quote(entry), " must be ASCII letters and digits, optionally separated by single spaces, `_`, `-` or `.`"]) if {
	some key in ["secret_field_patterns", "secret_words"]
	some entry in object.get(elicitation_config, key, [])
	is_string(entry)
	not regex.match(`^[a-z0-9]+([ _.-][a-z0-9]+)*$`, lower(entry))
}

data_errors contains "data.elicitation.check_url_message must be a boolean" if {
	x := data.elicitation.check_url_message
	not is_boolean(x)
}

data_errors contains "data.sampling.servers must be a list of strings" if {
	x := data.sampling
	is_object(x)
	not string_list(object.get(x, "servers", []))
}

# ---------------------------------------------------------------- decision

reasons := sort({d.reason | some d in denials})

# Reasons the shim acts on beyond denying (docs/policy-data.md, "Decision").
obligation_reason("method_disabled")

obligation_reason("approval_required")

obligations := {reason: true |
	some d in denials
	reason := d.reason
	obligation_reason(reason)
}

# The hot path: no denial means no obligation but the counts (`{}` without rate limits or quotas).
decision := {
	"allow": true,
	"reasons": [],
	"message": "",
	"internal_message": "allowed",
	"obligations": count_obligations,
} if {
	count(denials) == 0
} else := {
	"allow": false,
	"reasons": [d.reason],
	"message": d.message,
	"internal_message": d.internal,
	"obligations": {r: true | r := d.reason; obligation_reason(r)},
} if {
	# One denial (the usual deny): the same decision without sorting and joining sets. A message
	# that is not a string (argument_rules[].message) takes the general path, where concat fails.
	count(denials) == 1
	some d in denials
	is_string(d.message)
} else := {
	"allow": false,
	"reasons": reasons,
	"message": concat(" ", sort({d.message | some d in denials})),
	"internal_message": concat("; ", sort({d.internal | some d in denials})),
	"obligations": obligations,
}

# --- tool pins (docs/pinning.md) ---

# `input.operation.pin` is present on a tool's inputs (calls and list items) when pinning is on.
# A tool whose definition differs from its pin is hidden from lists and its calls are denied,
# until `mcp-opa-shim pins accept` pins the new definition. The message names what changed.
pin_part_names := {
	"description": "description",
	"input_schema": "input schema",
	"output_schema": "output schema",
	"annotations": "annotations",
}

pin_changes := concat(", ", [object.get(pin_part_names, part, text(part)) | some part in object.get(input.operation.pin, "changed", [])])

denials contains deny(
	"tool_changed",
	concat("", ["Tool ", quote(op_name), " is blocked: its definition changed since it was pinned (", pin_changes, ")."]),
	concat("", ["tool ", quote(op_name), " differs from its pin in: ", pin_changes, "; review with `mcp-opa-shim pins diff`, then `pins accept`"]),
) if {
	input.operation.pin.status == "changed"
	op_type == "tool"
}

# New tools (listed after the server's first listing was pinned) are flagged in the input and by
# `pin` audit records, and allowed unless data.pins.deny_new is true.
data_denials contains deny(
	"tool_not_pinned",
	concat("", ["Tool ", quote(op_name), " is blocked: it is new since the server's tools were pinned."]),
	concat("", ["tool ", quote(op_name), " has no pin and data.pins.deny_new is true; review with `mcp-opa-shim pins diff`, then `pins accept`"]),
) if {
	data.pins.deny_new == true
	input.operation.pin.status == "new"
	op_type == "tool"
}

data_configured if _ = data.pins

data_errors contains "data.pins must be an object" if {
	x := data.pins
	not is_object(x)
}

data_errors contains "data.pins.deny_new must be a boolean" if {
	x := data.pins.deny_new
	not is_boolean(x)
}

# --- rate limits and quotas ---
# docs/rate-limits.md. An allowed tools/call names in `obligations.count` the counter keys it
# counts under; the shim counts it once forwarded and shows the counts in later inputs:
# `rate` (the last minute, this session, in memory) and `quota` (the last day, every shim of
# the principal, persisted). Denied calls are never counted. Top-level keys, not under
# `session`: the embedded policy is never passed `session` (docs/policy-input.md).
# Performance: the rules here are in `denials` (not `data_denials`), so data with only limits
# does not switch every other data rule on, and each limit is matched once per evaluation
# (`rate_hits`, `quota_hits` are rules: computed once, read by the denials and the obligations).

default rate_limits := []

rate_limits := data.rate_limits

default quotas := []

quotas := data.quotas

default counters_configured := false

counters_configured if _ = data.rate_limits

counters_configured if _ = data.quotas

default rate_window := {}

rate_window := input.rate

default quota_window := {}

quota_window := input.quota

# A call the client sends to the server: the only messages counted.
default counted_call := false

counted_call if {
	counters_configured
	method == "tools/call"
	input.direction == "to_server"
	input.message.kind == "request"
}

# [entry, counter key, limit] of each entry that applies to this call.
rate_hits := [[rule, counter_key(rule), rule.per_minute] |
	counted_call
	some rule in rate_limits
	counter_applies(rule)
]

quota_hits := [[rule, counter_key(rule), rule.per_day] |
	counted_call
	some rule in quotas
	counter_applies(rule)
]

counter_applies(rule) := counter_applies_to(rule, op_name, server_id)

counter_applies_to(rule, tool, server) if {
	name_match(object.get(rule, "tool", "*"), tool)
	name_match(object.get(rule, "server", "*"), server)
}

# One counter per server and tool (a glob rule limits each matching tool on its own) and, with
# `per_argument`, per value of that argument (`deploy|env=prod`).
counter_key(rule) := concat("", [server_id, "/", op_name]) if {
	not rule.per_argument
}

counter_key(rule) := concat("", [server_id, "/", op_name, "|", arg, "=", text(object.get(input.arguments, arg, null))]) if {
	arg := rule.per_argument
	is_string(arg)
}

window_count(window, key) := object.get(object.get(window, "counts", {}), key, 0)

default resets_text(_, _) := "."

resets_text(window, key) := concat("", ["; it resets at ", at, " (when the oldest counted call leaves the window)."]) if {
	at := window.resets_at[key]
	is_string(at)
}

per_argument_text(rule) := concat("", [" with ", rule.per_argument, " ", quote(object.get(input.arguments, rule.per_argument, null))]) if {
	is_string(rule.per_argument)
}

default per_argument_text(_) := ""

denials contains deny(
	"rate_limited",
	concat("", ["Rate limit reached: tool ", quote(op_name), per_argument_text(rule), " may be called ", format_int(limit, 10), " times per minute", resets_text(rate_window, key)]),
	concat("", ["rate_limits entry for tool ", quote(object.get(rule, "tool", "*")), " (per_minute ", format_int(limit, 10), "): ", format_int(used, 10), " counted calls in the last minute under key ", quote(key)]),
) if {
	not counters_clear
	some [rule, key, limit] in rate_hits
	used := window_count(rate_window, key)
	used >= limit
}

denials contains deny(
	"quota_exceeded",
	concat("", ["Quota exceeded: tool ", quote(op_name), per_argument_text(rule), " may be called ", format_int(limit, 10), " times per day", resets_text(quota_window, key)]),
	concat("", ["quotas entry for tool ", quote(object.get(rule, "tool", "*")), " (per_day ", format_int(limit, 10), "): ", format_int(used, 10), " counted calls in the last 24 hours under key ", quote(key)]),
) if {
	not counters_clear
	some [rule, key, limit] in quota_hits
	used := window_count(quota_window, key)
	used >= limit
}

# Arrays, not sets: cheaper to build in Wasm; the shim counts a key named twice once.
# `rate_limits` and `quota_limits` give each key's limit, in the same order. They tell the shim
# that the windows matter to this decision only through these limits, so it may judge a call
# without them while every count is below its limit (docs/rate-limits.md). Not given when
# `--rules` are compiled in: a user rule may read the windows itself.
default count_obligations := {}

count_obligations := {"count": planned_counters.count} if {
	counted_call
	not user_rules_compiled
} else := {"count": {
	"rate": [key | some [_, key, _] in rate_hits],
	"quota": [key | some [_, key, _] in quota_hits],
	"rate_limits": [limit | some [_, _, limit] in rate_hits],
	"quota_limits": [limit | some [_, _, limit] in quota_hits],
}} if {
	# Also with no limit for this tool: the lists are empty, and the promise still holds.
	counted_call
	not user_rules_compiled
} else := {"count": {
	"rate": [key | some [_, key, _] in rate_hits],
	"quota": [key | some [_, key, _] in quota_hits],
}} if {
	counted_call
	count(rate_hits) + count(quota_hits) > 0
}

default user_rules_compiled := false

user_rules_compiled if _ = data.mcp.user.denials

# The plan's counters for this call's tool (`counter_plan` below): the obligations the rules
# above would give, computed once per tool. Undefined when the plan cannot answer for this tool
# (a glob pattern or a per_argument entry that applies): the rules above decide.
planned_counters := c if {
	planned
	c := data.mcp_shim.plan.counters.tools[op_name]
} else := data.mcp_shim.plan.counters.unnamed if {
	planned
	not data.mcp_shim.plan.counters.tools[op_name]
	data.mcp_shim.plan.counters.names_only
}

# No rate or quota denial can fire: judged without the windows, every count is 0, and no limit
# that applies to this tool is 0.
counters_clear if {
	not input.rate
	not input.quota
	planned_counters.all_positive
}

# Also in `data_errors`, which the shim evaluates once at load (so a decision with data checked
# at load skips this walk) and which `data_denials` reads when other data keys are present; this
# denial covers data with only limits, where `data_denials` is skipped as a whole.
denials contains deny("invalid_data", "Request denied: the policy data is invalid.", concat("; ", sort(counter_errors))) if {
	not data_checked_at_load
	counters_configured
	not data_configured
	count(counter_errors) > 0
}

data_errors contains e if {
	counters_configured
	some e in counter_errors
}

counter_lists := {"rate_limits": ["per_minute", rate_limits], "quotas": ["per_day", quotas]}

counter_errors contains concat("", ["data.", key, " must be a list of objects"]) if {
	some key, [_, list] in counter_lists
	not is_array(list)
}

counter_errors contains concat("", ["data.", key, "[", format_int(i, 10), "] needs a non-negative integer ", field, " and string tool, server and per_argument"]) if {
	some key, [field, list] in counter_lists
	is_array(list)
	some i, rule in list
	not valid_counter_rule(rule, field)
}

valid_counter_rule(rule, field) if {
	is_object(rule)
	limit := rule[field]
	is_number(limit)
	limit >= 0
	round(limit) == limit
	is_string(object.get(rule, "tool", "*"))
	is_string(object.get(rule, "server", "*"))
	is_string(object.get(rule, "per_argument", ""))
}

# --- data checked once at load (issue 14) ---

# `data_errors` walks the whole data document. The shim evaluates it once when it loads the
# data (entrypoint mcp/data_errors, src/policy/load-engine.ts), refuses data with any error and
# then sets data.mcp_shim.data_checked, so the walk does not run again for every message.
# Without the shim (opa eval, opa test, an OPA server) the key is absent: every decision checks.
default data_checked_at_load := false

data_checked_at_load if data.mcp_shim.data_checked == true

# --- per-process plan (issue 14) ---

# Entrypoint mcp/process_plan: what the data gives this run's principal on this server, computed
# once. Its input holds only the parts of the policy input that are fixed for a shim process
# (`principal` and `server.id`). The shim evaluates it when it loads the data (and at every
# reload, src/policy/process-plan.ts) and passes the result back as data.mcp_shim.plan; the rules
# above then read these values for every input whose principal and server are the plan's, instead
# of resolving the tiers, matching the server entries and scanning the pattern lists again, and
# `data_clear` below skips the data rules for a message none of them can deny. Any other input,
# and any evaluation without the shim (opa eval, opa test, an OPA server), computes them per
# message as before: the same decisions either way (test/policy/process-plan.test.ts).
process_plan := object.union(plan_values, {"clear_tools": {name: tool_clear_value(plan_values, name) | some name in plan_tool_names}})

plan_values := {
	"principal": input.principal,
	"server_id": server_id,
	"principal_permitted": tiers_permit_principal,
	"tier_read_only": tiers_read_only,
	"tier_names": concat(",", sort(principal_tiers)),
	"tier_items": {kind: {
		"allow": item_patterns(kind, tier_allow_list(kind)),
		"deny": item_patterns(kind, tier_deny_list(kind)),
	} |
		some kind in ["tools", "resources", "prompts"]
	},
	"allow_list": compiled_patterns(allow_list_patterns_of_principal),
	"scope_tools": compiled_patterns(scope_patterns_of_principal),
	"approval_tools": compiled_patterns(object.get(approval, "tools", [])),
	"disabled_methods": compiled_patterns(disabled_methods),
	"argument_rules": argument_rule_index,
	# Which data rules are on (their first tests), for data_clear.
	"tiering": tiering_on,
	"allow_list_on": allow_list_on,
	"scopes_on": scopes_on,
	"approval_on": approval_on,
	"approval_destructive": approval_destructive,
	"argument_rules_on": argument_rules_on,
	"disabled_methods_on": disabled_methods_on,
	"clear_methods": {m: true | some m in known_methods; not method_disabled_by_data(m)},
	"data_roots_on": data_roots_on,
	"pins_deny_new": pins_deny_new,
	"counters": counter_plan,
}

# This input is the planned run's: the shim's own inputs always are.
default planned := false

# The plan's values read only these parts of the principal; compared part by part, which is
# cheaper in Wasm than comparing the objects.
planned if {
	plan := data.mcp_shim.plan
	plan.principal.id == input.principal.id
	plan.server_id == input.server.id
	plan.principal.roles == input.principal.roles
	plan.principal.attributes == input.principal.attributes
}

default tiering_on := false

tiering_on if {
	data.tiers
	tiering_enabled
}

default allow_list_on := false

allow_list_on if {
	data.allowed_tools
	count(allowed_tools) > 0
}

default scopes_on := false

scopes_on if {
	data.scope_tools
	count(scope_tools) > 0
}

default approval_on := false

approval_on if {
	data.approval
	count(approval) > 0
}

default approval_destructive := false

approval_destructive if {
	approval_on
	object.get(approval, "destructive", false) == true
}

default argument_rules_on := false

argument_rules_on if {
	data.argument_rules
	count(argument_rules) > 0
}

default disabled_methods_on := false

disabled_methods_on if {
	data.disabled_methods
	count(disabled_methods) > 0
}

default data_roots_on := false

data_roots_on if {
	data.roots
	count(data_roots) > 0
}

default pins_deny_new := false

pins_deny_new if data.pins.deny_new == true

method_disabled_by_data(m) if {
	disabled_methods_on
	patterns_match(compiled_patterns(disabled_methods), m)
}

# The methods whose `disabled_methods` test the plan answers (any other method: the rule decides).
known_methods := [
	"initialize", "notifications/initialized", "ping", "tools/call", "tools/list", "resources/read",
	"resources/list", "resources/templates/list", "resources/subscribe", "resources/unsubscribe",
	"prompts/get", "prompts/list", "completion/complete", "logging/setLevel", "roots/list",
	"sampling/createMessage", "elicitation/create", "notifications/cancelled", "notifications/progress",
	"notifications/message", "notifications/roots/list_changed", "notifications/tools/list_changed",
	"notifications/resources/list_changed", "notifications/resources/updated",
	"notifications/prompts/list_changed",
]

# Rate limits and quotas for this run's server: for each tool named literally, the obligations
# `count_obligations` gives a call to it (and whether every limit on it is positive); `unnamed`,
# the same for any other tool when every entry that applies to this server names its tool
# literally (`names_only`). A tool under an entry with `per_argument` has no plan: its keys
# depend on the call's arguments.
counter_plan := {
	"tools": {name: counters_of(name) |
		some name in counter_tool_names
		not per_argument_applies(name)
	},
	"unnamed": {"count": {"rate": [], "quota": [], "rate_limits": [], "quota_limits": []}, "all_positive": true},
	"names_only": every_counter_named,
}

counter_server_rules := [rule |
	some rule in array.concat(rate_limits, quotas)
	name_match(object.get(rule, "server", "*"), server_id)
]

counter_tool_names contains name if {
	some rule in counter_server_rules
	name := object.get(rule, "tool", "*")
	not glob_meta(name)
}

default every_counter_named := false

every_counter_named if {
	every rule in counter_server_rules {
		name := object.get(rule, "tool", "*")
		not glob_meta(name)
		not rule.per_argument
	}
}

per_argument_applies(name) if {
	some rule in counter_server_rules
	counter_applies_to(rule, name, server_id)
	rule.per_argument
}

counters_of(name) := {
	"count": {
		"rate": [concat("", [server_id, "/", name]) | some rule in rate_limits; counter_applies_to(rule, name, server_id)],
		"quota": [concat("", [server_id, "/", name]) | some rule in quotas; counter_applies_to(rule, name, server_id)],
		"rate_limits": [rule.per_minute | some rule in rate_limits; counter_applies_to(rule, name, server_id)],
		"quota_limits": [rule.per_day | some rule in quotas; counter_applies_to(rule, name, server_id)],
	},
	"all_positive": limits_positive(name),
}

default limits_positive(_) := false

limits_positive(name) if not zero_limit_applies(name)

zero_limit_applies(name) if {
	some rule in rate_limits
	counter_applies_to(rule, name, server_id)
	not rule.per_minute > 0
}

zero_limit_applies(name) if {
	some rule in quotas
	counter_applies_to(rule, name, server_id)
	not rule.per_day > 0
}

# Every tool the data names literally: their data_clear answer is one lookup.
plan_tool_names contains name if {
	some names in [
		plan_values.tier_items.tools.allow.names, plan_values.tier_items.tools.deny.names,
		plan_values.allow_list.names, plan_values.scope_tools.names, plan_values.approval_tools.names,
		plan_values.argument_rules.by_tool,
	]
	some name, _ in names
}

tool_clear_value(plan, name) if tool_clear(plan, name)

else := false

# No data rule on tool names denies tool `name` whatever its annotations and arguments: tiers allow
# it and deny lists do not name it, the allow-list and scopes grant it, approval does not name it
# and no argument rule that applies to this run names it (its conditions aside).
tool_clear(plan, name) if {
	not tiers_block_tool(plan, name)
	not allow_list_blocks_tool(plan, name)
	not scopes_block_tool(plan, name)
	not approval_names_tool(plan, name)
	not argument_rules_name_tool(plan, name)
}

tiers_block_tool(plan, name) if {
	plan.tiering
	not patterns_match(plan.tier_items.tools.allow, name)
}

tiers_block_tool(plan, name) if {
	plan.tiering
	patterns_match(plan.tier_items.tools.deny, name)
}

allow_list_blocks_tool(plan, name) if {
	plan.allow_list_on
	not patterns_match(plan.allow_list, name)
}

scopes_block_tool(plan, name) if {
	plan.scopes_on
	not patterns_match(plan.scope_tools, name)
}

approval_names_tool(plan, name) if {
	plan.approval_on
	patterns_match(plan.approval_tools, name)
}

argument_rules_name_tool(plan, name) if {
	plan.argument_rules_on
	count(object.get(plan.argument_rules.by_tool, name, [])) > 0
}

argument_rules_name_tool(plan, name) if {
	plan.argument_rules_on
	some i in plan.argument_rules.by_pattern
	name_match(object.get(argument_rules[i], "tool", "*"), name)
}

# No rule of `data_denials` can deny this input: each test below rules out the ones named beside
# it. Conservative: whatever the plan cannot answer at once (resources, prompts, completions,
# unknown methods, paths under data.roots) goes through the rules. A new `data_denials` rule must
# be ruled out here too (test/policy/process-plan.test.ts fails until it is).
default data_clear := false

data_clear if {
	planned
	data_checked_at_load # invalid_data
	plan := data.mcp_shim.plan
	plan.principal_permitted == true # principal_not_permitted
	item_clear(plan) # tier_item_not_permitted, tier_item_denied, tool_not_in_allow_list, tool_not_in_scopes, approval_required, argument_rule_*
	not message_unclear(plan) # method_disabled, read_only_tier, approval_required, path_outside_roots, root_outside_roots, tool_not_pinned
}

# Not an item the tier, allow-list, approval and argument rules judge (they need `target_type`).
item_clear(plan) if {
	input.operation.type == "tool"
	tool_name_clear(plan)
} else if {
	type := input.operation.type
	not item_operation_type(type)
}

item_operation_type("tool")

item_operation_type("resource")

item_operation_type("prompt")

item_operation_type("completion")

tool_name_clear(plan) := clear if {
	clear := plan.clear_tools[input.operation.name]
}

else := tool_clear_value(plan, op_name)

# A rule that is on may deny this message for what it carries beyond the tool's name.
message_unclear(plan) if not plan.clear_methods[input.message.method] == true

message_unclear(plan) if {
	plan.tiering
	plan.tier_read_only
	not input.operation.annotations.readOnlyHint == true
}

message_unclear(plan) if {
	plan.approval_destructive
	input.operation.annotations.destructiveHint == true
}

message_unclear(plan) if {
	plan.data_roots_on
	not input.paths == []
}

message_unclear(plan) if {
	plan.pins_deny_new
	input.operation.pin.status == "new"
}
