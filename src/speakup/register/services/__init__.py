"""Everything that changes the register, one module a journey. Each function either does the whole
thing or refuses with a plain message (`common.RegisterRefusal`) and leaves nothing half-saved."""
