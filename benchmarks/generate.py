"""Generate realistic synthetic §28 descriptions for benchmarks, deterministically.

    python benchmarks/generate.py --registers 10000 --out /tmp/gen10k [--organisations 100]
                                  [--seed 906] [--defects [RATE]]

Writes one YAML file per organisation in the normal `data/` format (the real loader reads
them).  The shapes follow the seed (`data/mynamaki.yaml`) and the variants in
`shared/design/domain.md`: municipalities, joint authorities, regional councils and state
agencies; Swedish-language descriptions and bilingual names; units with their own purpose,
API statement, disclosure authority and cross-references; registers with data groups,
systems shared within an organisation (some with parts, some national), search criteria,
API statements of every availability (hedged ones too), secrecy, contacts, themes and YSO
subjects, privacy-notice links, distributions and `part_of` nesting.

Without `--defects` every generated catalog conforms (warnings only), so `dcatgen build`
writes it.  With `--defects`, a share of registers gets a defect the loader accepts but
validation reports (no description at all, no systems, no data groups, no search criteria,
availability not stated, lines the importer could not place).  Defects that the loader
would reject cannot be written as YAML: `benchmarks/defects.py` injects those into triples.

The same seed and sizes always give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as Dumper
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeDumper as Dumper  # type: ignore[assignment]

from dcatgen.mapping.tables import slug

SEED = 906
"""The default random seed (the Act's number): same seed and sizes → same files."""

DEFECT_KINDS = (
    "no-description",
    "no-systems",
    "no-data-groups",
    "no-search-criteria",
    "availability-not-stated",
    "unplaced",
)
"""YAML-level defects: accepted by the loader, reported by validation."""

Json = dict[str, Any]


@dataclass(frozen=True)
class Domain:
    """A field of an authority's work: what a unit in it registers, and how."""

    key: str
    unit: tuple[str, str]
    themes: tuple[str, ...]
    subjects: tuple[str, ...]
    registers: tuple[tuple[str, str], ...]
    data_groups: tuple[tuple[str, str], ...]
    systems: tuple[str, ...]
    criteria: tuple[str, ...]
    purpose: tuple[str, str]


DOMAINS: dict[str, Domain] = {
    d.key: d
    for d in (
        Domain(
            "kasvatus-ja-sivistys",
            ("Kasvatus- ja sivistysosasto", "Bildningsavdelningen"),
            ("EDUC",),
            ("p19327", "p7401", "p6874", "p1650", "p20272"),
            (
                (
                    "Perusopetuksen ja lukio-opetuksen tietovaranto",
                    "Informationslager för grundläggande utbildning och gymnasium",
                ),
                ("Varhaiskasvatuksen tietovaranto", "Informationslager för småbarnspedagogik"),
                ("Esiopetuksen asiarekisteri", "Ärenderegister för förskoleundervisning"),
                ("Oppilashuollon asiakasrekisteri", "Klientregister för elevvård"),
                ("Koulukuljetusten asiarekisteri", "Ärenderegister för skolskjutsar"),
                (
                    "Aamu- ja iltapäivätoiminnan asiarekisteri",
                    "Ärenderegister för morgon- och eftermiddagsverksamhet",
                ),
            ),
            (
                (
                    "Oppilaiden ja huoltajien yhteystiedot",
                    "Elevers och vårdnadshavares kontaktuppgifter",
                ),
                ("Arvosanat, todistukset ja päätökset", "Vitsord, betyg och beslut"),
                ("Opetukseen osallistumisen historia", "Historik över deltagande i undervisning"),
                ("Pedagogisen tuen tiedot", "Uppgifter om pedagogiskt stöd"),
                ("Hakemukset", "Ansökningar"),
                ("Sijoitus- ja maksupäätökset", "Placerings- och avgiftsbeslut"),
                ("Varhaiskasvatussuunnitelma", "Plan för småbarnspedagogik"),
                ("Tilastot ja raportit", "Statistik och rapporter"),
            ),
            ("MultiPrimus", "Wilma", "Pro Consona", "Varda", "Koski", "Kurre"),
            ("person-name", "personal-identity-code", "date-of-birth", "customer-id"),
            (
                "Rekisterien käyttötarkoitus on varhaiskasvatuksen, perus- ja lukio-opetuksen "
                "järjestäminen sekä oppilas- ja opiskelijahuollon toteuttaminen.",
                "Registren används för att ordna småbarnspedagogik, grundläggande utbildning "
                "och gymnasieutbildning samt elevvård.",
            ),
        ),
        Domain(
            "sosiaalipalvelut",
            ("Sosiaalipalvelut", "Socialtjänsten"),
            ("SOCI", "HEAL"),
            ("p82",),
            (
                ("Sosiaalihuollon asiakasrekisteri", "Klientregister inom socialvården"),
                ("Lastensuojelun asiakasrekisteri", "Klientregister inom barnskyddet"),
                ("Toimeentulotuen asiarekisteri", "Ärenderegister för utkomststöd"),
                ("Vammaispalvelujen asiarekisteri", "Ärenderegister för handikappservice"),
                ("Vanhuspalvelujen asiakasrekisteri", "Klientregister inom äldreomsorgen"),
                ("Omaishoidon tuen asiarekisteri", "Ärenderegister för närståendevård"),
            ),
            (
                ("Asiakkaan henkilö- ja yhteystiedot", "Klientens person- och kontaktuppgifter"),
                ("Palvelutarpeen arviointi", "Bedömning av servicebehov"),
                ("Asiakassuunnitelmat", "Klientplaner"),
                ("Päätökset ja muutoksenhaut", "Beslut och ändringssökande"),
                ("Asiakaskertomukset", "Klientberättelser"),
                ("Laskutustiedot", "Faktureringsuppgifter"),
            ),
            ("Pegasos", "Effica", "Lifecare", "Kanta-palvelut", "Kelmu"),
            ("person-name", "personal-identity-code", "customer-id", "case-number", "date"),
            (
                "Tietoja käytetään sosiaalihuollon palvelujen järjestämiseen, "
                "asiakkuuksien hoitamiseen ja päätöksentekoon.",
                "Uppgifterna används för att ordna socialvårdens tjänster och fatta beslut.",
            ),
        ),
        Domain(
            "terveyspalvelut",
            ("Terveyspalvelut", "Hälsovården"),
            ("HEAL",),
            ("p82",),
            (
                ("Potilasrekisteri", "Patientregister"),
                ("Hammashuollon potilasrekisteri", "Patientregister för tandvården"),
                ("Neuvolan asiakasrekisteri", "Klientregister för rådgivningen"),
                ("Kouluterveydenhuollon rekisteri", "Register för skolhälsovården"),
                ("Laboratoriotutkimusten rekisteri", "Register över laboratorieundersökningar"),
            ),
            (
                ("Potilaan perustiedot", "Patientens grunduppgifter"),
                ("Hoitokertomukset", "Vårdberättelser"),
                ("Lähetteet ja hoitopalautteet", "Remisser och epikriser"),
                ("Lääkitystiedot", "Läkemedelsuppgifter"),
                ("Ajanvaraukset", "Tidsbokningar"),
            ),
            ("Lifecare", "Apotti", "Omni360", "Kanta-palvelut", "Uni"),
            ("person-name", "personal-identity-code", "date-of-birth"),
            (
                "Tietoja käytetään potilaan tutkimuksen ja hoidon järjestämiseen ja "
                "toteuttamiseen.",
                "Uppgifterna används för att ordna och genomföra undersökning och vård.",
            ),
        ),
        Domain(
            "tekninen-toimi",
            ("Tekninen toimi", "Tekniska avdelningen"),
            ("REGI", "TRAN", "ENVI"),
            ("p82",),
            (
                ("Rakennusvalvonnan asiarekisteri", "Ärenderegister för byggnadstillsynen"),
                ("Kaavoituksen asiarekisteri", "Ärenderegister för planläggningen"),
                (
                    "Katu- ja liikennealueiden lupien rekisteri",
                    "Register över tillstånd för gator och trafikområden",
                ),
                ("Tilavarausten asiarekisteri", "Ärenderegister för lokalbokningar"),
                ("Vesihuollon asiakasrekisteri", "Klientregister för vattentjänster"),
                ("Jätehuollon asiakasrekisteri", "Klientregister för avfallshantering"),
            ),
            (
                ("Lupahakemukset ja päätökset", "Tillståndsansökningar och beslut"),
                ("Kiinteistöjen tiedot", "Fastighetsuppgifter"),
                ("Katselmukset ja tarkastukset", "Syner och inspektioner"),
                ("Piirustukset ja suunnitelmat", "Ritningar och planer"),
                ("Laskutus", "Fakturering"),
            ),
            ("Lupapiste", "Facta", "KuntaGML", "Timmi", "Trimble Locus"),
            ("property-id", "person-name", "organisation-name", "case-number", "address"),
            (
                "Tietoja käytetään rakentamisen ja maankäytön lupa-asioiden käsittelyyn ja "
                "valvontaan sekä kunnan teknisten palvelujen järjestämiseen.",
                "Uppgifterna används för behandling och tillsyn av bygg- och "
                "markanvändningsärenden.",
            ),
        ),
        Domain(
            "hallinto",
            ("Hallinto-osasto", "Förvaltningsavdelningen"),
            ("GOVE",),
            ("p12440", "p82"),
            (
                ("Asianhallintarekisteri", "Ärendehanteringsregister"),
                ("Kirjaamon asiarekisteri", "Registratorskontorets ärenderegister"),
                ("Luottamushenkilörekisteri", "Register över förtroendevalda"),
                ("Sopimusrekisteri", "Avtalsregister"),
                ("Tietopyyntöjen rekisteri", "Register över informationsbegäranden"),
            ),
            (
                ("Esityslistat ja pöytäkirjat", "Föredragningslistor och protokoll"),
                ("Viranhaltijapäätökset", "Tjänsteinnehavarbeslut"),
                ("Saapuneet ja lähteneet asiakirjat", "Inkommande och utgående handlingar"),
                ("Sopimukset", "Avtal"),
                ("Luottamushenkilöiden yhteystiedot", "Förtroendevaldas kontaktuppgifter"),
            ),
            ("Dynasty", "Tweb", "CaseM", "Evakka", "Innofactor Dynasty"),
            ("case-number", "case-title", "initiator", "decision-maker", "date", "document-type"),
            (
                "Tietoja käytetään asioiden vireillepanoon, käsittelyyn, päätöksentekoon ja "
                "arkistointiin.",
                "Uppgifterna används för att anhängiggöra, behandla, besluta om och arkivera "
                "ärenden.",
            ),
        ),
        Domain(
            "talous-ja-henkilosto",
            ("Talous- ja henkilöstöpalvelut", "Ekonomi- och personaltjänster"),
            ("ECON", "GOVE"),
            ("p82",),
            (
                ("Henkilöstörekisteri", "Personalregister"),
                ("Palkanlaskennan rekisteri", "Löneräkningsregister"),
                ("Rekrytointirekisteri", "Rekryteringsregister"),
                ("Ostolaskujen rekisteri", "Register över inköpsfakturor"),
                ("Myyntireskontra", "Kundreskontra"),
            ),
            (
                (
                    "Työntekijän henkilö- ja yhteystiedot",
                    "Arbetstagarens person- och kontaktuppgifter",
                ),
                ("Palvelussuhteen tiedot", "Uppgifter om anställningsförhållandet"),
                ("Palkka- ja verotiedot", "Löne- och skatteuppgifter"),
                ("Työaika- ja poissaolotiedot", "Arbetstids- och frånvarouppgifter"),
                ("Laskut ja maksut", "Fakturor och betalningar"),
            ),
            ("Populus", "Sarastia", "Titania", "Basware", "Kuntarekry", "SAP"),
            ("person-name", "personal-identity-code", "business-id", "organisation-name", "date"),
            (
                "Tietoja käytetään palvelussuhteiden hoitamiseen, palkanmaksuun ja "
                "taloushallintoon.",
                "Uppgifterna används för skötsel av anställningar, löneutbetalning och "
                "ekonomiförvaltning.",
            ),
        ),
        Domain(
            "vapaa-aika-ja-kulttuuri",
            ("Vapaa-aika- ja kulttuuripalvelut", "Fritids- och kulturtjänster"),
            ("EDUC", "SOCI"),
            ("p16658", "p8432", "p1925", "p29165", "p916", "p9824", "p16530"),
            (
                ("Kirjastopalveluiden asiarekisteri", "Ärenderegister för bibliotekstjänster"),
                ("Nuorisopalveluiden asiarekisterit", "Ärenderegister för ungdomstjänster"),
                ("Liikuntapalveluiden asiarekisterit", "Ärenderegister för idrottstjänster"),
                ("Kulttuuripalveluiden asiarekisteri", "Ärenderegister för kulturtjänster"),
                ("Avustusrekisteri", "Understödsregister"),
            ),
            (
                ("Asiakkaan tiedot", "Kundens uppgifter"),
                ("Lainauksenvalvonnan tapahtumatiedot", "Uppgifter om lån"),
                ("Leirit, retket ja tapahtumat", "Läger, utflykter och evenemang"),
                ("Avustushakemukset ja päätökset", "Understödsansökningar och beslut"),
                ("Tilavaraukset", "Lokalbokningar"),
                ("Kokoelmatiedot", "Samlingsuppgifter"),
            ),
            ("Vaski-kirjastojen tietokanta", "PARent", "PARty", "LYYTI", "Timmi", "Koha"),
            ("person-name", "customer-id", "personal-identity-code", "organisation-name"),
            (
                "Vapaa-aika- ja kulttuuritoimen palvelujen järjestäminen kuntalaisille.",
                "Fritids- och kulturtjänster för kommuninvånarna.",
            ),
        ),
        Domain(
            "ymparisto",
            ("Ympäristöpalvelut", "Miljötjänster"),
            ("ENVI", "AGRI"),
            ("p82",),
            (
                ("Ympäristölupien asiarekisteri", "Ärenderegister för miljötillstånd"),
                ("Ympäristövalvonnan rekisteri", "Register för miljötillsyn"),
                ("Maa-aines- ja ottolupien rekisteri", "Register över marktäktstillstånd"),
                ("Eläinlääkintähuollon asiarekisteri", "Ärenderegister för veterinärvården"),
                ("Elintarvikevalvonnan rekisteri", "Register för livsmedelstillsyn"),
            ),
            (
                ("Luvanhakijan tiedot", "Uppgifter om sökanden"),
                ("Tarkastuskertomukset", "Inspektionsrapporter"),
                ("Näytteet ja tutkimustulokset", "Prover och analysresultat"),
                ("Päätökset", "Beslut"),
            ),
            ("YLVA", "Digia Tarkastaja", "Vahti", "KuntaGML"),
            (
                "organisation-name",
                "business-id",
                "property-id",
                "case-number",
                "registration-number",
            ),
            (
                "Tietoja käytetään ympäristönsuojelun lupa- ja valvontatehtävien hoitamiseen.",
                "Uppgifterna används för tillstånds- och tillsynsuppgifter inom miljöskyddet.",
            ),
        ),
        Domain(
            "aluekehitys",
            ("Aluekehitys ja edunvalvonta", "Regionutveckling och intressebevakning"),
            ("REGI", "ECON"),
            ("p82",),
            (
                (
                    "Maakuntakaavoituksen asiarekisteri",
                    "Ärenderegister för landskapsplanläggningen",
                ),
                (
                    "Aluekehitysrahoituksen hankerekisteri",
                    "Projektregister för regionutvecklingsfinansiering",
                ),
                ("Edunvalvonnan asiarekisteri", "Ärenderegister för intressebevakning"),
                ("Liikennejärjestelmäsuunnittelun aineistot", "Material för trafiksystemplanering"),
            ),
            (
                ("Hankehakemukset", "Projektansökningar"),
                ("Rahoituspäätökset", "Finansieringsbeslut"),
                ("Kaava-aineistot", "Planmaterial"),
                ("Lausunnot", "Utlåtanden"),
                ("Seurantatiedot", "Uppföljningsuppgifter"),
            ),
            ("EURA 2021", "Hyrrä", "Dynasty", "Paikkatietoikkuna"),
            ("organisation-name", "business-id", "case-number", "case-title", "date"),
            (
                "Tietoja käytetään maakunnan suunnitteluun, aluekehitykseen ja hankerahoitukseen.",
                "Uppgifterna används för landskapets planering, regionutveckling och "
                "projektfinansiering.",
            ),
        ),
        Domain(
            "lupa-ja-valvonta",
            ("Lupa- ja valvontapalvelut", "Tillstånds- och tillsynstjänster"),
            ("GOVE", "JUST", "TRAN"),
            ("p82", "p12440"),
            (
                ("Lupahakemusten asiarekisteri", "Ärenderegister för tillståndsansökningar"),
                ("Valvonta-asioiden rekisteri", "Register över tillsynsärenden"),
                ("Kanteluiden asiarekisteri", "Ärenderegister för klagomål"),
                ("Rekisteröintien tietovaranto", "Informationslager för registreringar"),
                ("Seuraamusmaksujen rekisteri", "Register över påföljdsavgifter"),
            ),
            (
                ("Hakijan tiedot", "Sökandens uppgifter"),
                ("Lupapäätökset", "Tillståndsbeslut"),
                ("Valvontahavainnot", "Tillsynsobservationer"),
                ("Selvityspyynnöt ja vastineet", "Begäran om utredning och bemötanden"),
                ("Maksut", "Avgifter"),
            ),
            ("Asiointipalvelu", "Asha", "USKO", "Suomi.fi-viestit", "VTJ-kysely"),
            (
                "case-number",
                "person-name",
                "organisation-name",
                "business-id",
                "registration-number",
            ),
            (
                "Tietoja käytetään lupa- ja valvontatehtävien hoitamiseen lain mukaisesti.",
                "Uppgifterna används för att sköta tillstånds- och tillsynsuppgifter enligt lag.",
            ),
        ),
    )
}

KIND_DOMAINS: dict[str, tuple[str, ...]] = {
    "municipality": (
        "hallinto",
        "kasvatus-ja-sivistys",
        "sosiaalipalvelut",
        "tekninen-toimi",
        "vapaa-aika-ja-kulttuuri",
        "talous-ja-henkilosto",
        "ymparisto",
    ),
    "joint-authority": (
        "hallinto",
        "terveyspalvelut",
        "sosiaalipalvelut",
        "talous-ja-henkilosto",
        "kasvatus-ja-sivistys",
    ),
    "regional-council": ("hallinto", "aluekehitys", "talous-ja-henkilosto"),
    "state-agency": ("hallinto", "lupa-ja-valvonta", "talous-ja-henkilosto", "ymparisto"),
}

MUNICIPALITIES: tuple[tuple[str, str | None, bool], ...] = (
    # (Finnish name, Swedish name or None, Swedish-language description?)
    ("Mynämäki", "Virmo", False),
    ("Turku", "Åbo", False),
    ("Raasepori", "Raseborg", True),
    ("Porvoo", "Borgå", False),
    ("Vaasa", "Vasa", False),
    ("Kokkola", "Karleby", False),
    ("Pietarsaari", "Jakobstad", True),
    ("Loviisa", "Lovisa", False),
    ("Kemiönsaari", "Kimitoön", True),
    ("Parainen", "Pargas", True),
    ("Närpiö", "Närpes", True),
    ("Mustasaari", "Korsholm", True),
    ("Kruunupyy", "Kronoby", True),
    ("Inkoo", "Ingå", True),
    ("Sipoo", "Sibbo", False),
    ("Laitila", None, False),
    ("Masku", None, False),
    ("Nousiainen", "Nousis", False),
    ("Lieto", "Lundo", False),
    ("Salo", None, False),
    ("Loimaa", None, False),
    ("Pöytyä", None, False),
    ("Uusikaupunki", "Nystad", False),
    ("Rauma", "Raumo", False),
    ("Pori", "Björneborg", False),
    ("Tampere", "Tammerfors", False),
    ("Oulu", "Uleåborg", False),
    ("Kuopio", None, False),
    ("Joensuu", None, False),
    ("Jyväskylä", None, False),
    ("Lahti", "Lahtis", False),
    ("Kotka", None, False),
    ("Kouvola", None, False),
    ("Mikkeli", "S:t Michel", False),
    ("Rovaniemi", None, False),
    ("Kajaani", "Kajana", False),
    ("Seinäjoki", None, False),
    ("Hämeenlinna", "Tavastehus", False),
    ("Lappeenranta", "Villmanstrand", False),
    ("Kemi", None, False),
    ("Tornio", "Torneå", False),
    ("Iisalmi", "Idensalmi", False),
    ("Savonlinna", "Nyslott", False),
    ("Ylöjärvi", None, False),
    ("Sastamala", None, False),
)

REGIONS: tuple[tuple[str, str, str], ...] = (
    # (Finnish name, genitive, Swedish name)
    ("Varsinais-Suomi", "Varsinais-Suomen", "Egentliga Finland"),
    ("Satakunta", "Satakunnan", "Satakunda"),
    ("Pirkanmaa", "Pirkanmaan", "Birkaland"),
    ("Uusimaa", "Uudenmaan", "Nyland"),
    ("Pohjanmaa", "Pohjanmaan", "Österbotten"),
    ("Keski-Suomi", "Keski-Suomen", "Mellersta Finland"),
    ("Lappi", "Lapin", "Lappland"),
    ("Kainuu", "Kainuun", "Kajanaland"),
    ("Pohjois-Karjala", "Pohjois-Karjalan", "Norra Karelen"),
    ("Etelä-Savo", "Etelä-Savon", "Södra Savolax"),
    ("Pohjois-Savo", "Pohjois-Savon", "Norra Savolax"),
    ("Kymenlaakso", "Kymenlaakson", "Kymmenedalen"),
    ("Päijät-Häme", "Päijät-Hämeen", "Päijänne-Tavastland"),
    ("Kanta-Häme", "Kanta-Hämeen", "Egentliga Tavastland"),
    ("Etelä-Karjala", "Etelä-Karjalan", "Södra Karelen"),
    ("Etelä-Pohjanmaa", "Etelä-Pohjanmaan", "Södra Österbotten"),
    ("Pohjois-Pohjanmaa", "Pohjois-Pohjanmaan", "Norra Österbotten"),
)

JOINT_AUTHORITIES: tuple[tuple[str, str], ...] = (
    ("{gen} sairaanhoitopiirin kuntayhtymä", "Samkommunen {sv} sjukvårdsdistrikt"),
    ("{gen} koulutuskuntayhtymä", "Samkommunen för utbildning i {sv}"),
    ("{gen} erityishuoltopiirin kuntayhtymä", "Specialomsorgsdistriktet i {sv}"),
    ("{gen} jätehuollon kuntayhtymä", "Avfallssamkommunen i {sv}"),
)

STATE_AGENCIES: tuple[tuple[str, str], ...] = (
    ("Digi- ja väestötietovirasto", "Myndigheten för digitalisering och befolkningsdata"),
    ("Maanmittauslaitos", "Lantmäteriverket"),
    ("Liikenne- ja viestintävirasto", "Transport- och kommunikationsverket"),
    ("Opetushallitus", "Utbildningsstyrelsen"),
    ("Verohallinto", "Skatteförvaltningen"),
    ("Ruokavirasto", "Livsmedelsverket"),
    ("Tilastokeskus", "Statistikcentralen"),
    ("Patentti- ja rekisterihallitus", "Patent- och registerstyrelsen"),
    ("Suomen ympäristökeskus", "Finlands miljöcentral"),
    ("Lupa- ja valvontavirasto", "Tillstånds- och tillsynsverket"),
    ("{gen} elinvoimakeskus", "Livskraftscentralen i {sv}"),
)

NATIONAL_SYSTEMS = frozenset({"Varda", "Koski", "Kanta-palvelut", "Kelmu", "Suomi.fi-viestit"})
SYSTEM_PARTS: dict[str, tuple[str, ...]] = {
    "MultiPrimus": ("Wilma", "Kurre"),
    "Lifecare": ("Lifecare Sosiaalihuolto", "Lifecare Potilaskertomus"),
    "Populus": ("Populus Palkka", "Populus HR"),
    "Lupapiste": ("Lupapiste Rakennusvalvonta",),
}
SYSTEM_DESCRIPTIONS = (
    ("asiakas- ja potilastietojärjestelmä", "klient- och patientdatasystem"),
    ("sähköinen asiointi", "elektronisk ärendehantering"),
    ("asianhallinta ja arkistointi", "ärendehantering och arkivering"),
    ("tiedottaminen", "information"),
    ("työvuorosuunnittelu", "arbetsskiftsplanering"),
    ("kansallinen tietovaranto", "nationellt informationslager"),
)

AVAILABILITY_STATEMENTS: dict[str, tuple[str, str]] = {
    "open": (
        "Tiedot ovat saatavilla avoimesti teknisen rajapinnan kautta.",
        "Uppgifterna är öppet tillgängliga via ett tekniskt gränssnitt.",
    ),
    "partly-open": (
        "Osa tiedoista on saatavilla avoimen rajapinnan kautta.",
        "En del av uppgifterna är tillgängliga via ett öppet gränssnitt.",
    ),
    "mostly-not-open": (
        "Tietoaineistot eivät pääsääntöisesti ole saatavilla avoimesti teknisen rajapinnan avulla.",
        "Informationsmaterialet är i regel inte öppet tillgängligt via ett tekniskt gränssnitt.",
    ),
    "not-open": (
        "Tietoaineistot eivät ole saatavissa avoimesti teknisen rajapinnan avulla.",
        "Informationsmaterialet är inte öppet tillgängligt via ett tekniskt gränssnitt.",
    ),
    "not-stated": (
        "Rajapintojen osalta ks. erillinen selvitys.",
        "Om gränssnitt, se separat utredning.",
    ),
}
SEARCH_STATEMENTS = (
    "Tietopyynnöissä voidaan käyttää hakutekijöinä esimerkiksi henkilön nimeä tai henkilötunnusta.",
    "Tietoja voidaan hakea asianumerolla, asian otsikolla, vireillepanijalla ja "
    "päätöksentekijällä.",
    "Hakutekijöinä voidaan käyttää asiakasnumeroa, nimeä ja syntymäaikaa.",
    "Hakuja voi tehdä kiinteistötunnuksella, osoitteella tai hakijan nimellä.",
)
SEARCH_STATEMENTS_SV = (
    "I informationsbegäran kan man som sökvillkor använda till exempel personens namn "
    "eller personbeteckning.",
    "Uppgifterna kan sökas med ärendenummer, rubrik, initiativtagare och beslutsfattare.",
)
SECRECY_GROUNDS = (
    "JulkL 24 § 1 mom. 25 k.",
    "JulkL 24 § 1 mom. 30 k.",
    "JulkL 24 § 1 mom. 32 k.",
    "Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista 14 §",
    "Potilaslaki 13 §",
)
AREAS = (
    "keskusta",
    "pohjoinen alue",
    "eteläinen alue",
    "itäinen alue",
    "läntinen alue",
    "arkisto",
    "vanhat asiakirjat",
    "sähköinen",
    "paperiarkisto",
)
UNPLACED = (
    "Siirry sisältöön",
    "Tekstin koko A A A",
    "Sivukartta | Palaute | Saavutettavuusseloste",
    "Päivitetty 12.3.2024",
)


@dataclass
class Generated:
    """What a generator run wrote."""

    files: list[Path]
    organisations: int
    registers: int
    defects: dict[str, int] = field(default_factory=dict)


def allocate(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split `total` registers over `parts` organisations: uneven, each at least 1."""
    weights = [rng.lognormvariate(0.0, 0.9) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    shortfall = total - sum(counts)
    order = sorted(range(parts), key=lambda i: -weights[i])
    for step in range(shortfall):
        counts[order[step % parts]] += 1
    return counts


class Generator:
    """One deterministic run: a random stream and the organisations it has named."""

    def __init__(self, seed: int, defect_rate: float = 0.0) -> None:
        self.rng = random.Random(seed)
        self.defect_rate = defect_rate
        self.defects: dict[str, int] = {}
        self.used_ids: set[str] = set()

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self.rng.random() < p

    def _unique(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return candidate

    # --- organisations -----------------------------------------------------------------

    def organisation(self, index: int) -> tuple[Json, str, str]:
        """The organisation block, its kind and the description's language."""
        roll = self.rng.random()
        region = REGIONS[index % len(REGIONS)]
        language = "fi"
        code: str | None = None
        if roll < 0.45:
            kind = "municipality"
            fi, sv, swedish = MUNICIPALITIES[index % len(MUNICIPALITIES)]
            round_ = index // len(MUNICIPALITIES)
            if round_:
                fi = f"{fi} {round_ + 1}"
                sv = f"{sv} {round_ + 1}" if sv else None
            language = "sv" if swedish else "fi"
            name: Json | str = {"fi": fi, "sv": sv} if sv else fi
            if swedish and sv:
                name = {"sv": sv, "fi": fi}
            code = f"{(index * 37 + 5) % 1000:03d}"
        elif roll < 0.65:
            kind = "joint-authority"
            template_fi, template_sv = self.rng.choice(JOINT_AUTHORITIES)
            name = {
                "fi": template_fi.format(gen=region[1]),
                "sv": template_sv.format(sv=region[2]),
            }
        elif roll < 0.75:
            kind = "regional-council"
            name = {"fi": f"{region[1]} liitto", "sv": f"Förbundet för {region[2]}"}
        else:
            kind = "state-agency"
            template_fi, template_sv = self.rng.choice(STATE_AGENCIES)
            name = {
                "fi": template_fi.format(gen=region[1]),
                "sv": template_sv.format(sv=region[2]),
            }
        label = name if isinstance(name, str) else name.get("fi", next(iter(name.values())))
        org_id = self._unique(slug(label))
        block: Json = {
            "id": org_id,
            "name": name,
            "kind": kind,
        }
        if code is not None:
            block["municipality_code"] = code
        block["base_iri"] = f"https://w3id.org/dcatgen/id/{org_id}/"
        # No `homepage:`: dcatgen maps it to the catalog's foaf:homepage without typing the
        # page foaf:Document, which the DCAT-AP range shapes report as a violation.
        if self.chance(0.4):
            block["api"] = self.api(language, hedged=True)
        if self.chance(0.5):
            block["disclosure_authority"] = self.authority(org_id, language, "kirjaamo")
        if self.chance(0.25):
            block["contact_point"] = self.contact(org_id, language, "tietopyynnot")
        return block, kind, language

    def contact(self, org_id: str, language: str, box: str) -> Json:
        """Contact details with one to three channels."""
        contact: Json = {}
        if self.chance(0.6):
            contact["name"] = "Kirjaamo" if language == "fi" else "Registratorskontoret"
        contact["email"] = f"{box.strip('-')}@{org_id}.fi"
        if self.chance(0.5):
            contact["telephone"] = (
                f"+358 {self.rng.randint(2, 50)} {self.rng.randint(1000000, 9999999)}"
            )
        if self.chance(0.3):
            contact["url"] = f"https://www.{org_id}.fi/asiointi/tietopyynto"
        if self.chance(0.2):
            contact["address"] = f"PL {self.rng.randint(1, 200)}, {self.rng.randint(10, 99)}100"
        return contact

    def authority(self, org_id: str, language: str, box: str) -> Json:
        """A disclosure authority (§28 item 2)."""
        names = {
            "fi": ("Kunnanhallitus", "Hallintojohtaja", "Johtava viranhaltija", "Kirjaamo"),
            "sv": ("Kommunstyrelsen", "Förvaltningsdirektören", "Registratorskontoret"),
        }[language]
        authority: Json = {"name": self.rng.choice(names)}
        if self.chance(0.85):
            authority["contact"] = self.contact(org_id, language, box)
        return authority

    def api(self, language: str, hedged: bool = False) -> Json:
        """An API statement (§28 item 5); hedged ones more often at organisation level."""
        values = ["open", "partly-open", "mostly-not-open", "not-open", "not-stated"]
        weights = [1, 2, 4, 6, 1] if hedged else [2, 2, 2, 6, 1]
        availability = self.rng.choices(values, weights)[0]
        statement: Json = {"availability": availability}
        if self.chance(0.8):
            fi, sv = AVAILABILITY_STATEMENTS[availability]
            statement["statement"] = sv if language == "sv" else fi
        return statement

    # --- systems -------------------------------------------------------------------------

    def system_pool(self, domains: Sequence[Domain], language: str) -> dict[str, list[Json]]:
        """Systems of one organisation by domain: one definition, shared by its registers."""
        pool: dict[str, list[Json]] = {}
        for domain in domains:
            systems = []
            names = self.rng.sample(domain.systems, k=min(len(domain.systems), 3))
            for name in names:
                system: Json = {"name": name}
                if name in SYSTEM_PARTS and self.chance(0.7):
                    system["parts"] = list(SYSTEM_PARTS[name])
                if self.chance(0.5):
                    fi, sv = self.rng.choice(SYSTEM_DESCRIPTIONS)
                    system["description"] = sv if language == "sv" else fi
                if name in NATIONAL_SYSTEMS:
                    system["national"] = True
                    system["wording"] = f"{name} (kansallinen)"
                elif "parts" in system:
                    system["wording"] = f"{name} (sis. {' ja '.join(system['parts'])})"
                systems.append(system)
            pool[domain.key] = systems
        return pool

    # --- registers -----------------------------------------------------------------------

    def register(
        self,
        domain: Domain,
        index: int,
        used: set[str],
        language: str,
        bilingual: bool,
        org_id: str,
        systems: list[Json],
        unit_has_purpose: bool,
        parent: str | None,
    ) -> Json:
        """One register, varied along every field a §28 description may give."""
        rng = self.rng
        fi_title, sv_title = domain.registers[index % len(domain.registers)]
        round_ = index // len(domain.registers)
        if round_:
            area = AREAS[(round_ - 1) % len(AREAS)]
            suffix = f" ({area}{'' if round_ <= len(AREAS) else ' ' + str(round_)})"
            fi_title, sv_title = fi_title + suffix, sv_title + suffix
        base = slug(fi_title)
        register_id, n = base, 1
        while register_id in used:
            n += 1
            register_id = f"{base}-{n}"
        used.add(register_id)
        register_title = sv_title if language == "sv" else fi_title
        title: Json | str = register_title
        if bilingual and self.chance(0.3):
            title = {"fi": fi_title, "sv": sv_title}
        register: Json = {
            "id": register_id,
            "kind": "information-resource" if self.chance(0.4) else "case-register",
            "title": title,
        }
        defect = self._defect(unit_has_purpose)
        fi_purpose, sv_purpose = domain.purpose
        if defect != "no-description" and (not unit_has_purpose or self.chance(0.7)):
            register["purpose"] = sv_purpose if language == "sv" else fi_purpose
        if defect != "no-description" and self.chance(0.15):
            register["description"] = (
                f"{fi_title}: rekisterin tiedot ja niiden käyttö."
                if language == "fi"
                else f"{sv_title}: registrets uppgifter och deras användning."
            )
        if parent is not None:
            register["part_of"] = parent
        if defect != "no-data-groups" and self.chance(0.96):
            count = rng.randint(1, min(8, len(domain.data_groups)))
            groups: list[Json | str] = []
            for fi_group, sv_group in rng.sample(domain.data_groups, k=count):
                name = sv_group if language == "sv" else fi_group
                if self.chance(0.1):
                    groups.append({"name": name, "description": f"{name} ({fi_title})"})
                else:
                    groups.append(name)
            register["data_groups"] = groups
        if defect != "no-systems" and self.chance(0.97):
            register["systems"] = rng.sample(systems, k=rng.randint(1, min(3, len(systems))))
        if defect != "no-search-criteria" and self.chance(0.92):
            criteria: Json = {}
            if self.chance(0.85):
                criteria["concepts"] = rng.sample(
                    domain.criteria, k=rng.randint(1, min(4, len(domain.criteria)))
                )
            if "concepts" not in criteria or self.chance(0.7):
                statements = SEARCH_STATEMENTS_SV if language == "sv" else SEARCH_STATEMENTS
                criteria["statement"] = rng.choice(statements)
            register["search_criteria"] = criteria
        if defect == "availability-not-stated":
            register["api"] = {"availability": "not-stated"}
        elif self.chance(0.2):
            register["api"] = self.api(language)
        if self.chance(0.04):
            register["disclosure_authority"] = self.authority(org_id, language, "tietopyynnot")
        if self.chance(0.05):
            register["contact_point"] = self.contact(org_id, language, register_id[:20])
        if self.chance(0.3):
            register["access_rights"] = rng.choice(["public", "restricted", "non-public"])
        if self.chance(0.5):
            register["personal_data"] = self.chance(0.8)
        if self.chance(0.15):
            secrecy: Json = {
                "statement": "Tietosisältö on osittain salassa pidettävää."
                if language == "fi"
                else "Informationen är delvis sekretessbelagd."
            }
            if self.chance(0.7):
                secrecy["grounds"] = rng.sample(SECRECY_GROUNDS, k=rng.randint(1, 2))
            register["secrecy"] = secrecy
        if self.chance(0.1):
            register["retention"] = rng.choice(
                ["pysyvästi", "10 vuotta", "50 vuotta henkilön kuolemasta", "2 vuotta"]
            )
        if self.chance(0.2):
            register["task_class"] = (
                f"{rng.randint(0, 14):02d}.{rng.randint(0, 9):02d}.{rng.randint(0, 9):02d}"
            )
        if self.chance(0.9):
            register["themes"] = rng.sample(domain.themes, k=rng.randint(1, len(domain.themes)))
        elif self.chance(0.5):
            register["suggested_themes"] = [domain.themes[0]]
        if self.chance(0.7):
            register["subjects"] = rng.sample(
                domain.subjects, k=rng.randint(1, min(3, len(domain.subjects)))
            )
        if self.chance(0.3):
            register["keywords"] = [w.lower() for w in str(register_title).split()[:2]]
        if self.chance(0.2):
            register["links"] = [
                {
                    "url": f"https://www.{org_id}.fi/tietosuoja/{register_id}",
                    "title": "Tietosuojaseloste" if language == "fi" else "Dataskyddsbeskrivning",
                    "kind": "privacy-notice",
                }
            ]
            if self.chance(0.2):
                register["links"].append(
                    {
                        "url": f"https://www.{org_id}.fi/tiedonohjaussuunnitelma",
                        "kind": "records-management-plan",
                    }
                )
        if self.chance(0.05):
            distribution: Json = {
                "access_url": f"https://api.{org_id}.fi/v1/{register_id}",
                "media_type": rng.choice(["application/json", "text/csv"]),
            }
            if self.chance(0.5):
                distribution["title"] = "Avoin rajapinta"
            if self.chance(0.5):
                distribution["license"] = "http://creativecommons.org/licenses/by/4.0/"
            register["distributions"] = [distribution]
        return register

    def _defect(self, unit_has_purpose: bool) -> str | None:
        if not self.defect_rate or not self.chance(self.defect_rate):
            return None
        kinds = [k for k in DEFECT_KINDS if k != "unplaced"]
        if unit_has_purpose:
            kinds.remove("no-description")
        kind = self.rng.choice(kinds)
        self.defects[kind] = self.defects.get(kind, 0) + 1
        return kind

    # --- descriptions --------------------------------------------------------------------

    def description(self, index: int, registers: int) -> Json:
        """One organisation's whole description with `registers` registers."""
        rng = self.rng
        organisation, kind, language = self.organisation(index)
        org_id = organisation["id"]
        bilingual = isinstance(organisation["name"], dict) and len(organisation["name"]) > 1
        domain_keys = KIND_DOMAINS[kind]
        unit_count = max(1, min(len(domain_keys), round(registers**0.5 / 1.5)))
        domains = [DOMAINS[key] for key in domain_keys[:unit_count]]
        systems = self.system_pool(domains, language)
        shares = (
            allocate(registers, unit_count, rng)
            if registers >= unit_count
            else [1] * (registers) + [0] * (unit_count - registers)
        )
        used: set[str] = set()
        units: list[Json] = []
        for domain, share in zip(domains, shares, strict=True):
            fi_unit, sv_unit = domain.unit
            unit: Json = {
                "id": domain.key,
                "name": {"fi": fi_unit, "sv": sv_unit}
                if bilingual and self.chance(0.5)
                else (sv_unit if language == "sv" else fi_unit),
            }
            if self.chance(0.3):
                unit["heading"] = (
                    f"{fi_unit}n hallinnoimat tietovarannot ja asiarekisterit"
                    if language == "fi"
                    else f"Informationslager och ärenderegister som förvaltas av {sv_unit}"
                )
            unit_has_purpose = self.chance(0.5)
            if unit_has_purpose:
                unit["purpose"] = domain.purpose[1 if language == "sv" else 0]
            if self.chance(0.3):
                unit["api"] = self.api(language, hedged=True)
            if self.chance(0.2):
                unit["disclosure_authority"] = self.authority(org_id, language, domain.key[:12])
            if self.chance(0.05):
                unit["contact_point"] = self.contact(org_id, language, domain.key[:12])
            if self.chance(0.1):
                unit["access_rights"] = rng.choice(["public", "restricted"])
            if domain.key != "hallinto" and self.chance(0.3):
                unit["cross_references"] = [
                    {
                        "topic": "Esityslistat, pöytäkirjat, viranhaltijapäätökset ja sopimukset",
                        "statement": "Katso hallinto-osasto, asianhallintarekisteri.",
                        "target_unit": "hallinto-osasto",
                        "target_register": "asianhallintarekisteri",
                    }
                ]
            registers_out: list[Json] = []
            parent: str | None = None
            for position in range(share):
                nested = parent if parent is not None and self.chance(0.25) else None
                register = self.register(
                    domain,
                    position,
                    used,
                    language,
                    bilingual,
                    org_id,
                    systems[domain.key],
                    unit_has_purpose,
                    nested,
                )
                registers_out.append(register)
                if register["kind"] == "information-resource" and "part_of" not in register:
                    parent = register["id"]
            if registers_out:
                unit["registers"] = registers_out
            units.append(unit)
        description: Json = {"language": language, "organisation": organisation, "units": units}
        unplaced_rate = max(self.defect_rate, 0.02)
        if self.chance(unplaced_rate):
            description["unplaced"] = rng.sample(UNPLACED, k=rng.randint(1, 2))
            if self.defect_rate:
                self.defects["unplaced"] = self.defects.get("unplaced", 0) + 1
        return description


HEADER = (
    "# Synthetic §28 description generated by benchmarks/generate.py (seed {seed}).\n"
    "# Not a real authority's description: names, systems and contacts are made up.\n"
)


class _PlainDumper(Dumper):  # type: ignore[misc,valid-type,unused-ignore]
    """Writes shared values out in full (people write no YAML anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(description: Json) -> str:
    """YAML text in the data/ format (block style, UTF-8, keys in a stable order)."""
    text: str = yaml.dump(
        description, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=100
    )
    return text


def generate(
    registers: int,
    out: Path,
    organisations: int | None = None,
    seed: int = SEED,
    defect_rate: float = 0.0,
) -> Generated:
    """Write `registers` registers over `organisations` YAML files into `out`."""
    if registers < 1:
        raise ValueError("registers must be at least 1")
    count = organisations if organisations is not None else max(1, registers // 100)
    count = max(1, min(count, registers))
    generator = Generator(seed, defect_rate)
    sizes = allocate(registers, count, generator.rng)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for index, size in enumerate(sizes):
        description = generator.description(index, size)
        path = out / f"{description['organisation']['id']}.yaml"
        path.write_text(HEADER.format(seed=seed) + dump(description), encoding="utf-8")
        files.append(path)
    return Generated(files, count, registers, dict(sorted(generator.defects.items())))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registers", type=int, required=True, help="registers in total")
    parser.add_argument(
        "--organisations", type=int, default=None, help="organisations (default: registers/100)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the YAML files")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument(
        "--defects",
        type=float,
        nargs="?",
        const=0.05,
        default=0.0,
        metavar="RATE",
        help="give this share of registers a YAML-level defect (default rate 0.05)",
    )
    args = parser.parse_args(argv)
    result = generate(args.registers, args.out, args.organisations, args.seed, args.defects)
    print(
        f"wrote {len(result.files)} files, {result.registers} registers "
        f"({result.organisations} organisations) to {args.out}"
    )
    if result.defects:
        print("defects: " + ", ".join(f"{k} {v}" for k, v in result.defects.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
