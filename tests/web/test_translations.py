import re
from pathlib import Path

from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "web"
MSGID = re.compile(r"""_\(\s*(['"])(.+?)\1""")


def test_every_interface_text_has_an_english_translation():
    used = {m.group(2) for path in list(WEB.rglob("*.html")) + list(WEB.rglob("*.py"))
            for m in MSGID.finditer(path.read_text(encoding="utf-8"))}
    with (WEB / "translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = {m.id: m.string for m in read_po(po) if m.id}
    missing = sorted(text for text in used if not catalog.get(text))
    assert not missing, f"add these to messages.po: {missing}"
