"""The annual report's words in Finnish and English.

The report is a library document (no Django, so no gettext catalogue): its English source texts
are the keys, :data:`FI` holds their Finnish. :func:`translator` returns the function the
edition builder calls; a text without its Finnish is an error (a test renders the Finnish
report, so a missing translation fails it), never a silent English sentence in a Finnish report.
"""

from __future__ import annotations

from collections.abc import Callable

FI: dict[str, str] = {
    # Sections and the front page.
    "Annual report {year}": "Vuosiraportti {year}",
    "The city's edition": "Kaupungin versio",
    "The investors' and public edition": "Sijoittajien ja julkinen versio",
    "DRAFT": "LUONNOS",
    "Written on {day}": "Laadittu {day}",
    "Contents": "Sisällys",
    "Summary": "Yhteenveto",
    "The cohort": "Kohortti",
    "Use of the services": "Palvelujen käyttö",
    "The outcome payments": "Tulospalkkiot",
    "Against the ex-ante case": "Vertailu ennakkolaskelmaan",
    "The fund": "Rahasto",
    "The providers' work": "Palveluntuottajien työ",
    "Methods": "Menetelmät",
    "Annex: the child-years by pseudonym": "Liite: lapsivuodet pseudonyymeittäin",
    "A preview from the draft statement: the figures may still change, and the report is not "
    "final until the statement is approved.": "Esikatselu laskelman luonnoksesta: luvut voivat "
    "vielä muuttua, eikä raportti ole lopullinen ennen kuin laskelma on hyväksytty.",
    "Counts from 1 to 4 are shown as '..', and so is every figure from which one could be worked "
    "out with the totals; euro amounts of a hidden group are hidden with it. 0 is shown: it "
    "reveals no one.": "Lukumäärät 1–4 näytetään merkillä '..', samoin jokainen luku, josta "
    "sellaisen voisi päätellä summien avulla; piilotetun ryhmän euromäärät piilotetaan sen "
    "mukana. Luku 0 näytetään: se ei paljasta ketään.",
    "The city's edition: every figure, and an annex of the statement's child-years by pseudonym. "
    "Pseudonymised personal data: for the city and the fund manager only; do not publish it or "
    "pass it on.": "Kaupungin versio: kaikki luvut sekä liitteenä laskelman lapsivuodet "
    "pseudonyymeittäin. Pseudonymisoituja henkilötietoja: vain kaupungin ja rahastonhoitajan "
    "käyttöön; älä julkaise tai luovuta eteenpäin.",
    "..: hidden (a group of fewer than 5, or a figure that would reveal one)": "..: piilotettu "
    "(alle 5 hengen ryhmä tai luku, josta sellaisen voisi päätellä)",
    # Summary.
    "Key figures": "Tunnusluvut",
    "Children in follow-up during the year": "Seurannassa vuoden aikana olleet lapset",
    "Children with no deduction": "Lapset, joilla ei vähennyksiä",
    "Outcome payment for the year": "Vuoden tulospalkkio",
    "Invoice total, with adjustments for earlier years": "Laskun loppusumma aiempien vuosien "
    "oikaisuineen",
    "City's gross saving so far (against the ex-ante case)": "Kaupungin bruttosäästö tähän "
    "mennessä (ennakkolaskelmaan verrattuna)",
    "Investors' return to date (XIRR)": "Sijoittajien tuotto tähän mennessä (XIRR)",
    "none yet": "ei vielä",
    "The outcome report of the year {year}: how the cohort did, what the city pays for it, and "
    "how the figures were computed. Every figure comes from the same records that made the "
    "payment: the statement of the year, the fund's ledger and the cohort in the store.": (
        "Vuoden {year} tulosraportti: miten kohortti on edennyt, mitä kaupunki siitä maksaa ja "
        "miten luvut on laskettu. Jokainen luku tulee samoista tiedoista, joilla maksu "
        "laskettiin: vuoden laskelmasta, rahaston kirjanpidosta ja tietovarannon kohortista."
    ),
    # The cohort.
    "The cohort on {day}": "Kohortti {day}",
    "Children": "Lapset",
    "Number": "Lukumäärä",
    "Children referred": "Ohjatut lapset",
    "eligible": "kohderyhmään kuuluvat",
    "enrolled": "mukaan otetut",
    "in follow-up": "seurannassa",
    "out of follow-up": "poistuneet seurannasta",
    "moved out of the city": "muuttanut pois kaupungista",
    "died": "kuollut",
    "consent withdrawn": "suostumus peruttu",
    "other reason": "muu syy",
    "follow-up ended": "seuranta päättynyt",
    "waiting for a place": "odottaa paikkaa",
    "not eligible": "eivät kuulu kohderyhmään",
    "Each child referred by the day is counted once, in its state on that day; out of "
    "follow-up by the reason of the last exit.": "Jokainen päivään mennessä ohjattu lapsi "
    "lasketaan kerran sen päivän tilanteen mukaan; seurannasta poistuneet viimeisen poistumisen "
    "syyn mukaan.",
    "Capacity of the cohort": "Kohortin enimmäiskoko",
    "Enrolled during the year": "Vuoden aikana mukaan otetut",
    "Enrolment over time": "Mukaan otetut ajan mittaan",
    "enrolled (cumulative)": "mukaan otetut (kertymä)",
    "capacity": "enimmäiskoko",
    "families": "perheet",
    "Rounded to the nearest 5.": "Pyöristetty lähimpään viiteen.",
    "Enrolment month by month": "Mukaan otetut kuukausittain",
    "Month": "Kuukausi",
    "Line chart: families enrolled (cumulative) and children in follow-up, month by month, "
    "against the capacity.": "Viivakaavio: mukaan otetut perheet (kertymä) ja seurannassa "
    "olevat lapset kuukausittain sekä kohortin enimmäiskoko.",
    "Enrolment and follow-up month by month.": "Mukaan otetut ja seurannassa olevat kuukausittain.",
    # Service use.
    "The use of the 9 services measured, by the enrolled children in follow-up, as the "
    "statements priced it: this year and the earlier years side by side.": "Mitattujen 9 "
    "palvelun käyttö seurannassa olevilla lapsilla laskelmien hinnoittelemana: tämä vuosi ja "
    "aiemmat vuodet rinnakkain.",
    "Children who used each service, by year": "Palvelua käyttäneet lapset vuosittain",
    "A child who used several services counts under each of them.": "Useaa palvelua käyttänyt "
    "lapsi lasketaan jokaisen kohdalla.",
    "Units used, by year (care days or working days)": "Käytetyt yksiköt vuosittain "
    "(hoitopäivät tai arkipäivät)",
    "Deductions, by year (EUR)": "Vähennykset vuosittain (EUR)",
    "The total of each year is the deductions of that year's statement.": "Kunkin vuoden "
    "summa on sen vuoden laskelman vähennykset.",
    "Service": "Palvelu",
    "Total": "Yhteensä",
    "Children who used each service": "Palvelua käyttäneet lapset",
    "children": "lapset",
    "service (numbered as in the tables)": "palvelu (numeroitu kuten taulukoissa)",
    "Bar chart: children who used each service, by service number, one bar a year.": (
        "Pylväskaavio: palvelua käyttäneet lapset palvelun numeron mukaan, yksi pylväs vuotta "
        "kohden."
    ),
    "Children who used each service, by year; the same figures as the table.": "Palvelua "
    "käyttäneet lapset vuosittain; samat luvut kuin taulukossa.",
    # Outcome payments.
    "The statement of {year}": "Vuoden {year} laskelma",
    "Child-years in follow-up": "Lapsivuodet seurannassa",
    "Children with a deduction": "Lapset, joilla vähennyksiä",
    "Base (before deductions)": "Perusmaksu (ennen vähennyksiä)",
    "Deductions": "Vähennykset",
    "Outcome payment before the caps": "Tulospalkkio ennen kattoja",
    "Caps applied": "Sovelletut katot",
    "none": "ei yhtään",
    "Adjustments for earlier years": "Aiempien vuosien oikaisut",
    "Invoice total": "Laskun loppusumma",
    "the investors' return cap": "sijoittajien tuottokatto",
    "the maximum of outcome payments": "tulospalkkioiden enimmäismäärä",
    "Payment per child as a share of the child's base": "Lapsikohtainen maksu osuutena lapsen "
    "perusmaksusta",
    "Payment": "Maksu",
    "Share of children": "Osuus lapsista",
    "Payments (EUR)": "Maksut (EUR)",
    "no deduction (100 %)": "ei vähennyksiä (100 %)",
    "with a deduction": "vähennyksiä oli",
    "75 % to under 100 %": "75 % – alle 100 %",
    "50 % to under 75 %": "50 % – alle 75 %",
    "25 % to under 50 %": "25 % – alle 50 %",
    "above 0 % to under 25 %": "yli 0 % – alle 25 %",
    "nothing (0 %)": "ei mitään (0 %)",
    "All children": "Kaikki lapset",
    "A child's base is the full outcome payment for the days in follow-up; the deductions of "
    "its use of the services are taken off it, down to nothing.": "Lapsen perusmaksu on täysi "
    "tulospalkkio seurantapäivistä; sen palvelujen käytöstä tulevat vähennykset otetaan siitä "
    "pois, enintään koko summa.",
    "No adjustments for earlier years: no approved year has changed since.": "Ei aiempien "
    "vuosien oikaisuja: yksikään hyväksytty vuosi ei ole sen jälkeen muuttunut.",
    "Adjustments for earlier years in this statement": "Tämän laskelman oikaisut aiempiin vuosiin",
    "Year": "Vuosi",
    "Child-years changed": "Muuttuneet lapsivuodet",
    "Difference (EUR)": "Erotus (EUR)",
    "A register correction that arrives after a year was approved is settled here: the "
    "recomputed payment minus what was approved, per child-year.": "Rekisterikorjaus, joka "
    "saapuu vuoden hyväksymisen jälkeen, tilitetään tässä: uudelleen laskettu maksu miinus "
    "hyväksytty maksu lapsivuosittain.",
    "The years are not shown one by one: that would reveal a group of fewer than 5.": "Vuosia "
    "ei näytetä erikseen: se paljastaisi alle 5 hengen ryhmän.",
    "The statements year by year (EUR)": "Laskelmat vuosittain (EUR)",
    "Status": "Tila",
    "Base": "Perusmaksu",
    "Adjustments": "Oikaisut",
    "Invoice": "Lasku",
    "approved": "hyväksytty",
    "draft": "luonnos",
    "Outcome payments and deductions by year": "Tulospalkkiot ja vähennykset vuosittain",
    "outcome payment": "tulospalkkio",
    "base (before deductions)": "perusmaksu (ennen vähennyksiä)",
    "EUR thousand": "tuhatta euroa",
    "hidden (small groups)": "piilotettu (pienet ryhmät)",
    "service {code}": "palvelu {code}",
    "Bar chart: the outcome payment of each year beside its deductions, stacked by service, and "
    "the base.": "Pylväskaavio: kunkin vuoden tulospalkkio ja sen vähennykset palveluittain "
    "pinottuina sekä perusmaksu.",
    "Outcome payments and deductions by service, year by year.": "Tulospalkkiot ja vähennykset "
    "palveluittain vuosi vuodelta.",
    # The ex-ante case.
    "No ex-ante case (savings scenario) is given for this contract.": "Tälle sopimukselle ei "
    "ole ennakkolaskelmaa (säästöskenaariota).",
    "The ex-ante case is the savings scenario {name} ({source}; illustrative figures where the "
    "contract's own are not public). It expects the use of the 9 services by a target-group "
    "child without the intervention (the counterfactual) and with it (effect size {effect}). "
    "Here its expectations per child-year are applied to the child-years actually followed, and "
    "set against the use the statements priced.": (
        "Ennakkolaskelma on säästöskenaario {name} ({source}; havainnollistavat luvut, kun "
        "sopimuksen omia ei ole julkaistu). Se arvioi kohderyhmän lapsen 9 palvelun käytön ilman "
        "interventiota (vertailutilanne) ja sen kanssa (vaikutuksen suuruus {effect}). Tässä sen "
        "lapsivuotta kohden lasketut odotukset sovelletaan todella seurattuihin lapsivuosiin ja "
        "verrataan laskelmien hinnoittelemaan käyttöön."
    ),
    "Expected and actual use of the services (EUR)": "Palvelujen odotettu ja toteutunut käyttö "
    "(EUR)",
    "Child-years": "Lapsivuodet",
    "Child-years in the plan": "Lapsivuodet suunnitelmassa",
    "Without the intervention": "Ilman interventiota",
    "Expected with it": "Odotettu intervention kanssa",
    "Actual": "Toteutunut",
    "The city's savings so far (EUR)": "Kaupungin säästöt tähän mennessä (EUR)",
    "Gross saving": "Bruttosäästö",
    "Outcome payments": "Tulospalkkiot",
    "City's own costs": "Kaupungin omat kulut",
    "Net saving": "Nettosäästö",
    "Gross saving = the cost without the intervention − the actual priced use; net saving = "
    "gross saving − the outcome payments invoiced − the city's own costs.": "Bruttosäästö = "
    "kustannus ilman interventiota − toteutunut hinnoiteltu käyttö; nettosäästö = bruttosäästö "
    "− laskutetut tulospalkkiot − kaupungin omat kulut.",
    "The plan's expected gross saving for the same years": "Suunnitelman odottama bruttosäästö "
    "samoilta vuosilta",
    "The plan's expected gross saving over the whole project": "Suunnitelman odottama "
    "bruttosäästö koko hankkeelta",
    "Expected and actual use by service in {year}": "Odotettu ja toteutunut käyttö "
    "palveluittain vuonna {year}",
    "Units expected": "Odotetut yksiköt",
    "Units used": "Käytetyt yksiköt",
    "Cost expected (EUR)": "Odotettu kustannus (EUR)",
    "Actual (EUR)": "Toteutunut (EUR)",
    # The fund.
    "No fund ledger is in the store for this contract.": "Tämän sopimuksen rahaston "
    "kirjanpitoa ei ole tietovarannossa.",
    "The fund's ledger up to {day}. The return is the investors' XIRR of their contributions "
    "and distributions on their actual dates, realised flows only. The city never pays more "
    "than the amount that would bring it above the cap.": (
        "Rahaston kirjanpito {day} asti. Tuotto on sijoittajien pääomasijoitusten ja "
        "tuotonjakojen XIRR niiden todellisina päivinä, vain toteutuneet kassavirrat. Kaupunki "
        "ei koskaan maksa enempää kuin summan, joka nostaisi tuoton katon yli."
    ),
    "The fund on {day}": "Rahasto {day}",
    "Investors' contributions": "Sijoittajien pääomasijoitukset",
    "Payments to the providers": "Maksut palveluntuottajille",
    "Manager's fees and costs": "Rahastonhoitajan palkkiot ja kulut",
    "Outcome payments received": "Saadut tulospalkkiot",
    "Distributions to the investors": "Tuotonjako sijoittajille",
    "Cash at the end of the year": "Kassa vuoden lopussa",
    "Multiple on invested capital": "Sijoitetun pääoman kerroin",
    "none: no contributions yet": "ei ole: pääomasijoituksia ei vielä ole",
    "none yet: no distributions, so the flows never change sign": "ei vielä: tuotonjakoja ei "
    "ole, joten kassavirrat eivät vaihda etumerkkiä",
    "Return cap": "Tuottokatto",
    "Headroom under the cap for a payment on {day}": "Katon alle mahtuva maksu {day}",
    "This year's invoice": "Tämän vuoden lasku",
    "Headroom left after it": "Tilaa jäljellä sen jälkeen",
    "contributions": "pääomasijoitukset",
    "outcome payments": "tulospalkkiot",
    "provider payments": "maksut tuottajille",
    "fees and costs": "palkkiot ja kulut",
    "distributions": "tuotonjako",
    "cash at year end": "kassa vuoden lopussa",
    "The fund's flows by year (EUR)": "Rahaston kassavirrat vuosittain (EUR)",
    "The fund's cash flows by year": "Rahaston kassavirrat vuosittain",
    "Bar chart: the fund's money in (above the axis) and out (below) by year, with its cash at "
    "each year end.": "Pylväskaavio: rahastoon tulevat (akselin yläpuolella) ja lähtevät "
    "(alapuolella) rahat vuosittain sekä kassa kunkin vuoden lopussa.",
    "The fund's cash flows by year and its cash at year end.": "Rahaston kassavirrat "
    "vuosittain ja kassa vuoden lopussa.",
    # Provider activity.
    "The providers' contacts with the families, from their activity log: the support is "
    "intensive at first and tapers over the one to three years of service.": "Palveluntuottajien "
    "tapaamiset perheiden kanssa heidän toimintalokistaan: tuki on aluksi tiivistä ja harvenee "
    "yhden–kolmen palveluvuoden aikana.",
    "Contacts per family in each year of its service": "Tapaamiset perhettä kohden kunakin "
    "palveluvuonna",
    "Year of service": "Palveluvuosi",
    "Families": "Perheet",
    "individual support": "yksilötuki",
    "family group": "perheryhmä",
    "community": "yhteisö",
    "all": "kaikki",
    "hours": "tunnit",
    "year {k}": "{k}. vuosi",
    "Families whose year of service (from the enrolment day) had ended by the end of {year} and "
    "who were in follow-up when it began; contacts and hours per family, by component.": (
        "Perheet, joiden palveluvuosi (mukaantulopäivästä) oli päättynyt vuoden {year} loppuun "
        "mennessä ja jotka olivat seurannassa sen alkaessa; tapaamiset ja tunnit perhettä "
        "kohden osa-alueittain."
    ),
    "Contacts per family in {year}, by provider": "Tapaamiset perhettä kohden vuonna {year} "
    "tuottajittain",
    "Provider": "Tuottaja",
    "All providers": "Kaikki tuottajat",
    "Families with at least one contact in the year.": "Perheet, joilla oli vuoden aikana "
    "vähintään yksi tapaaminen.",
    # Methods.
    "Contract": "Sopimus",
    "version": "versio",
    "Contract file (SHA-256)": "Sopimustiedosto (SHA-256)",
    "Price list (SHA-256)": "Hinnasto (SHA-256)",
    "Statement": "Laskelma",
    "{status} on {day}": "{status} {day}",
    "Register data as of": "Rekisteritiedot päivältä",
    "Result": "Tulos",
    "final": "lopullinen",
    "provisional": "alustava",
    "Netting": "Netotus",
    "per child-year": "lapsivuosittain",
    "over the cohort": "koko kohortin yli",
    "The register extracts used": "Käytetyt rekisteripoiminnat",
    "File": "Tiedosto",
    "As of": "Tilanne",
    "Services": "Palvelut",
    "SHA-256": "SHA-256",
    "The prices of {year}": "Vuoden {year} hinnat",
    "Unit": "Yksikkö",
    "How": "Peruste",
    "Unit price (EUR)": "Yksikköhinta (EUR)",
    "care day": "hoitopäivä",
    "working day": "arkipäivä",
    "confirmed": "vahvistettu",
    "{price} per care day": "{price} hoitopäivältä",
    "{cost} ÷ {clients} clients ÷ {days} working days": "{cost} ÷ {clients} asiakasta ÷ {days} "
    "arkipäivää",
    "How each figure was computed": "Miten kukin luku on laskettu",
    "Follow-up: a child is in follow-up from its enrolment (or return) to the day before its "
    "exit, until the end of follow-up.": "Seuranta: lapsi on seurannassa mukaantulosta (tai "
    "paluusta) poistumista edeltävään päivään, enintään seurannan loppuun.",
    "Units: for care-day services the care days in follow-up, for working-day services the "
    "working days of the periods in follow-up, from the register extracts listed above.": (
        "Yksiköt: hoitopäiväpalveluissa hoitopäivät seurannan aikana, arkipäiväpalveluissa "
        "jaksojen arkipäivät seurannan aikana, yllä luetelluista rekisteripoiminnoista."
    ),
    "The year's payment is the sum over the children, then limited by the caps; the investors' "
    "return cap is the amount that keeps their XIRR at or below the cap for a payment on {day} "
    "of the following year.": "Vuoden maksu on lasten maksujen summa, jota katot sitten "
    "rajoittavat; sijoittajien tuottokatto on summa, joka pitää heidän XIRR-tuottonsa katossa "
    "tai sen alla, kun maksu tehdään seuraavana vuonna {day}",
    "Adjustments: for each earlier approved year, the recomputed payment minus what was "
    "approved (and adjusted since), per child-year.": "Oikaisut: kullekin aiemmalle "
    "hyväksytylle vuodelle uudelleen laskettu maksu miinus hyväksytty (ja sittemmin oikaistu) "
    "maksu lapsivuosittain.",
    "The cohort: each child referred by the day, in one state: in follow-up, out of follow-up "
    "(by the last exit's reason), waiting or not eligible.": "Kohortti: jokainen päivään "
    "mennessä ohjattu lapsi yhdessä tilassa: seurannassa, poistunut seurannasta (viimeisen "
    "poistumisen syyn mukaan), odottaa paikkaa tai ei kuulu kohderyhmään.",
    "Against the ex-ante case: the scenario's expected cost per child-year of each year × the "
    "child-years actually followed (Σ days in follow-up ÷ days in the year), against the "
    "statements' deductions.": "Vertailu ennakkolaskelmaan: skenaarion odotettu kustannus "
    "lapsivuotta kohden kunakin vuonna × todella seuratut lapsivuodet (Σ seurantapäivät ÷ "
    "vuoden päivät), verrattuna laskelmien vähennyksiin.",
    "The fund: the ledger up to the end of the year; XIRR on actual dates (actual/365) of the "
    "investors' contributions and distributions.": "Rahasto: kirjanpito vuoden loppuun asti; "
    "sijoittajien pääomasijoitusten ja tuotonjakojen XIRR todellisina päivinä (todelliset/365).",
    "Suppression: counts from 1 to 4 hidden; then, in every table with totals, further figures "
    "hidden until each total with a hidden part has at least two hidden parts adding up to 5 or "
    "more and no hidden figure can be worked out exactly from the shown ones.": (
        "Tietosuoja: lukumäärät 1–4 piilotetaan; sitten jokaisessa summia sisältävässä "
        "taulukossa piilotetaan lisää lukuja, kunnes jokaisessa summassa, jonka osa on "
        "piilotettu, on vähintään kaksi piilotettua osaa, joiden summa on vähintään 5, eikä "
        "yhtäkään piilotettua lukua voi päätellä tarkasti näytetyistä."
    ),
    "Notes of the statement (as recorded)": "Laskelman huomautukset (kuten kirjattu)",
    # The annex.
    "The child-years of {year} by pseudonym": "Vuoden {year} lapsivuodet pseudonyymeittäin",
    "Pseudonym": "Pseudonyymi",
    "Days": "Päivät",
    "Deduction": "Vähennys",
    "Services used: units": "Käytetyt palvelut: yksiköt",
    "Pseudonymised personal data: the statement's line for each child in follow-up, by the "
    "contract's pseudonym. For the city and the fund manager only; never publish it.": (
        "Pseudonymisoituja henkilötietoja: laskelman rivi jokaisesta seurannassa olleesta "
        "lapsesta sopimuksen pseudonyymillä. Vain kaupungin ja rahastonhoitajan käyttöön; älä "
        "koskaan julkaise."
    ),
}


def finnish_texts() -> dict[str, str]:
    """The report's Finnish, with each payment mechanism's own (its report section)."""
    from sibyl.mechanisms import registry

    texts = dict(FI)
    for mechanism in registry.MECHANISMS.values():
        texts.update(mechanism.texts_fi)
    return texts


def translator(language: str) -> Callable[..., str]:
    """``tr(text, **values)``: ``text`` in ``language`` with ``{name}`` filled in."""

    def english(text: str, **values) -> str:
        return text.format(**values) if values else text

    texts = finnish_texts()

    def finnish(text: str, **values) -> str:
        try:
            found = texts[text]
        except KeyError:
            raise KeyError(f"the report's text has no Finnish: {text!r}") from None
        return found.format(**values) if values else found

    return finnish if language == "fi" else english
