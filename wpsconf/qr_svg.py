"""A QR code as inline SVG, drawn with reportlab's encoder (already here for the badges)."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white around the code, as readers expect


def qr_svg(text: str, *, label: str, size_px: int = 220) -> SafeString:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    side = count + 2 * QUIET_ZONE
    dark = " ".join(
        f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row in range(count)
        for column in range(count)
        if code.isDark(row, column)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="{px}" height="{px}" '
        'role="img" aria-label="{label}" shape-rendering="crispEdges">'
        '<rect width="{side}" height="{side}" fill="#fff"/><path d="{dark}" fill="#000"/></svg>',
        side=side,
        px=size_px,
        label=label,
        dark=dark,
    )
