"""Which obligation binds which State, the compliance rules, and the findings of `check`."""
