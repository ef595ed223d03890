"""Use cases, one module per area. Every write of the app goes through a service."""
