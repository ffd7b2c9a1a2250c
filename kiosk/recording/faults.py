"""What can stop a recording, as reasons a screen words in its own language."""

from __future__ import annotations

FAULT_REASONS = ("camera_missing", "microphone_missing", "device_busy", "camera_failed",
                 "microphone_failed", "disk_full", "store_unreachable", "encoder_failed")
"""Every `RecordingFault.reason`. All but "store_unreachable" stop the recording: questioning
must not go on without a picture or sound (PSAPL Art. 97, 108). An unreachable store does not:
the closed segments wait in this machine's spool and are stored when the database is back."""


class RecordingFault(RuntimeError):
    """The recording cannot start or go on; `reason` is one of FAULT_REASONS, `values` its
    details (the device, the error the system gave)."""

    def __init__(self, message: str, *, reason: str, **values: object) -> None:
        super().__init__(message)
        assert reason in FAULT_REASONS, reason
        self.reason = reason
        self.values = values

    @property
    def stops_recording(self) -> bool:
        return self.reason != "store_unreachable"
