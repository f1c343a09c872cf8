"""The platform's rollout plan as plain data: which component, service and bucket arrives in which phase.

Below both ``environments/`` (which validates service and bucket names against it) and ``stacks/`` (which
composes the plan into a ``PlatformStack``); it imports neither, and no cdktf (only ``constructs_lib``'s
cdktf-free value types). ``platform_plan.phases`` holds the plan.
"""
