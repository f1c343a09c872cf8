"""Shared AWS building blocks (IAM policy documents, permission sets); private to the library.

Kept free of imports so importing one module does not load the rest of the domain."""
