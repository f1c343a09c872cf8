"""Compute: RailwayProject, RailwayService and their sources and variables.

Kept free of imports so importing one module does not load the rest of the domain."""
