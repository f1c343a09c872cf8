"""Data: NeonDatabase, its SQL logins, and AppSecret.

Kept free of imports so importing one module does not load the rest of the domain."""
