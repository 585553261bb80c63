"""Passwords: the policy a new password must meet, one-time passwords (an import, an admin's reset), and
setting a password. The hash is werkzeug's, as sign-in checks it (engine/org/sign_in.py)."""
from __future__ import annotations

import secrets

from werkzeug.security import generate_password_hash

from engine.errors import InvalidInput

from .models import Person

MIN_LENGTH = 8
# The most common passwords (leaked-password lists, Chinese ones included) and the demo's: refused outright.
COMMON = frozenset(["12345678", "123456789", "1234567890", "123123123", "11111111", "00000000", "88888888", "66666666", "12341234", "87654321", "11223344", "password", "password1", "passw0rd", "qwertyuiop", "qwerty123", "1qaz2wsx", "1q2w3e4r", "qazwsxedc", "abc12345", "abcd1234", "a1234567", "iloveyou", "woaini1314", "5201314520", "admin123", "admin888", "administrator", "welcome1", "sunshine", "letmein1", "zxcvbnm123", "demo1234", "demo123456", "spiral123", "changeme"])
# Letters and digits that are not mistaken for one another when read off a screen or a slip of paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def check_policy(username: str, password: str) -> None:
    """Refuse a new password that is shorter than 8 characters, is the username, or is a common password.

    Raises InvalidInput with the sentence to show."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"密码至少需要 {MIN_LENGTH} 个字符")
    if password.strip().lower() == username.strip().lower():
        raise InvalidInput("密码不能与用户名（工号）相同")
    if password.lower() in COMMON:
        raise InvalidInput("这个密码太常见，很容易被猜到，请换一个")


def set_password(person: Person, password: str, *, one_time: bool = False) -> None:
    """Give `person` this password; a one-time password must be changed at the next sign-in. Every session of
    theirs ends (Person.session_version)."""
    person.password_hash = generate_password_hash(password)
    person.must_change_password = one_time
    person.session_version = (person.session_version or 0) + 1


def new_one_time_password() -> str:
    """A random one-time password of 10 characters that is easy to read aloud."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def give_one_time_password(person: Person) -> str:
    """Set a new random one-time password on `person` and return it (shown once, never stored in clear)."""
    password = new_one_time_password()
    set_password(person, password, one_time=True)
    return password


# Bulk one-time passwords (an import of a thousand people) use a lighter hash: the default's work factor (scrypt,
# 0.1 s a password) protects passwords people choose against guessing; a random 10-character one (about 58 bits)
# needs little (2^58 guesses × 5,000 rounds), and it must be replaced at the first sign-in, where the new
# password gets the default hash.
BULK_ONE_TIME_HASH = "pbkdf2:sha256:5000"


def give_one_time_passwords(people: list[Person]) -> list[str]:
    """Like give_one_time_password for many people at once (in their order), with the lighter hash."""
    passwords = []
    for person in people:
        password = new_one_time_password()
        person.password_hash = generate_password_hash(password, method=BULK_ONE_TIME_HASH)
        person.must_change_password = True
        person.session_version = (person.session_version or 0) + 1
        passwords.append(password)
    return passwords
