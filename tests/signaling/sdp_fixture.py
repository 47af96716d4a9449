"""Real Chromium SDP kept as fixtures (CONVENTIONS 7), and how it is scrubbed before it is saved.

`tests/e2e/test_call.py` captures the offer and the answer of a real call and writes them here
through `scrub_sdp`; `tests/signaling/test_sdp_fixture.py` feeds them to the protocol parser.
Nothing secret or site-specific stays: ICE credentials, DTLS fingerprints, addresses, mDNS
names, CNAMEs and stream ids are replaced by fixed placeholders, so the files are stable too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

SDP_DIR: Final = Path(__file__).resolve().parents[1] / "fixtures" / "sdp"
OFFER_PATH: Final = SDP_DIR / "chromium_offer.sdp"
ANSWER_PATH: Final = SDP_DIR / "chromium_answer.sdp"

UFRAG: Final = "SDuf"
PASSWORD: Final = "SignDeskPlaceholderPwd0"  # ICE needs at least 22 characters
FINGERPRINT: Final = ":".join(["AB"] * 32)  # sha-256: 32 bytes
IPV4: Final = "203.0.113.7"  # TEST-NET-3 (RFC 5737)
IPV6: Final = "2001:db8::7"  # documentation prefix (RFC 3849)
MDNS: Final = "00000000-0000-4000-8000-000000000000.local"
SESSION_ID: Final = "1000000000000000000"
KEPT_IPV4: Final = frozenset({"0.0.0.0", "127.0.0.1"})  # noqa: S104 - SDP placeholders, not binds

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Full and compressed IPv6 forms as they appear in c= lines and candidates (at least two colons).
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_MDNS = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.local\b")
_UUID = re.compile(r"\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?")


def _line(line: str, ids: dict[str, str]) -> str:
    if line.startswith("a=ice-ufrag:"):
        return "a=ice-ufrag:" + UFRAG
    if line.startswith("a=ice-pwd:"):
        return "a=ice-pwd:" + PASSWORD
    if line.startswith("a=fingerprint:"):
        algorithm = line.split(":", 1)[1].split(" ", 1)[0]
        return f"a=fingerprint:{algorithm} {FINGERPRINT}"
    if line.startswith("o="):
        parts = line.split(" ")
        if len(parts) >= 6:
            parts[1] = SESSION_ID
        line = " ".join(parts)
    if line.startswith("a=ssrc:") and " cname:" in line:
        head, _ = line.split(" cname:", 1)
        return head + " cname:SignDeskCname000"
    if line.startswith("a=candidate:"):
        line = re.sub(r" ufrag \S+", " ufrag " + UFRAG, line)
    line = _MDNS.sub(MDNS, line)

    # Stream and track ids (msid) are random UUIDs; number them in order of appearance.
    def stable(match: re.Match[str]) -> str:
        found = match.group(0)
        name = ids.setdefault(found.strip("{}"), f"sd-stream-{len(ids)}")
        return "{" + name + "}" if found.startswith("{") else name

    if line.startswith(("a=msid", "a=ssrc:")):
        line = _UUID.sub(stable, line)
    line = _IPV4.sub(lambda m: m.group(0) if m.group(0) in KEPT_IPV4 else IPV4, line)
    if line.startswith(("c=", "a=candidate:", "a=rtcp:")):
        line = _IPV6.sub(lambda m: m.group(0) if m.group(0) in {"::", "::1"} else IPV6, line)
    return line


def scrub_sdp(sdp: str) -> str:
    """The same SDP with every credential, address and random id replaced (CRLF line ends)."""
    ids: dict[str, str] = {}
    lines = [line for line in sdp.replace("\r\n", "\n").split("\n") if line]
    return "\r\n".join(_line(line, ids) for line in lines) + "\r\n"
