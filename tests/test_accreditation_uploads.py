"""Uploads are judged by their content, size-capped, and images come back re-encoded without EXIF."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageCms

from tests.documents import GPS_IFD, image_bytes, pdf_bytes, upload
from wpsconf import uploads

# The start of a Linux executable: what a renamed program looks like inside.
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(4088)
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(4088)


def refusal(check, file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(file)
    return caught.value


@pytest.mark.parametrize("program", [ELF_EXECUTABLE, WINDOWS_EXECUTABLE], ids=["elf", "exe"])
def test_an_executable_named_pdf_is_refused_as_not_a_pdf(program):
    error = refusal(uploads.assignment_letter, upload("letter.pdf", program, "application/pdf"))
    assert error.code == "wrong_type"
    assert "not a PDF" in error.messages[0]


def test_an_executable_named_pdf_is_refused_as_a_press_card_too():
    error = refusal(uploads.press_card, upload("card.pdf", ELF_EXECUTABLE, "application/pdf"))
    assert error.code == "wrong_type"


def test_a_file_that_starts_like_a_pdf_but_is_not_one_is_refused():
    error = refusal(uploads.assignment_letter, upload("letter.pdf", b"%PDF-1.7\n" + bytes(2000)))
    assert error.code == "broken_pdf"


def test_a_password_protected_pdf_is_refused():
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    output = BytesIO()
    writer.write(output)
    error = refusal(uploads.assignment_letter, upload("letter.pdf", output.getvalue()))
    assert error.code == "encrypted"


def test_an_oversized_document_is_refused_with_both_sizes_named():
    big = upload("letter.pdf", pdf_bytes() + bytes(5 * uploads.MB))
    error = refusal(uploads.assignment_letter, big)
    assert error.code == "too_large"
    assert "5.0\xa0MB" in error.messages[0]


def test_an_oversized_photo_is_refused_at_three_megabytes():
    error = refusal(uploads.badge_photo, upload("photo.jpg", image_bytes() + bytes(3 * uploads.MB)))
    assert error.code == "too_large"
    assert "3.0\xa0MB" in error.messages[0]


def test_the_size_error_is_in_the_users_language():
    big = upload("letter.pdf", bytes(6 * uploads.MB))
    with translation.override("ru"):
        error = refusal(uploads.assignment_letter, big)
        assert "Этот файл" in error.messages[0]


def test_a_landscape_photo_is_refused_with_its_own_message():
    error = refusal(uploads.badge_photo, upload("photo.jpg", image_bytes(800, 600)))
    assert error.code == "not_portrait"
    assert "800 × 600" in error.messages[0]


def test_a_square_photo_is_not_portrait_either():
    assert refusal(uploads.badge_photo, upload("photo.jpg", image_bytes(700, 700))).code == "not_portrait"


def test_a_tiny_photo_is_refused_as_too_small_to_print():
    assert refusal(uploads.badge_photo, upload("photo.jpg", image_bytes(150, 200))).code == "too_small"


def test_a_pdf_is_not_a_photo():
    assert refusal(uploads.badge_photo, upload("photo.jpg", pdf_bytes())).code == "wrong_type"


def test_a_truncated_jpeg_is_refused_as_unreadable():
    broken = image_bytes()[:200]
    assert refusal(uploads.badge_photo, upload("photo.jpg", broken)).code == "broken_image"


def test_a_photo_with_gps_exif_comes_back_without_it():
    original = image_bytes(600, 800, gps=True)
    assert Image.open(BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the fixture does carry a position

    cleaned = uploads.badge_photo(upload("photo.jpg", original, "image/jpeg"))

    data = cleaned.read()
    image = Image.open(BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (600, 800)
    assert "exif" not in image.info
    assert not image.getexif()
    assert b"PhoneMaker" not in data


def test_a_photo_turned_by_its_exif_orientation_is_stored_upright():
    """A phone's portrait photo is often stored landscape with an 'rotate' tag: it counts as portrait."""
    image = Image.new("RGB", (800, 600), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    output = BytesIO()
    image.save(output, "JPEG", exif=exif.tobytes())

    cleaned = Image.open(uploads.badge_photo(upload("photo.jpg", output.getvalue())))

    assert cleaned.size == (600, 800)


def test_a_large_photo_is_scaled_down_to_what_a_badge_needs():
    cleaned = Image.open(uploads.badge_photo(upload("photo.jpg", image_bytes(1800, 2400))))
    assert cleaned.size == (900, 1200)


def test_a_png_press_card_stays_png_and_a_pdf_stays_pdf():
    png = uploads.press_card(upload("card.png", image_bytes(800, 500, kind="PNG")))
    pdf = uploads.press_card(upload("card.pdf", pdf_bytes()))
    assert png.name.endswith(".png")
    assert png.read().startswith(b"\x89PNG")
    assert pdf.name.endswith(".pdf")
    assert pdf.read().startswith(b"%PDF-")


def test_the_type_comes_from_the_content_not_the_name():
    """A real JPEG called .pdf is a JPEG: stored as .jpg, whatever the sender named it."""
    stored = uploads.press_card(upload("card.pdf", image_bytes(800, 500)))
    assert stored.name.endswith(".jpg")


def jpeg_markers(data: bytes) -> set[int]:
    """The segment markers of a JPEG up to its image data (APP1 = EXIF, APP2 = ICC, COM = comment…)."""
    markers, position = set(), 2
    while position < len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: pixels follow
            break
        markers.add(marker)
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return markers


def png_chunks(data: bytes) -> set[bytes]:
    chunks, position = set(), 8
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunks.add(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
APP1, APP2, APP13, COM = 0xE1, 0xE2, 0xED, 0xFE


def test_a_jpeg_keeps_no_comment_no_colour_profile_and_no_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    output = BytesIO()
    Image.new("RGB", (600, 800), (120, 80, 200)).save(
        output, "JPEG", comment=b"taken at the secret meeting", icc_profile=SRGB_PROFILE, exif=exif.tobytes()
    )
    assert {APP1, APP2, COM} <= jpeg_markers(output.getvalue())  # the original carries all three

    cleaned = uploads.badge_photo(upload("photo.jpg", output.getvalue())).read()

    assert jpeg_markers(cleaned) & {APP1, APP2, APP13, COM} == set()
    assert b"secret meeting" not in cleaned
    assert b"PhoneMaker" not in cleaned


def test_a_png_keeps_no_text_no_colour_profile_and_no_exif():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at the secret meeting")
    text.add_itxt("Author", "Айгерім")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    output = BytesIO()
    Image.new("RGB", (800, 500), (10, 120, 30)).save(
        output, "PNG", pnginfo=text, icc_profile=SRGB_PROFILE, exif=exif.tobytes()
    )
    assert {b"tEXt", b"iTXt", b"iCCP", b"eXIf"} <= png_chunks(output.getvalue())

    cleaned = uploads.press_card(upload("card.png", output.getvalue())).read()

    assert png_chunks(cleaned) <= {b"IHDR", b"IDAT", b"IEND"}


def test_a_png_bomb_is_refused_from_its_header_before_any_pixel_is_decoded(monkeypatch):
    """50 megapixels of one colour compress to a few hundred kilobytes; decoded, they take 200 MB."""
    from PIL import ImageFile

    output = BytesIO()
    Image.new("L", (5000, 10000)).save(output, "PNG")
    assert len(output.getvalue()) < uploads.PHOTO_SIZE_LIMIT

    def decoding(*args, **kwargs):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decoding)

    assert refusal(uploads.badge_photo, upload("photo.png", output.getvalue())).code == "too_many_pixels"
    assert refusal(uploads.press_card, upload("card.png", output.getvalue())).code == "too_many_pixels"


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    image, size = uploads.opened_image(image_bytes(4800, 6400), largest=uploads.PHOTO_MAX_SIZE)

    assert size == (4800, 6400)
    assert image.size == (1200, 1600)  # a quarter of each side: a sixteenth of the memory and time
    cleaned = Image.open(uploads.badge_photo(upload("photo.jpg", image_bytes(4800, 6400))))
    assert cleaned.size == (900, 1200)
