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


def test_no_text_is_translated_twice():
    """A second entry for one msgid silently wins or loses: each text has one translation."""
    ids = re.findall(r'^msgid "(.*)"$', (WEB / "translations/en/LC_MESSAGES/messages.po").read_text(encoding="utf-8"),
                     flags=re.M)
    twice = sorted({i for i in ids if ids.count(i) > 1} - {""})
    assert not twice, f"these msgids appear twice in messages.po: {twice}"
