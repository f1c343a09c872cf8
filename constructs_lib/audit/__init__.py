"""Audit: AuditTrail and its logs, topics, alarms and trail bucket.

Kept free of imports so importing one module does not load the rest of the domain."""
