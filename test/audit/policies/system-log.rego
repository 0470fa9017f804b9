package system.log

mask contains "/input/arguments/password" if {
	input.input.arguments.password
}

mask contains {"op": "upsert", "path": "/input/arguments/api_token", "value": "***"} if {
	input.input.arguments.api_token
}

drop if input.input.message.method == "ping"
