"""The platform app: one ``PlatformStack`` per environment, composed by the phase plan."""
