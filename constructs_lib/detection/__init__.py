"""Detection: threat detection, security posture, configuration compliance, access analysis, sensitive data
discovery, and the routes that bring their findings to the security alert topic."""
