"""Operations: alert topic, uptime monitor, cost budget, account baseline, bucket error alarm, dashboard.

Kept free of imports so importing one module does not load the rest of the domain."""
