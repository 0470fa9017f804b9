package mcp

# Allows every message: the transparency tests compare a direct connection
# with one through the shim, so the policy must not change anything.
decision := {"allow": true}
