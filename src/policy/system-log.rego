# Decision-log controls for the default policy (OPA's `system.log` convention), compiled into
# the shipped Wasm beside policy.rego. As in OPA, `input` here is the decision-log event:
# `input.input` is the policy input. The shim evaluates these with only `input.input` set.
package system.log

default mask_pointers := []

mask_pointers := data.log.mask

default mask_arguments := []

mask_arguments := data.log.mask_arguments

# `data.log.mask`: OPA mask rules as-is: "/input/arguments/password" or {"op": "upsert", "path": …, "value": …}.
mask contains rule if {
	some rule in mask_pointers
}

# `data.log.mask_arguments`: argument names erased from logged inputs wherever they occur.
mask contains concat("/", ["/input/arguments", name]) if {
	some name in mask_arguments
	is_string(name)
	_ := input.input.arguments[name]
}

# `data.log.drop_methods`: allowed decisions for these methods are not logged (e.g. "ping").
# The shim never drops a denial, whatever this says.
drop if {
	some m in data.log.drop_methods
	input.input.message.method == m
}
