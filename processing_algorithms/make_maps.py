"""veerkracht:makemaps: buurt layer + Leefbaarometer + kerncijfers -> joined, computed, styled maps.

Here the parameters and the rules between them. The run is in support/: the plan decides years and columns
(make_maps_plan: as given, or found in the files), the chain then only runs the other algorithms (make_maps_chain:
join, index, compute); styles and naming of the result are in map_results.
"""

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..veerkracht_plugin.compat import ANY_VECTOR, INTEGER, POLYGON_SOURCE
from .base import VeerkrachtAlgorithm, map_choice_parameter, year_parameter


class MakeMapsAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    LEEFBAAROMETER = "LEEFBAAROMETER"
    LBM_CODE_FIELD = "LBM_CODE_FIELD"
    LBM_YEAR_START = "LBM_YEAR_START"
    LBM_YEAR_END = "LBM_YEAR_END"
    KERNCIJFERS_END = "KERNCIJFERS_END"
    KWB_CODE_FIELD = "KWB_CODE_FIELD"
    KWB_YEAR_END = "KWB_YEAR_END"
    KERNCIJFERS_START = "KERNCIJFERS_START"
    KWB_YEAR_START = "KWB_YEAR_START"
    BUURTEN_START = "BUURTEN_START"
    REFERENTIE = "REFERENTIE"
    REFERENTIE_START = "REFERENTIE_START"
    COUNTS = "COUNTS"
    SHARES = "SHARES"
    INWONERS_COLUMN = "INWONERS_COLUMN"
    CORPORATIE_COLUMN = "CORPORATIE_COLUMN"
    MIN_INWONERS = "MIN_INWONERS"
    ZEROS_AS_MISSING = "ZEROS_AS_MISSING"
    ACTIVE = "ACTIVE"
    OUTPUT = "OUTPUT"
    REFERENCE = "REFERENTIESET"

    NAME = "makemaps"
    DISPLAY_NAME = "Veerkrachtkaarten maken"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "In één stap van bronbestanden naar gestileerde veerkrachtkaarten: koppelt de Leefbaarometer (begin- en "
        "eindjaar) en de CBS Kerncijfers aan de buurtlaag, maakt de kwetsbaarheidsindex, berekent de negen kaarten "
        "en zet de stijlen en kaartthema's klaar.\n\n"
        "Alleen de bestanden zijn nodig: jaren en kolommen zoekt de plugin in de bestanden zelf (het laatste jaar "
        "met gegevens als eindjaar, een beginjaar ongeveer zes jaar (Leefbaarometer) of vier jaar (kerncijfers) "
        "eerder; kolommen zoals a_inw, aantal_inwoners, a_soz_wb, p_hh_li, p_wcorpw) en het logboek zegt wat er "
        "gekozen is. Wat u zelf invult gaat voor. Zonder kerncijfersbestand komen de kerncijfers uit de buurtlaag "
        "(PDOK publiceert ze erin); inwoners en corporatiebezit komen uit de buurtlaag als de tabel ze niet heeft.\n\n"
        "Elke koppeling meldt eerst hoeveel buurten zij vond; vond een koppeling minder dan de helft, dan zegt het "
        "logboek dat aan het eind nog eens. Nullen die in een tabel los van de andere waarden staan (Excel maakt van "
        "CBS' '.' vaak 0) worden gemeld; met 'Verdachte nullen als ontbrekend behandelen' tellen ze niet mee."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, "Buurtlaag", [POLYGON_SOURCE]),
            "Buurten van één jaar, "
            "bijvoorbeeld de CBS/PDOK Wijk- en buurtkaart; een hele gemeente of het hele land (de referentieset).",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.LEEFBAAROMETER,
                "Leefbaarometer-scores buurten (leeg: uit het GeoPackage)",
                [ANY_VECTOR],
                optional=True,
            ),
            "Het bestand 'Leefbaarometer-scores buurten 2002-2024.csv' (of een uitsnede), één regel per buurt en jaar. "
            "Leeg (of de buurtlaag zelf): de tabel 'leefbaarometer' uit het GeoPackage van 'Open data ophalen' waar de "
            "buurtlaag in staat.",
        )
        add(
            year_parameter(self.LBM_YEAR_START, "Leefbaarometer beginjaar (leeg: uit het bestand)", optional=True),
            "Leeg: het jaar in het bestand dat het dichtst bij eindjaar min zes ligt.",
        )
        add(
            year_parameter(self.LBM_YEAR_END, "Leefbaarometer eindjaar (leeg: uit het bestand)", optional=True),
            "Leeg: het laatste jaar met afw en onv.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.KERNCIJFERS_END,
                "CBS Kerncijfers, eindjaar of lange tabel",
                [ANY_VECTOR],
                optional=True,
            ),
            "kwb-JJJJ.xlsx/csv van CBS, of één lange tabel met een jaarkolom (StatLine-export). Leeg: de kerncijfers die "
            "PDOK in de buurtlaag publiceert.",
        )
        add(
            year_parameter(self.KWB_YEAR_END, "Kerncijfers eindjaar (leeg: uit het bestand)", optional=True),
            "Leeg: het laatste jaar waarin de componenten gevuld zijn, of het jaar in de bestandsnaam.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.KERNCIJFERS_START,
                "CBS Kerncijfers, beginjaar (leeg: dezelfde lange tabel)",
                [ANY_VECTOR],
                optional=True,
            ),
            "Alleen nodig als de kerncijfers per jaar in aparte bestanden staan.",
        )
        add(
            year_parameter(self.KWB_YEAR_START, "Kerncijfers beginjaar (leeg: uit het bestand)", optional=True),
            "Leeg: bij een lange tabel het jaar dat het dichtst bij eindjaar min vier ligt; zonder beginjaar blijven "
            "de ontwikkeling van kwetsbare bewoners en beide signaleringskaarten klasse 0.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.BUURTEN_START,
                "Buurtlaag beginjaar met kerncijfers (PDOK; leeg: geen)",
                [POLYGON_SOURCE],
                optional=True,
            ),
            "De CBS/PDOK-buurtkaart van het beginjaar, met de kerncijfers die PDOK erin publiceert. Heeft die laag "
            "een andere buurtindeling (minder dan 90% van de buurtcodes komt overeen), dan worden de cijfers naar "
            "de buurten van de buurtlaag omgerekend ('Naar een andere buurtindeling omrekenen'); het logboek en de "
            "referentieset zeggen dat.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.REFERENTIE,
                "Landelijke kerncijfers eindjaar (referentieset NL)",
                [ANY_VECTOR],
                optional=True,
            ),
            "De tabel referentie_<jaar> uit 'Open data ophalen': alle buurten van Nederland zonder geometrie. Dan "
            "vergelijkt elke klasse een buurt met heel Nederland, zoals de kaarten van Aedes; de uitvoer bevat alleen "
            "de buurten van de buurtlaag. Kies dan ook de landelijke Leefbaarometer-tabel (leefbaarometer_nl). Leeg: de "
            "referentieset is alleen de buurtlaag.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.REFERENTIE_START,
                "Landelijke kerncijfers beginjaar (leeg: geen)",
                [ANY_VECTOR],
                optional=True,
            ),
            "De tabel referentie_<beginjaar> uit 'Open data ophalen', op buurtcode gekoppeld: buurten met een nieuwe "
            "code doen voor de ontwikkelingskaarten niet mee.",
        )
        add(
            QgsProcessingParameterField(
                self.LBM_CODE_FIELD,
                "Codekolom Leefbaarometer (leeg: herkennen)",
                parentLayerParameterName=self.LEEFBAAROMETER,
                optional=True,
            ),
            "Leeg: bu_code, buurtcode, ...",
            True,
        )
        add(
            QgsProcessingParameterField(
                self.KWB_CODE_FIELD,
                "Codekolom kerncijfers (leeg: herkennen)",
                parentLayerParameterName=self.KERNCIJFERS_END,
                optional=True,
            ),
            "Leeg: gwb_code_10, buurtcode, ...",
            True,
        )
        add(
            QgsProcessingParameterString(self.COUNTS, "Componenten: aantallen (per 1.000 inwoners)", optional=True),
            "Kolomnamen gescheiden door komma's. Leeg: bijstand (a_soz_wb, bijstandsontvangers, ...).",
            True,
        )
        add(
            QgsProcessingParameterString(self.SHARES, "Componenten: aandelen of percentages", optional=True),
            "Kolomnamen gescheiden door komma's. Leeg: % huishoudens met laag inkomen (p_hh_li, ...).",
            True,
        )
        add(
            QgsProcessingParameterString(self.INWONERS_COLUMN, "Kolom inwoners (leeg: herkennen)", optional=True),
            "Leeg: a_inw, aantal_inwoners of AANT_INW, in de tabel of anders in de buurtlaag.",
            True,
        )
        add(
            QgsProcessingParameterString(
                self.CORPORATIE_COLUMN, "Kolom % corporatiewoningen (leeg: herkennen)", optional=True
            ),
            "Leeg: p_wcorpw in de tabel, anders het PDOK-veld van de buurtlaag.",
            True,
        )
        add(
            QgsProcessingParameterNumber(
                self.MIN_INWONERS, "Minimum aantal inwoners (anders klasse 0)", INTEGER, 50, minValue=0
            ),
            "Buurten met minder inwoners doen niet mee in de referentieset en krijgen klasse 0.",
            True,
        )
        add(
            QgsProcessingParameterBoolean(
                self.ZEROS_AS_MISSING,
                "Verdachte nullen als ontbrekend behandelen",
                defaultValue=False,
            ),
            "Nullen in de tabellen die los van de andere waarden staan (Excel maakt van CBS' '.' vaak 0) tellen dan niet "
            "mee. Zie het logboek: welke nullen verdacht zijn staat daar met kolom, aantal en codes.",
            True,
        )
        add(map_choice_parameter(self.ACTIVE, "Actieve kaart"), "De kaart die na afloop getoond wordt.")
        add(
            QgsProcessingParameterFeatureSink(self.OUTPUT, "Veerkrachtkaarten", POLYGON_SOURCE),
            "Een GeoPackage (.gpkg), met de negen stijlen erin, zodat hij overal gestileerd opent. Een andere extensie "
            "(.shp kort de veldnamen af) wordt geweigerd voordat er iets gebeurt.",
        )
        self.addOutput(QgsProcessingOutputString(self.REFERENCE, self.tr("Gebruikte referentieset")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        """Rules between parameters, said in the dialog before anything runs."""
        for start, end in ((self.LBM_YEAR_START, self.LBM_YEAR_END), (self.KWB_YEAR_START, self.KWB_YEAR_END)):
            if parameters.get(start) not in (None, "") and parameters.get(end) not in (None, ""):
                if self.parameterAsInt(parameters, start, context) >= self.parameterAsInt(parameters, end, context):
                    return False, self.tr("'{}' moet vóór '{}' liggen.").format(
                        self.parameter_label(start), self.parameter_label(end)
                    )
        if parameters.get(self.KERNCIJFERS_START) not in (None, "") and parameters.get(self.BUURTEN_START):
            return False, self.tr("Kies óf '{}' óf '{}', niet allebei.").format(
                self.parameter_label(self.KERNCIJFERS_START), self.parameter_label(self.BUURTEN_START)
            )
        given = {name for name in self._STARTS if parameters.get(name) not in (None, "")}
        national = parameters.get(self.REFERENTIE) not in (None, "")
        if self.REFERENTIE_START in given and not national:
            return False, self.tr("Vul ook '{}' in.").format(self.parameter_label(self.REFERENTIE))
        if self.REFERENTIE_START in given and len(given) > 1:
            return False, self.tr("Kies één beginjaarbron: {}.").format(
                self.tr(" of ").join(f"'{self.parameter_label(name)}'" for name in sorted(given))
            )
        if national and parameters.get(self.KERNCIJFERS_END) not in (None, ""):
            return False, self.tr("'{}' gaat samen met kerncijfers uit de buurtlaag, niet met '{}'.").format(
                self.parameter_label(self.REFERENTIE), self.parameter_label(self.KERNCIJFERS_END)
            )
        if parameters.get(self.KERNCIJFERS_START) not in (None, "") and not parameters.get(self.KERNCIJFERS_END):
            return False, self.tr("Vul ook '{}' in.").format(self.parameter_label(self.KERNCIJFERS_END))
        return super().checkParameterValues(parameters, context)

    _STARTS = (KERNCIJFERS_START, BUURTEN_START, REFERENTIE_START)

    def process(self, parameters, context, feedback):
        """The chain (support/make_maps_chain.py), each table parsed once for all its steps (the plan and the joins),
        then the result named and styled."""
        from ..veerkracht_plugin.core.tables import reading_once
        from .support.make_maps_chain import run_chain

        with reading_once():
            result, plan, self._buurt_source = run_chain(self, parameters, context, feedback)
            return self._finish(parameters, context, result, plan)

    def _finish(self, parameters, context, result, plan):
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.layer_queries import gemeente_names
        from .support.make_maps_chain import reference_text
        from .support.map_results import post_processor, result_name

        self._output, self._reference = result["OUTPUT"], reference_text(result["REFERENTIESET"], plan)
        self._active = MAP_IDS[self.parameterAsEnum(parameters, self.ACTIVE, context)]
        if context.willLoadLayerOnCompletion(self._output):
            source = self.parameterAsSource(parameters, self.INPUT, context)
            name = result_name(gemeente_names(source), plan.kwb_start, plan.kwb_end)
            context.layerToLoadOnCompletionDetails(self._output).name = name
            processor = post_processor(context, self._output)
            processor.styled = (self._active, name)
            processor.source = self._buurt_source
            if processor.metadata:  # the reference set as makemaps knows it, with the start-year layer
                processor.metadata = (self._reference, processor.metadata[1])
        return {self.OUTPUT: self._output, self.REFERENCE: self._reference}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 (QGIS API)
        """On the main thread: a GeoPackage output gets the nine styles stored inside, so it opens styled."""
        from .support.map_results import store_in_geopackage

        if getattr(self, "_output", None):
            store_in_geopackage(self._output, self._active, self._reference, feedback, self._buurt_source)
        return {}
