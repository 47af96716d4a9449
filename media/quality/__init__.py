"""Hand-tracking quality assistance for sign-language calls (optional: needs the `quality` extra).

The pure parts (metrics, hints, activity, active signer, summaries) import only numpy, and the
MediaPipe work happens in worker processes (`worker.py`) that the analyzer (`analyzer.py`) owns.
Importing this package imports neither numpy nor mediapipe, so the server runs without the extra
and reports "quality assistance off" instead.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

OFF_MESSAGE = "quality assistance off"
# mediapipe's C++ side logs to stderr through glog/absl; keep it to errors.
QUIET_ENV = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2"}


@dataclass(frozen=True, slots=True)
class QualityStatus:
    """Whether quality assistance can run here, and if not, why (shown to staff and in logs)."""

    enabled: bool
    reason: str

    def describe(self) -> str:
        return "quality assistance on" if self.enabled else f"{OFF_MESSAGE}: {self.reason}"


def quality_status() -> QualityStatus:
    """Look for the optional packages without importing them (mediapipe takes seconds to load)."""
    for module in ("numpy", "cv2", "mediapipe"):
        if importlib.util.find_spec(module) is None:
            return QualityStatus(False, f"{module} is not installed (install the `quality` extra)")
    return QualityStatus(True, "")
