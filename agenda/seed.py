"""The 2023 conference as data: what `python manage.py seed` creates or refreshes.

Every text is given in English, Russian and Kazakh. The programme is a draft;
organisers complete and correct it in the admin. Session identifiers are derived
from fixed keys, so calendar subscribers keep the same events across refreshes.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.db.models import Q
from django.utils import translation

from agenda.models import Conference, DialogueChair, NationalActionPlan, Room, Session, SessionSpeaker, Speaker
from agenda.services import public_pages_changed

ALMATY = ZoneInfo("Asia/Almaty")
M = TypeVar("M", bound=models.Model)
SESSION_NAMESPACE = uuid.UUID("6f1d6c52-3f5e-4c0e-9a51-2a8e0f4b2023")
ALL_INTERPRETATION = ["kk", "ru", "en"]


def almaty(hour: int, minute: int, day: tuple[int, int, int] = (2023, 10, 16)) -> datetime:
    return datetime(*day, hour, minute, tzinfo=ALMATY)


def tri(field: str, en: str, ru: str, kk: str) -> dict[str, str]:
    return {field: en, f"{field}_en": en, f"{field}_ru": ru, f"{field}_kk": kk}


CONFERENCE = {
    "slug": "wps-2023",
    **tri(
        "title",
        "Women, Peace and Security: conference of the Dialogue of Women of Central Asia",
        "«Женщины, мир и безопасность»: конференция Диалога женщин Центральной Азии",
        "«Әйелдер, бейбітшілік және қауіпсіздік»: Орталық Азия әйелдері диалогының конференциясы",
    ),
    **tri(
        "description",
        "The Dialogue of Women of Central Asia brings together women leaders of Kazakhstan, Kyrgyzstan, "
        "Tajikistan, Turkmenistan and Uzbekistan. Under Kazakhstan's chairmanship in 2023, this conference "
        "reviews how the region implements UN Security Council resolution 1325 on Women, Peace and Security "
        "and its national action plans, and works towards a regional Roadmap on Women, Peace and Security.",
        "Диалог женщин Центральной Азии объединяет женщин-лидеров Казахстана, Кыргызстана, Таджикистана, "
        "Туркменистана и Узбекистана. В 2023 году, в период председательства Казахстана, конференция "
        "рассматривает, как страны региона выполняют резолюцию 1325 Совета Безопасности ООН «Женщины, мир и "
        "безопасность» и национальные планы действий, и работает над региональной Дорожной картой по повестке "
        "«Женщины, мир и безопасность».",
        "Орталық Азия әйелдері диалогы Қазақстан, Қырғызстан, Тәжікстан, Түрікменстан және Өзбекстанның "
        "көшбасшы әйелдерін біріктіреді. 2023 жылы Қазақстанның төрағалығы кезінде конференция өңір елдерінің "
        "БҰҰ Қауіпсіздік Кеңесінің «Әйелдер, бейбітшілік және қауіпсіздік» туралы 1325 қарарын және ұлттық "
        "іс-қимыл жоспарларын қалай орындап жатқанын талқылап, «Әйелдер, бейбітшілік және қауіпсіздік» күн "
        "тәртібі бойынша өңірлік Жол картасын әзірлейді.",
    ),
    "starts_at": almaty(10, 0),
    "ends_at": almaty(17, 15),
    "time_zone": "Asia/Almaty",
    **tri("venue", "Venue to be announced", "Место проведения уточняется", "Өтетін орны нақтыланады"),
    **tri("address", "", "", ""),
    **tri("city", "Almaty", "Алматы", "Алматы"),
    "country": "KZ",
    **tri(
        "organisers",
        "Parliament of the Republic of Kazakhstan\n"
        "National Commission for Women Affairs, Family and Demographic Policy under the President of the "
        "Republic of Kazakhstan\n"
        "Government of the Republic of Kazakhstan",
        "Парламент Республики Казахстан\n"
        "Национальная комиссия по делам женщин и семейно-демографической политике при Президенте "
        "Республики Казахстан\n"
        "Правительство Республики Казахстан",
        "Қазақстан Республикасының Парламенті\n"
        "Қазақстан Республикасы Президентінің жанындағы Әйелдер істері және отбасылық-демографиялық саясат "
        "жөніндегі ұлттық комиссия\n"
        "Қазақстан Республикасының Үкіметі",
    ),
    **tri(
        "supporters",
        "UN Women\nUnited Nations Regional Centre for Preventive Diplomacy for Central Asia (UNRCCA)",
        "Структура «ООН-женщины»\nРегиональный центр ООН по превентивной дипломатии для Центральной Азии (РЦПДЦА)",
        "БҰҰ-Әйелдер\nБҰҰ-ның Орталық Азия үшін превентивтік дипломатия жөніндегі өңірлік орталығы (UNRCCA)",
    ),
    **tri(
        "audience",
        "Members of parliament, heads of government bodies, civil society and non-governmental organisations, "
        "international organisations, the diplomatic corps, experts and the media.",
        "Депутаты парламентов, руководители государственных органов, представители гражданского общества и "
        "неправительственных организаций, международных организаций, дипломатического корпуса, эксперты и СМИ.",
        "Парламент депутаттары, мемлекеттік органдардың басшылары, азаматтық қоғам мен үкіметтік емес "
        "ұйымдардың, халықаралық ұйымдардың, дипломатиялық корпустың өкілдері, сарапшылар және БАҚ.",
    ),
    "livestream_url": "",
    **tri("contact_name", "Conference secretariat", "Секретариат конференции", "Конференция хатшылығы"),
    "contact_email": "secretariat@example.org",
    "hashtags": "#TheDialogueOfWomenOfCentralAsia #WomenPeaceAndSecurity",
    "capacity": 300,
    "media_capacity": 60,
    "registration_opens_at": almaty(9, 0, day=(2023, 9, 1)),
    "registration_closes_at": almaty(18, 0, day=(2023, 10, 13)),
    "requires_approval": True,
    "programme_is_draft": True,
    "is_published": True,
}

ROOMS = {
    "plenary": tri("name", "Plenary hall", "Пленарный зал", "Пленарлық зал"),
    "foyer": tri("name", "Foyer", "Фойе", "Фойе"),
    "restaurant": tri("name", "Restaurant", "Ресторан", "Мейрамхана"),
}

SPEAKERS = {
    "parliament": {
        **tri(
            "name",
            "Representative of the Parliament of the Republic of Kazakhstan",
            "Представитель Парламента Республики Казахстан",
            "Қазақстан Республикасы Парламентінің өкілі",
        ),
        **tri(
            "organisation",
            "Parliament of the Republic of Kazakhstan",
            "Парламент Республики Казахстан",
            "Қазақстан Республикасының Парламенті",
        ),
        "country": "KZ",
    },
    "commission": {
        **tri(
            "name",
            "Representative of the National Commission for Women Affairs, Family and Demographic Policy",
            "Представитель Национальной комиссии по делам женщин и семейно-демографической политике",
            "Әйелдер істері және отбасылық-демографиялық саясат жөніндегі ұлттық комиссияның өкілі",
        ),
        **tri(
            "organisation",
            "National Commission for Women Affairs, Family and Demographic Policy under the President of the "
            "Republic of Kazakhstan",
            "Национальная комиссия по делам женщин и семейно-демографической политике при Президенте "
            "Республики Казахстан",
            "Қазақстан Республикасы Президентінің жанындағы Әйелдер істері және отбасылық-демографиялық саясат "
            "жөніндегі ұлттық комиссия",
        ),
        "country": "KZ",
    },
    "un_women": {
        **tri("name", "Representative of UN Women", "Представитель структуры «ООН-женщины»", "БҰҰ-Әйелдер өкілі"),
        **tri("organisation", "UN Women", "Структура «ООН-женщины»", "БҰҰ-Әйелдер"),
    },
    "unrcca": {
        **tri("name", "Representative of UNRCCA", "Представитель РЦПДЦА", "UNRCCA өкілі"),
        **tri(
            "organisation",
            "United Nations Regional Centre for Preventive Diplomacy for Central Asia",
            "Региональный центр ООН по превентивной дипломатии для Центральной Азии",
            "БҰҰ-ның Орталық Азия үшін превентивтік дипломатия жөніндегі өңірлік орталығы",
        ),
    },
    "moderator": {
        **tri("name", "Moderator to be announced", "Модератор уточняется", "Модератор нақтыланады"),
        **tri("organisation", "", "", ""),
    },
}


@dataclass(frozen=True)
class SeedSession:
    key: str
    kind: str
    start: tuple[int, int]
    end: tuple[int, int]
    room: str
    title: tuple[str, str, str]
    description: tuple[str, str, str] = ("", "", "")
    pillar: str = ""
    speakers: tuple[tuple[str, str], ...] = ()

    @property
    def substantive(self) -> bool:
        return self.kind not in (Session.Kind.BREAK, Session.Kind.LUNCH)


COFFEE_BREAK = ("Coffee break", "Кофе-брейк", "Кофе-брейк")

SESSIONS = [
    SeedSession(
        "opening",
        Session.Kind.OPENING,
        (10, 0),
        (10, 45),
        "plenary",
        ("Opening of the conference", "Открытие конференции", "Конференцияның ашылуы"),
        (
            "Welcoming remarks by the organisers and partners.",
            "Приветственные выступления организаторов и партнёров.",
            "Ұйымдастырушылар мен серіктестердің құттықтау сөздері.",
        ),
        speakers=(("parliament", "chair"), ("commission", "speaker"), ("un_women", "speaker"), ("unrcca", "speaker")),
    ),
    SeedSession(
        "unscr-1325-naps",
        Session.Kind.PANEL,
        (10, 45),
        (12, 0),
        "plenary",
        (
            "Implementing UNSCR 1325 and national action plans in Central Asia",
            "Выполнение резолюции 1325 СБ ООН и национальные планы действий в Центральной Азии",
            "БҰҰ ҚК 1325 қарарын орындау және Орталық Азиядағы ұлттық іс-қимыл жоспарлары",
        ),
        (
            "Progress, gaps and lessons from the national action plans of Kyrgyzstan, Kazakhstan, Tajikistan and "
            "Uzbekistan.",
            "Достижения, пробелы и уроки национальных планов действий Кыргызстана, Казахстана, Таджикистана и "
            "Узбекистана.",
            "Қырғызстан, Қазақстан, Тәжікстан және Өзбекстанның ұлттық іс-қимыл жоспарларының жетістіктері, "
            "олқылықтары мен сабақтары.",
        ),
        pillar=Session.Pillar.PARTICIPATION,
        speakers=(("moderator", "moderator"), ("un_women", "speaker")),
    ),
    SeedSession("break-morning", Session.Kind.BREAK, (12, 0), (12, 15), "foyer", COFFEE_BREAK),
    SeedSession(
        "conflict-prevention",
        Session.Kind.PANEL,
        (12, 15),
        (13, 30),
        "plenary",
        (
            "Women in conflict prevention and regional platforms for dialogue",
            "Женщины в предотвращении конфликтов и региональные диалоговые площадки",
            "Қақтығыстардың алдын алудағы әйелдер және өңірлік диалог алаңдары",
        ),
        (
            "Women's role in preventive diplomacy, mediation and cross-border cooperation.",
            "Роль женщин в превентивной дипломатии, посредничестве и трансграничном сотрудничестве.",
            "Әйелдердің превентивтік дипломатиядағы, делдалдықтағы және трансшекаралық ынтымақтастықтағы рөлі.",
        ),
        pillar=Session.Pillar.PREVENTION,
        speakers=(("moderator", "moderator"), ("unrcca", "speaker")),
    ),
    SeedSession("lunch", Session.Kind.LUNCH, (13, 30), (14, 30), "restaurant", ("Lunch", "Обед", "Түскі ас")),
    SeedSession(
        "agenda-2030",
        Session.Kind.PANEL,
        (14, 30),
        (15, 30),
        "plenary",
        (
            "WPS commitments and the 2030 Agenda for Sustainable Development",
            "Обязательства по повестке «Женщины, мир и безопасность» и Повестка дня в области устойчивого "
            "развития на период до 2030 года",
            "«Әйелдер, бейбітшілік және қауіпсіздік» міндеттемелері және 2030 жылға дейінгі тұрақты даму "
            "саласындағы күн тәртібі",
        ),
        (
            "Linking WPS commitments with the Sustainable Development Goals, in particular Goals 5 and 16.",
            "Связь обязательств по повестке ЖМБ с Целями устойчивого развития, прежде всего с целями 5 и 16.",
            "ӘБҚ міндеттемелерін Тұрақты даму мақсаттарымен, әсіресе 5 және 16-мақсаттармен ұштастыру.",
        ),
        pillar=Session.Pillar.RELIEF_AND_RECOVERY,
        speakers=(("moderator", "moderator"), ("commission", "speaker")),
    ),
    SeedSession("break-afternoon", Session.Kind.BREAK, (15, 30), (15, 45), "foyer", COFFEE_BREAK),
    SeedSession(
        "regional-roadmap",
        Session.Kind.WORKING,
        (15, 45),
        (16, 45),
        "plenary",
        (
            "Drafting the regional Roadmap on Women, Peace and Security",
            "Разработка региональной Дорожной карты по повестке «Женщины, мир и безопасность»",
            "«Әйелдер, бейбітшілік және қауіпсіздік» бойынша өңірлік Жол картасын әзірлеу",
        ),
        (
            "Working session on the priorities, commitments and follow-up of a regional Roadmap.",
            "Рабочая сессия о приоритетах, обязательствах и дальнейших шагах региональной Дорожной карты.",
            "Өңірлік Жол картасының басымдықтары, міндеттемелері және келесі қадамдары туралы жұмыс сессиясы.",
        ),
        pillar=Session.Pillar.PROTECTION,
        speakers=(("moderator", "moderator"),),
    ),
    SeedSession(
        "closing",
        Session.Kind.CLOSING,
        (16, 45),
        (17, 15),
        "plenary",
        ("Recommendations and closing", "Рекомендации и закрытие конференции", "Ұсынымдар және конференцияның жабылуы"),
        (
            "Adoption of the conference recommendations and closing remarks.",
            "Принятие рекомендаций конференции и заключительные слова.",
            "Конференция ұсынымдарын қабылдау және қорытынды сөздер.",
        ),
        speakers=(("parliament", "chair"),),
    ),
]

CHAIRS = {2021: "UZ", 2022: "TM", 2023: "KZ"}

ACTION_PLANS = {
    "KG": (
        2013,
        tri(
            "summary",
            "The first national action plan on resolution 1325 in Central Asia, adopted in 2013 and renewed since.",
            "Первый в Центральной Азии национальный план действий по резолюции 1325, принят в 2013 году и с тех "
            "пор обновляется.",
            "Орталық Азиядағы 1325 қарары бойынша алғашқы ұлттық іс-қимыл жоспары, 2013 жылы қабылданып, содан "
            "бері жаңартылып келеді.",
        ),
    ),
    "TJ": (
        2019,
        tri(
            "summary",
            "Tajikistan's national action plan on resolution 1325, first adopted in 2019.",
            "Национальный план действий Таджикистана по резолюции 1325, впервые принят в 2019 году.",
            "Тәжікстанның 1325 қарары бойынша ұлттық іс-қимыл жоспары, алғаш рет 2019 жылы қабылданған.",
        ),
    ),
    "KZ": (
        2021,
        tri(
            "summary",
            "Kazakhstan's national action plan on resolution 1325, first adopted in 2021.",
            "Национальный план действий Казахстана по резолюции 1325, впервые принят в 2021 году.",
            "Қазақстанның 1325 қарары бойынша ұлттық іс-қимыл жоспары, алғаш рет 2021 жылы қабылданған.",
        ),
    ),
    "UZ": (
        2022,
        tri(
            "summary",
            "Uzbekistan's national action plan on resolution 1325, first adopted in 2022.",
            "Национальный план действий Узбекистана по резолюции 1325, впервые принят в 2022 году.",
            "Өзбекстанның 1325 қарары бойынша ұлттық іс-қимыл жоспары, алғаш рет 2022 жылы қабылданған.",
        ),
    ),
}


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def upsert(report: SeedReport, model: type[M], lookup: dict, values: dict) -> M:
    """Create the row, or change it only where it differs, so a second run writes nothing."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**{**values, **lookup})
        report.created += 1
        return instance
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    if changed:
        for field in changed:
            setattr(instance, field, values[field])
        instance.save()
        report.updated += 1
    else:
        report.unchanged += 1
    return instance


def seeded_room(report: SeedReport, conference: Conference, names: dict) -> Room:
    """The seeded room, found by any of its names: an organiser's renaming must not make a twin."""
    existing = conference.rooms.filter(
        Q(name_en=names["name_en"]) | Q(name_ru=names["name_ru"]) | Q(name_kk=names["name_kk"])
    ).first()
    lookup = {"pk": existing.pk} if existing else {"conference": conference, "name_en": names["name_en"]}
    return upsert(report, Room, lookup, {**names, "conference": conference})


def session_uid(key: str) -> uuid.UUID:
    return uuid.uuid5(SESSION_NAMESPACE, f"{CONFERENCE['slug']}/{key}")


@transaction.atomic
def seed_conference_2023() -> SeedReport:
    # Lookups on translated fields follow the active language: pin it to the default.
    with translation.override("en"):
        return _seed_conference_2023()


def _seed_conference_2023() -> SeedReport:
    report = SeedReport()
    values = {field: value for field, value in CONFERENCE.items() if field != "slug"}
    conference = upsert(report, Conference, {"slug": CONFERENCE["slug"]}, values)
    rooms = {key: seeded_room(report, conference, names) for key, names in ROOMS.items()}
    speakers = {key: upsert(report, Speaker, {"name_en": data["name_en"]}, data) for key, data in SPEAKERS.items()}
    for seed in SESSIONS:
        session = upsert(
            report,
            Session,
            {"uid": session_uid(seed.key)},
            {
                "conference": conference,
                "kind": seed.kind,
                "starts_at": almaty(*seed.start),
                "ends_at": almaty(*seed.end),
                "room": rooms[seed.room],
                "pillar": seed.pillar,
                "interpretation_languages": ALL_INTERPRETATION if seed.substantive else [],
                "is_livestreamed": seed.substantive,
                **tri("title", *seed.title),
                **tri("description", *seed.description),
            },
        )
        for order, (speaker_key, role) in enumerate(seed.speakers):
            upsert(
                report,
                SessionSpeaker,
                {"session": session, "speaker": speakers[speaker_key]},
                {"role": role, "order": order},
            )
    for year, country in CHAIRS.items():
        upsert(report, DialogueChair, {"year": year}, {"country": country})
    for country, (year, summary) in ACTION_PLANS.items():
        upsert(report, NationalActionPlan, {"country": country}, {"first_adopted": year, **summary})
    if report.created or report.updated:
        public_pages_changed()  # the Dialogue's chairs and action plans show on every conference's page
    return report
