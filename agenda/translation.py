"""Fields that organisers write in English, Russian and Kazakh (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from agenda.models import Conference, NationalActionPlan, Room, Session, Speaker


@register(Conference)
class ConferenceTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "description",
        "venue",
        "address",
        "city",
        "organisers",
        "supporters",
        "audience",
        "contact_name",
    )
    required_languages = ("en",)


@register(Room)
class RoomTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Speaker)
class SpeakerTranslationOptions(TranslationOptions):
    fields = ("name", "position", "organisation", "bio")
    required_languages = ("en",)


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)


@register(NationalActionPlan)
class NationalActionPlanTranslationOptions(TranslationOptions):
    fields = ("summary",)
    required_languages = ("en",)
