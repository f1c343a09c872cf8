"""Typed bindings for providers that have no prebuilt cdktf package (Neon, Railway)."""
