"""Thumbnails of attached photos (read on a worker: QImage, never QPixmap, off the GUI
thread) and the drawn tiles for a document and for a file not downloaded yet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QImageReader, QPainter, QPen, QPixmap

THUMB = 96  # logical pixels, the longest side of a tile


def read_thumbnail(path: Path, side: int) -> QImage | None:
    """The image at ``path`` scaled to fit ``side`` pixels, turned upright; None if unreadable.
    The decoder scales as it reads, so a 12-megapixel photo never sits whole in memory."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.isEmpty():
        return None
    reader.setScaledSize(size.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def _tile(ratio: float) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(round(THUMB * ratio), round(THUMB * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, p


def document_tile(suffix: str, ratio: float) -> QIcon:
    """A sheet of paper with the file's kind on it (PDF, DOCX …)."""
    pixmap, p = _tile(ratio)
    s = float(THUMB)
    p.setPen(QPen(QColor("#5f6b7a"), 2))
    p.setBrush(QColor("#f4f6f8"))
    p.drawRoundedRect(QRectF(s * 0.2, s * 0.08, s * 0.6, s * 0.84), 4, 4)
    font = QFont()
    font.setPixelSize(round(s * 0.16))
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#34495e"))
    label = (suffix.lstrip(".").upper() or "FILE")[:4]
    p.drawText(QRectF(s * 0.2, s * 0.35, s * 0.6, s * 0.3), Qt.AlignmentFlag.AlignCenter, label)
    p.end()
    return QIcon(pixmap)


def missing_tile(ratio: float) -> QIcon:
    """A dashed frame with a downward arrow: the file is on the server, not here yet."""
    pixmap, p = _tile(ratio)
    s = float(THUMB)
    pen = QPen(QColor("#8a8f98"), 2, Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawRoundedRect(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8), 6, 6)
    p.setPen(QPen(QColor("#5f6b7a"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(round(s * 0.5), round(s * 0.28), round(s * 0.5), round(s * 0.62))
    p.drawLine(round(s * 0.36), round(s * 0.5), round(s * 0.5), round(s * 0.64))
    p.drawLine(round(s * 0.64), round(s * 0.5), round(s * 0.5), round(s * 0.64))
    p.drawLine(round(s * 0.32), round(s * 0.74), round(s * 0.68), round(s * 0.74))
    p.end()
    return QIcon(pixmap)


def not_downloaded_text() -> str:
    return QCoreApplication.translate("AttachmentsPanel", "Not downloaded yet")
