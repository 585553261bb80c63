"""The QR code of an event's sign-in link, as inline SVG (segno)."""
from __future__ import annotations

import io

import segno
from flask import current_app, url_for
from markupsafe import Markup


def sign_in_link(token: str) -> str:
    """The public address of the sign-in page (PUBLIC_URL when set, so the code works from outside)."""
    public = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    path = url_for("activity_public.sign_in_page", sign_in_token=token)
    return public + path if public else url_for("activity_public.sign_in_page", sign_in_token=token, _external=True)


def qr_svg(text: str, scale: int = 6, title: str = "") -> Markup:
    """An inline <svg> of the QR code for `text`."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, omitsize=True,
                                     title=title or None, svgclass="qr", lineclass=None)
    return Markup(out.getvalue().decode())  # noqa: S704  (segno's own markup, nothing of the user's but the link)
