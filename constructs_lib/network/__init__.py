"""Network: NetworkBaseline, CloudflareEdge, BaselineVpc, subnet planning and the edge policy values.

Kept free of imports so importing one module does not load the rest of the domain."""
