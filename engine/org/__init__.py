"""The organisation: units, people, roles, who holds which role where, substitutes, subjects; permissions;
routing a task up the org tree; the org snapshot."""
