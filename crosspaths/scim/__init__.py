"""SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2/: an identity provider creates,
changes and deactivates an organization's people through the roster's own services."""
