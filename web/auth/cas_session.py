"""The HTTP session python-cas checks tickets with; imported at the first CAS sign-in (web/auth/cas.py), so that
requests and python-cas are not loaded by every worker at start-up."""
from __future__ import annotations

from typing import Any

import requests

TIMEOUT = 5.0  # seconds the CAS server has to answer a ticket check


class TimelySession(requests.Session):
    """A requests session whose calls give up after TIMEOUT (python-cas sets none)."""

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)
