"""Content negotiation: pick the best of the server's media types for an Accept header."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: ``type/subtype`` (either may be ``*``) and its q-value."""

    type: str
    subtype: str
    quality: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range names a media type: 2 exact, 1 type/*, 0 */*, -1 no match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped."""
    ranges = []
    for part in header.split(","):
        fields = [field.strip() for field in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(kind, sub, quality))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q-value an Accept header gives a media type (the most specific matching range)."""
    best_specificity, best_quality = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, media_range.quality
        elif specificity == best_specificity >= 0:
            best_quality = max(best_quality, media_range.quality)
    return best_quality


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers; ties go to the earlier offer (the server's preference).

    No Accept header (or an empty one) means anything: the first offer.  None when the
    header accepts none of the offers.
    """
    if not offers:
        return None
    if accept is None or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best, best_quality = None, 0.0
    for offer in offers:
        offer_quality = quality(ranges, offer)
        if offer_quality > best_quality:
            best, best_quality = offer, offer_quality
    return best
