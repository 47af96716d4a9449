"""Fixed lists the booking form offers: topics, interpreter specialties and channels.

These change with a code release, not at run time, so they live here rather than in tables. Sign
languages are the exception: they are rows (`sign_languages`), because adding one is routine.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain import Channel


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    code: str
    name_ko: str
    name_en: str


TOPICS: tuple[CatalogEntry, ...] = (
    CatalogEntry("welfare", "복지", "Welfare"),
    CatalogEntry("health", "건강·의료", "Health"),
    CatalogEntry("housing", "주거", "Housing"),
    CatalogEntry("employment", "고용·일자리", "Employment"),
    CatalogEntry("tax", "세금", "Tax"),
    CatalogEntry("legal", "법률", "Legal"),
    CatalogEntry("transport", "교통", "Transport"),
    CatalogEntry("civil", "민원·증명서", "Civil affairs"),
    CatalogEntry("other", "기타", "Other"),
)

SPECIALTIES: tuple[CatalogEntry, ...] = (
    CatalogEntry("legal", "법률", "Legal"),
    CatalogEntry("medical", "의료", "Medical"),
    CatalogEntry("welfare", "복지", "Welfare"),
    CatalogEntry("tax", "세무", "Tax"),
    CatalogEntry("employment", "고용", "Employment"),
)

CHANNELS: tuple[str, ...] = tuple(channel.value for channel in Channel)

TOPIC_CODES: frozenset[str] = frozenset(entry.code for entry in TOPICS)
SPECIALTY_CODES: frozenset[str] = frozenset(entry.code for entry in SPECIALTIES)

# Spoken/written languages an interpreter can work in (ISO 639-1), for the staff form.
SPOKEN_LANGUAGE_CODES: frozenset[str] = frozenset({"ko", "en", "ja", "zh", "vi", "ru", "th", "mn"})
