"""Campus sign-in settings (统一身份认证: CAS and LDAP), read from the environment like the mail settings;
instance/config.py or create_app(config) may override each one."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from engine import LdapSettings

_LDAP_FIELDS = {"SPIRAL_LDAP_BASE_DN": "base_dn", "SPIRAL_LDAP_BIND_DN": "bind_dn",
                "SPIRAL_LDAP_BIND_PASSWORD": "bind_password", "SPIRAL_LDAP_USER_ATTRIBUTE": "user_attribute",
                "SPIRAL_LDAP_USER_DN": "user_dn", "SPIRAL_LDAP_PEOPLE_FILTER": "people_filter",
                "SPIRAL_LDAP_NAME_ATTRIBUTE": "name_attribute", "SPIRAL_LDAP_MAIL_ATTRIBUTE": "mail_attribute",
                "SPIRAL_LDAP_PHONE_ATTRIBUTE": "phone_attribute", "SPIRAL_LDAP_KIND_ATTRIBUTE": "kind_attribute",
                "SPIRAL_LDAP_UNIT_ATTRIBUTE": "unit_attribute"}
_DEFAULTS = LdapSettings(url="")


def campus_config() -> dict[str, Any]:
    """SPIRAL_CAS_* and SPIRAL_LDAP_* from the environment (unset: that sign-in is off)."""
    env = os.environ.get
    config: dict[str, Any] = {
        "SPIRAL_CAS_URL": env("SPIRAL_CAS_URL", ""), "SPIRAL_CAS_ATTRIBUTE": env("SPIRAL_CAS_ATTRIBUTE", ""),
        "SPIRAL_LDAP_URL": env("SPIRAL_LDAP_URL", ""),
        "SPIRAL_LDAP_TIMEOUT": int(env("SPIRAL_LDAP_TIMEOUT") or _DEFAULTS.timeout),
        "SPIRAL_DIRECTORY_ONLY": env("SPIRAL_DIRECTORY_ONLY", "").lower() in ("1", "true", "yes", "on")}
    for key, name in _LDAP_FIELDS.items():
        config[key] = env(key, getattr(_DEFAULTS, name))
    return config


def ldap_settings(config: Mapping[str, Any]) -> LdapSettings | None:
    """The directory's settings, or None when LDAP sign-in is off (no SPIRAL_LDAP_URL)."""
    if not config.get("SPIRAL_LDAP_URL"):
        return None
    values = {name: str(config.get(key) or getattr(_DEFAULTS, name)) for key, name in _LDAP_FIELDS.items()}
    values["bind_password"] = str(config.get("SPIRAL_LDAP_BIND_PASSWORD") or "")
    values["user_dn"] = str(config.get("SPIRAL_LDAP_USER_DN") or "")
    return LdapSettings(url=str(config["SPIRAL_LDAP_URL"]), timeout=int(config.get("SPIRAL_LDAP_TIMEOUT") or 3),
                        **values)


def directory_only(config: Mapping[str, Any]) -> bool:
    """Only administrators may use local passwords (everyone else signs in through CAS or LDAP)."""
    return bool(config.get("SPIRAL_DIRECTORY_ONLY")) and bool(config.get("SPIRAL_LDAP_URL")
                                                              or config.get("SPIRAL_CAS_URL"))
