"""Data: NeonDatabase, its SQL logins, FieldEncryptionKey (a PHI service's KMS key) and AppSecret (a generated raw key).

Kept free of imports so importing one module does not load the rest of the domain."""
