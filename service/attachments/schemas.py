"""What the API says about attachments; the bytes only travel through the download."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from service.api.answers import Answer


class AttachmentOut(Answer):
    id: int
    filename: str = Field(examples=["Vorlage-VII-0680-24.pdf"])
    content_type: str = Field(
        examples=["application/pdf"], description="Am Inhalt erkannt, nicht am Namen."
    )
    size: int = Field(description="Größe in Byte.")
    sha256: str = Field(description="SHA-256 des Inhalts (hexadezimal).")
    uploaded_at: datetime
    download: str = Field(description="Adresse zum Herunterladen.")
