"""A private OpenLDAP for the campus-directory tests: Debian's slapd started from a temporary folder with a
generated slapd.conf (mdb backend, suffix dc=school,dc=example), loaded with a few units and people by slapadd,
listening on 127.0.0.1 at a free port, and stopped (its folder removed) at the end. One server per test process
(each xdist worker starts its own), so workers never share one."""
from __future__ import annotations

import atexit
import base64
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
SUFFIX = "dc=school,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret"
SERVICE_DN = f"cn=spiral,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-secret"
# (工号, 姓名, 邮箱, 手机, employeeType, ou = unit, directory password)
PEOPLE = [
    ("chenxiaoyu", "陈晓雨", "chenxiaoyu@school.example", "13800000001", "教职工", "电子商务教研室", "Dir-Pass-01"),
    ("wangfang", "王芳", "wangfang@school.example", "13800000002", "教职工", "电子商务教研室", "Dir-Pass-02"),
    ("t9001", "林新老师", "linxin@school.example", "13800000003", "教职工", "继续教育部", "Dir-Pass-03"),
    ("s9002", "周同学", "", "", "学生", "信息技术部", "Dir-Pass-04"),
    ("nobody9", "目录里才有", "", "", "教职工", "信息技术部", "Dir-Pass-05"),
]


def available() -> bool:
    """slapd and slapadd are installed (Debian: apt-get install slapd)."""
    return SLAPD.exists() and SLAPADD.exists()


def ssha(password: str) -> str:
    """An {SSHA} userPassword value, as slappasswd writes it."""
    salt = os.urandom(8)
    digest = hashlib.sha1(password.encode("utf-8") + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode("ascii")


def _ldif() -> str:
    blocks = [f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: school\no: 示例学校",
              f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people",
              f"dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services",
              f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: spiral\n"
              f"userPassword: {ssha(SERVICE_PASSWORD)}"]
    for username, name, mail, mobile, kind, unit, password in PEOPLE:
        lines = [f"dn: uid={username},ou=people,{SUFFIX}", "objectClass: inetOrgPerson", f"uid: {username}",
                 _attr("cn", name), _attr("sn", name[:1]), _attr("employeeType", kind), _attr("ou", unit),
                 f"userPassword: {ssha(password)}"]
        lines += [f"mail: {mail}"] if mail else []
        lines += [f"mobile: {mobile}"] if mobile else []
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _attr(name: str, value: str) -> str:
    """An LDIF line; non-ASCII values are base64 (name:: …), as LDIF requires."""
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode('utf-8')).decode('ascii')}"


def _conf(folder: Path) -> str:
    return "\n".join([
        *(f"include /etc/ldap/schema/{name}.schema" for name in ("core", "cosine", "nis", "inetorgperson")),
        f"pidfile {folder / 'slapd.pid'}",
        "modulepath /usr/lib/ldap",
        "moduleload back_mdb",
        "database mdb",
        f"suffix \"{SUFFIX}\"",
        f"rootdn \"{ROOT_DN}\"",
        f"rootpw {ROOT_PASSWORD}",
        f"directory {folder / 'data'}",
        "maxsize 10485760",
        "access to attrs=userPassword by anonymous auth by self write by * none",
        "access to * by * read",
        ""])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LdapServer:
    """A running private slapd: its URL and what the tests need to point Spiral at it."""

    folder: Path
    process: subprocess.Popen[bytes]
    url: str
    base_dn: str = f"ou=people,{SUFFIX}"
    bind_dn: str = SERVICE_DN
    bind_password: str = SERVICE_PASSWORD

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> LdapServer:
    """Start a private slapd loaded with PEOPLE; raises RuntimeError when it does not come up."""
    folder = Path(tempfile.mkdtemp(prefix="spiral-ldap-"))
    (folder / "data").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(_conf(folder), encoding="utf-8")
    (folder / "people.ldif").write_text(_ldif(), encoding="utf-8")
    subprocess.run([str(SLAPADD), "-f", str(conf), "-l", str(folder / "people.ldif")], check=True,
                   capture_output=True, timeout=60)
    for _attempt in range(5):
        port = _free_port()
        url = f"ldap://127.0.0.1:{port}"
        # -d 0 keeps slapd in the foreground: the Popen is the server, and stopping it stops everything.
        process = subprocess.Popen([str(SLAPD), "-f", str(conf), "-h", f"{url}/", "-d", "0"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if _wait(port, process):
            server = LdapServer(folder, process, url)
            atexit.register(server.stop)  # a test process that dies early still stops its server
            return server
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError("slapd did not start")


def _wait(port: int, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture(scope="session")
def ldap_server() -> Iterator[LdapServer]:
    """The test process's private slapd (skips only where slapd is not installed: CI installs it)."""
    if not available():
        pytest.skip("slapd is not installed (Debian: apt-get install slapd ldap-utils)")
    server = start()
    yield server
    server.stop()
