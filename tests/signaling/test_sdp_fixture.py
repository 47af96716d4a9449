"""Real Chromium SDP (captured by `tests/e2e/test_call.py`) through the protocol parser.

The fixtures are the offer of the interpreter's page and the answer of the caller's page from a
real call, scrubbed of credentials and addresses (`sdp_fixture.scrub_sdp`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from signaling.protocol import (
    Answer,
    ErrorCode,
    Offer,
    PeerAnswer,
    PeerOffer,
    ProtocolError,
    ProtocolLimits,
    decode_server_message,
    encode,
    parse_client_message,
)
from tests.signaling.sdp_fixture import (
    ANSWER_PATH,
    FINGERPRINT,
    IPV4,
    IPV6,
    KEPT_IPV4,
    OFFER_PATH,
    PASSWORD,
    UFRAG,
    scrub_sdp,
)

FIXTURES = [("offer", OFFER_PATH), ("answer", ANSWER_PATH)]
SESSION = "s_fixture0001"


def load(path: Path) -> str:
    if not path.exists():
        pytest.fail(f"{path.name} is missing: run tests/e2e/test_call.py to capture it")
    return path.read_bytes().decode("ascii")


def lines(sdp: str) -> list[str]:
    assert sdp.endswith("\r\n") and "\n" not in sdp.replace("\r\n", ""), "SDP lines end in CRLF"
    return sdp[:-2].split("\r\n")


def attributes(sdp: str, name: str) -> list[str]:
    prefix = f"a={name}:"
    return [line[len(prefix) :] for line in lines(sdp) if line.startswith(prefix)]


def payload_types(sdp: str) -> set[str]:
    (m_line,) = [line for line in lines(sdp) if line.startswith("m=video ")]
    return set(m_line.split(" ")[3:])


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=["offer", "answer"])
def test_parser_accepts_the_real_browser_sdp(kind: str, path: Path) -> None:
    sdp = load(path)
    raw = json.dumps({"type": kind, "v": 1, "session_id": SESSION, "sdp": sdp})
    message = parse_client_message(raw)
    assert isinstance(message, Offer if kind == "offer" else Answer)
    assert message.sdp == sdp
    assert message.session_id == SESSION
    # A real Chromium SDP is a few KB: well under the default 16 KiB limit (docs/protocol.md).
    assert 2000 < len(sdp) < ProtocolLimits().max_sdp_chars


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=["offer", "answer"])
def test_a_tighter_sdp_limit_refuses_it(kind: str, path: Path) -> None:
    sdp = load(path)
    raw = json.dumps({"type": kind, "session_id": SESSION, "sdp": sdp})
    refused = parse_client_message(raw, ProtocolLimits(max_sdp_chars=len(sdp) - 1))
    assert isinstance(refused, ProtocolError)
    assert refused.code is ErrorCode.INVALID
    assert "sdp" in refused.message and "v=0" not in refused.message  # never echoes the SDP


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=["offer", "answer"])
def test_the_relayed_message_keeps_the_sdp_byte_for_byte(kind: str, path: Path) -> None:
    sdp = load(path)
    relayed = (
        PeerOffer(session_id=SESSION, sdp=sdp)
        if kind == "offer"
        else PeerAnswer(session_id=SESSION, sdp=sdp)
    )
    decoded = decode_server_message(encode(relayed))
    assert isinstance(decoded, PeerOffer | PeerAnswer)
    assert decoded.sdp == sdp


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=["offer", "answer"])
def test_basic_sdp_structure(kind: str, path: Path) -> None:
    sdp = load(path)
    body = lines(sdp)
    assert body[0] == "v=0"
    assert [line[0] for line in body[:4]] == ["v", "o", "s", "t"]
    video = [line for line in body if line.startswith("m=")]
    assert len(video) == 1 and video[0].startswith("m=video ")
    assert video[0].split(" ")[2] == "UDP/TLS/RTP/SAVPF"
    assert attributes(sdp, "mid") == ["0"]
    assert attributes(sdp, "group") == ["BUNDLE 0"]
    assert "a=rtcp-mux" in body
    assert "a=sendrecv" in body  # both pages send and receive video
    codecs = {rtpmap.split(" ", 1)[1] for rtpmap in attributes(sdp, "rtpmap")}
    assert "VP8/90000" in codecs and "rtx/90000" in codecs
    assert all(pt.isdigit() for pt in payload_types(sdp))
    setup = attributes(sdp, "setup")
    assert setup == (["actpass"] if kind == "offer" else ["active"])
    assert not any(line.startswith("m=audio") for line in body)  # video only: no sound


def test_the_answer_picks_from_the_offer() -> None:
    offer, answer = load(OFFER_PATH), load(ANSWER_PATH)
    assert payload_types(answer) <= payload_types(offer)
    assert attributes(offer, "mid") == attributes(answer, "mid")


@pytest.mark.parametrize(("kind", "path"), FIXTURES, ids=["offer", "answer"])
def test_no_credentials_or_addresses_are_kept(kind: str, path: Path) -> None:
    sdp = load(path)
    assert attributes(sdp, "ice-ufrag") == [UFRAG]
    assert attributes(sdp, "ice-pwd") == [PASSWORD]
    assert attributes(sdp, "fingerprint") == [f"sha-256 {FINGERPRINT}"]
    addresses = set(re.findall(r"\b(?:\d{1,3}\.){3}\d{1,3}\b", sdp))
    assert addresses <= {IPV4, *KEPT_IPV4}
    assert all(line == f"c=IN IP6 {IPV6}" for line in lines(sdp) if line.startswith("c=IN IP6"))
    for candidate in attributes(sdp, "candidate"):
        address = candidate.split(" ")[4]
        assert address in {IPV4, IPV6} or address.endswith(".local"), candidate
    assert scrub_sdp(sdp) == sdp  # already scrubbed: scrubbing again changes nothing


def test_scrub_replaces_what_a_real_sdp_carries() -> None:
    raw = (
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        "m=video 51234 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 10.1.2.3\r\n"
        "a=candidate:1 1 udp 2122260223 10.1.2.3 51234 typ host ufrag Ab12 network-id 1\r\n"
        "a=candidate:2 1 udp 2122262783 fd00:1234::42 51235 typ host\r\n"
        "a=candidate:3 1 udp 2122260223 0d5b2c5e-3f6a-4b7c-8d9e-0a1b2c3d4e5f.local 9 typ host\r\n"
        "a=ice-ufrag:Ab12\r\na=ice-pwd:secretsecretsecretsecret\r\n"
        "a=fingerprint:sha-256 " + ":".join(["1F"] * 32) + "\r\n"
        "a=msid:0e9a5c3e-1111-4222-8333-944445555666 {7c1d2e3f-aaaa-4bbb-8ccc-ddddeeeeffff}\r\n"
        "a=ssrc:42 cname:q1w2e3r4t5y6u7i8\r\n"
    )
    scrubbed = scrub_sdp(raw)
    for secret in ("Ab12", "secretsecret", "1F:1F", "10.1.2.3", "fd00:1234", "0d5b2c5e", "q1w2e3"):
        assert secret not in scrubbed, secret
    assert "4611731400430051336" not in scrubbed
    assert "0e9a5c3e" not in scrubbed and "7c1d2e3f" not in scrubbed
    assert "a=msid:sd-stream-0 {sd-stream-1}\r\n" in scrubbed
    assert "127.0.0.1" in scrubbed  # the o= placeholder address stays
    assert scrub_sdp(scrubbed) == scrubbed
