"""veerkracht:makemaps: buurt layer + Leefbaarometer + kerncijfers -> joined, computed, styled maps.

Decides years and columns first (make_maps_plan: as given, or found in the files), then only chains the other
algorithms (join, index, compute); styles and naming of the result are in map_results.
"""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..veerkracht_plugin.compat import ANY_VECTOR, INTEGER, POLYGON_SOURCE, RD_NEW_AUTHID
from .base import VeerkrachtAlgorithm, map_choice_parameter, year_parameter
from .support.child import run_child
from .support.crs_guard import AS_RD, AS_WGS84, REPROJECT, assigned_crs

POOR_JOIN_SHARE = 0.5


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
        "CBS' '.' vaak 0) worden gemeld; met 'Verdachte nullen ... als ontbrekend behandelen' tellen ze niet mee."
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
                "Leefbaarometer-scores buurten (leeg: de tabel leefbaarometer naast de buurtlaag)",
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
                "CBS Kerncijfers, eindjaar of lange tabel (leeg: uit de buurtlaag)",
                [ANY_VECTOR],
                optional=True,
            ),
            "kwb-JJJJ.xlsx/csv van CBS, of één lange tabel met een jaarkolom (StatLine-export).",
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
                "Landelijke kerncijfers eindjaar (referentieset Nederland; leeg: alleen de buurtlaag)",
                [ANY_VECTOR],
                optional=True,
            ),
            "De tabel referentie_<jaar> uit 'Open data ophalen': alle buurten van Nederland zonder geometrie. Dan "
            "vergelijkt elke klasse een buurt met heel Nederland, zoals de kaarten van Aedes; de uitvoer bevat alleen "
            "de buurten van de buurtlaag. Kies dan ook de landelijke Leefbaarometer-tabel (leefbaarometer_nl).",
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
                "Verdachte nullen in de tabellen als ontbrekend behandelen (Excel maakt van CBS' '.' vaak 0)",
                defaultValue=False,
            ),
            "Zie het logboek: welke nullen verdacht zijn staat daar met kolom, aantal en codes.",
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
        """The chain, each table parsed once for all its steps (the plan and the joins)."""
        from ..veerkracht_plugin.core.tables import reading_once

        with reading_once():
            return self._chain(parameters, context, feedback)

    def _chain(self, parameters, context, feedback):
        from ..veerkracht_plugin.core import VeerkrachtError
        from .support.make_maps_plan import make_plan
        from .support.same_geopackage import fill_in, layer_in_geopackage

        feedback.setProgressText(self.tr("Jaren en kolommen bepalen"))
        feedback.setProgress(1)
        try:
            parameters, notes, warnings = fill_in(self, parameters, context)
        except VeerkrachtError as error:
            raise QgsProcessingException(str(error)) from error
        buurten = layer_in_geopackage(parameters[self.INPUT], context)
        self._buurt_source = f"{buurten[0]}|layername={buurten[1]}" if buurten and buurten[1] else ""
        plan = make_plan(self, parameters, context, feedback)
        plan.notes[:0], plan.warnings[:0] = notes, warnings
        for note in plan.notes:
            feedback.pushInfo(self.tr("Gekozen: {}.").format(note))
        for warning in plan.warnings:
            feedback.pushWarning(warning)
        min_inwoners = self.parameterAsInt(parameters, self.MIN_INWONERS, context)
        zeros_as_missing = self.parameterAsBoolean(parameters, self.ZEROS_AS_MISSING, context)
        has_table = parameters.get(self.KERNCIJFERS_END) not in (None, "")
        national = parameters.get(self.REFERENTIE) not in (None, "")
        crs_action, crs_warning = self._crs_plan(parameters, context)
        if crs_warning:
            feedback.pushWarning(crs_warning)
        assign = crs_action in (AS_RD, AS_WGS84)
        reproject = national or crs_action in (REPROJECT, AS_WGS84)
        # step 0 was the plan; then one step per child: CRS, reprojection, two Leefbaarometer joins, the kerncijfers
        # joins, the index and the maps
        steps = 1 + assign + reproject + 2 + has_table + bool(plan.table_start) + 2
        multi = QgsProcessingMultiStepFeedback(steps, feedback)
        progress = {"step": 1}
        poor_joins = []

        def child(algorithm, params, text):
            multi.setCurrentStep(progress["step"])
            multi.setProgressText(text)
            progress["step"] += 1
            try:
                result = run_child(algorithm, params, context, multi)
            except QgsProcessingException as error:
                raise QgsProcessingException(self.tr("Stap '{}' mislukt: {}").format(text, error)) from error
            if multi.isCanceled():
                raise QgsProcessingException(self.tr("Geannuleerd."))
            return result

        def join(layer, table, year, prefix, fields, text, code_field):
            params = {
                "INPUT": layer,
                "TABLE": table,
                "PREFIX": prefix,
                "FIELDS": ",".join(fields),
                "ZEROS_AS_MISSING": zeros_as_missing,
                "OUTPUT": "TEMPORARY_OUTPUT",
            }
            params.update({k: v for k, v in (("YEAR", year), ("TABLE_FIELD", code_field)) if v})
            result = child("veerkracht:joinindicators", params, text)
            if result["MATCH_SHARE"] < POOR_JOIN_SHARE:
                poor_joins.append(f"{text}: {result['MATCH_SHARE']:.0%} gekoppeld")
            return result["OUTPUT"]

        buurten = parameters[self.INPUT]
        if assign:
            buurten = child(
                "native:assignprojection",
                {"INPUT": buurten, "CRS": assigned_crs(crs_action), "OUTPUT": "TEMPORARY_OUTPUT"},
                self.tr("Coördinatenstelsel van de buurtlaag vastleggen"),
            )["OUTPUT"]
        if reproject:
            reprojected = child(
                "native:reprojectlayer",
                {"INPUT": buurten, "TARGET_CRS": RD_NEW_AUTHID, "OUTPUT": "TEMPORARY_OUTPUT"},
                self.tr("Buurtlaag naar RD New (EPSG:28992)"),
            )
            buurten = reprojected["OUTPUT"]  # Dutch maps in the Dutch CRS: not stretched, RD data asks nothing
        if national:
            from .support.national_reference import with_national_rows

            buurten, *plan.national = with_national_rows(self, parameters, context, buurten, feedback)
        lbm, lbm_code = (
            parameters[self.LEEFBAAROMETER],
            self.parameterAsString(parameters, self.LBM_CODE_FIELD, context),
        )
        kwb_code = self.parameterAsString(parameters, self.KWB_CODE_FIELD, context)
        layer = join(
            buurten,
            lbm,
            plan.lbm_start,
            f"lbm{plan.lbm_start}_",
            ["onv"],
            self.tr("Leefbaarometer {} koppelen").format(plan.lbm_start),
            lbm_code,
        )
        layer = join(
            layer,
            lbm,
            plan.lbm_end,
            f"lbm{plan.lbm_end}_",
            ["afw", "onv"] + ([plan.lbm_class] if plan.lbm_class else []),
            self.tr("Leefbaarometer {} koppelen").format(plan.lbm_end),
            lbm_code,
        )
        components = plan.counts + plan.shares
        end_tag = f"kwb{plan.kwb_end}_" if has_table else ""
        start_tag = f"kwb{plan.kwb_start}_"
        inwoners = plan.inwoners or plan.inwoners_layer
        if has_table:
            from_table = components + [c for c in (plan.inwoners, plan.corporatie) if c]
            layer = join(
                layer,
                parameters[self.KERNCIJFERS_END],
                plan.kwb_end,
                end_tag,
                from_table,
                self.tr("Kerncijfers {} koppelen").format(plan.kwb_end),
                kwb_code,
            )
        if plan.table_start:
            from_table = components + [plan.inwoners] if plan.inwoners else components
            layer = join(
                layer,
                plan.table_start,
                plan.kwb_start,
                start_tag,
                from_table,
                self.tr("Kerncijfers {} koppelen").format(plan.kwb_start),
                kwb_code,
            )

        def tagged(tag, column, table_column):
            return (tag + column) if table_column else column

        index = {
            "INPUT": layer,
            "YEAR_END": plan.kwb_end,
            "MIN_INWONERS": min_inwoners,
            "OUTPUT": "TEMPORARY_OUTPUT",
            "COUNTS_END": [end_tag + c for c in plan.counts],
            "SHARES_END": [end_tag + s for s in plan.shares],
            "INWONERS_END": tagged(end_tag, inwoners, plan.inwoners),
        }
        if plan.table_start:
            index.update(
                {
                    "YEAR_START": plan.kwb_start,
                    "COUNTS_START": [start_tag + c for c in plan.counts],
                    "SHARES_START": [start_tag + s for s in plan.shares],
                    "INWONERS_START": tagged(start_tag, inwoners, plan.inwoners),
                }
            )
        if plan.start_layer:  # the index joins or carries over the start-year layer's own fields
            n = len(plan.counts)
            index.update(
                {
                    "START_LAYER": plan.start_layer,
                    "YEAR_START": plan.kwb_start,
                    "COUNTS_START": plan.start_columns[:n],
                    "SHARES_START": plan.start_columns[n:],
                    "INWONERS_START": plan.start_inwoners,
                }
            )
        layer = child("veerkracht:vulnerabilityindex", index, self.tr("Kwetsbaarheidsindex"))["OUTPUT"]

        maps = {
            "INPUT": layer,
            "AFW": f"lbm{plan.lbm_end}_afw",
            "ONV_START": f"lbm{plan.lbm_start}_onv",
            "ONV_END": f"lbm{plan.lbm_end}_onv",
            "KWETSBAAR_END": f"kwetsbaar_{plan.kwb_end}",
            "INWONERS": tagged(end_tag, inwoners, plan.inwoners),
            "MIN_INWONERS": min_inwoners,
            "ONLY_WITH_GEOMETRY": national,
            "OUTPUT": parameters[self.OUTPUT],
        }
        if plan.lbm_class:  # the official classes replace the provisional afw thresholds of map 1
            maps["LBM_CLASS"] = f"lbm{plan.lbm_end}_{plan.lbm_class}"
        if plan.table_start or plan.start_layer:
            maps["KWETSBAAR_START"] = f"kwetsbaar_{plan.kwb_start}"
        if plan.corporatie or plan.corporatie_layer:
            maps["CORPORATIE"] = tagged(end_tag, plan.corporatie or plan.corporatie_layer, plan.corporatie)
        else:
            feedback.pushWarning(self.tr("Geen kolom met % corporatiewoningen: kaart 6 wordt klasse 0."))
        result = child("veerkracht:computemaps", maps, self.tr("Negen kaarten berekenen"))
        feedback.setProgress(100)
        if poor_joins:  # said again at the end, where the user looks: the maps are largely class 0
            feedback.pushWarning(
                self.tr(
                    "LET OP: deze kaarten rusten op koppelingen die minder dan de helft van de buurten vonden ({}). "
                    "Controleer buurtjaar, gemeente en codekolom van die bestanden."
                ).format("; ".join(poor_joins))
            )
        return self._finish(parameters, context, result, plan)

    def _crs_plan(self, parameters, context):
        """What the buurt layer's coordinates are (crs_guard), before anything is reprojected or written."""
        from .support.crs_guard import CrsError, crs_plan

        try:
            return crs_plan(self.parameterAsSource(parameters, self.INPUT, context), context.transformContext())
        except CrsError as problem:
            raise QgsProcessingException(str(problem)) from problem

    def _finish(self, parameters, context, result, plan):
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.layer_queries import gemeente_names
        from .support.map_results import post_processor, result_name

        self._output, self._reference = result["OUTPUT"], result["REFERENTIESET"]
        if plan.national:
            own, added, table = plan.national
            self._reference = (
                f"Referentieset Nederland: elke klasse vergelijkt met alle buurten van het land ({own} buurten van de "
                f"buurtlaag en {added} andere uit '{table}'); de kaart toont alleen de buurten van de buurtlaag. "
                + self._reference.replace("buurten van de invoerlaag", "buurten van deze referentieset")
            )
        if plan.start_layer:
            from .support.start_layer import MATCH_SHARE

            how = (
                "omgerekend naar de buurten van de buurtlaag (herindelen)"
                if plan.start_match < MATCH_SHARE
                else "op buurtcode gekoppeld"
            )
            self._reference += (
                f" Kerncijfers {plan.kwb_start} (ontwikkeling kwetsbare bewoners, signalering absoluut en relatief) "
                f"uit een buurtlaag van dat jaar: {plan.start_match:.0%} van de buurtcodes kwam overeen, {how}."
            )
        self._active = MAP_IDS[self.parameterAsEnum(parameters, self.ACTIVE, context)]
        if context.willLoadLayerOnCompletion(self._output):
            source = self.parameterAsSource(parameters, self.INPUT, context)
            name = result_name(gemeente_names(source), plan.lbm_start, plan.lbm_end)
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
