import VigieEvents

/// The language of a report's labels.
public enum ReportLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    /// English.
    case en
    /// French (the operators' language).
    case fr
}

/// Every label of the report, in English and French: one table, so nothing is translated twice
/// or forgotten. Keys are the English label's meaning; `ReportStringsTests` checks both columns
/// are filled.
struct ReportStrings {
    let language: ReportLanguage

    /// The label for `key` in this language (the key itself if missing, so a gap shows).
    subscript(_ key: Key) -> String {
        switch language {
        case .en: key.english
        case .fr: key.french
        }
    }

    /// The label of an event kind.
    func kind(_ kind: EventKind) -> String {
        let (en, fr): (String, String) =
            switch kind {
            case .intrusion: ("Intrusion", "Intrusion")
            case .lineCrossed: ("Line crossed", "Franchissement de ligne")
            case .wrongWay: ("Wrong way", "Contresens")
            case .abandonedObject: ("Abandoned object", "Objet abandonné")
            case .objectRemoved: ("Object removed", "Objet enlevé")
            case .personDown: ("Person down", "Personne au sol")
            case .densityExceeded: ("Density exceeded", "Densité dépassée")
            case .crowdMovement: ("Crowd movement", "Mouvement de foule")
            case .fire: ("Fire", "Feu")
            case .smoke: ("Smoke", "Fumée")
            case .loitering: ("Loitering", "Maraudage")
            case .projectile: ("Projectile", "Projectile")
            case .tamper: ("Camera tampered", "Caméra masquée ou déplacée")
            }
        return language == .en ? en : fr
    }

    /// The report's labels.
    enum Key: CaseIterable {
        case title, camera, input, sceneFile, sceneHash, version, generated, run, frames, seconds, fps
        case hints, noHints, timeline, alerts, noAlerts, kind, rule, place, start, duration, measurements
        case thresholds, snapshot, zones, occupancy, density, count, heatMap, heatMapCaption, noZones
        case recurringPlace, neverFired, skippedCorrupt, skippedGlobal, suppressed, notWarm, unsupported
        case disabled, open, instant, timelineCaption, noSnapshot, occupancyCaption
        case densityCaption, perSquareMetre, lang, generatedBy, speedCaption, maskSuggestion, heatUnit

        var english: String { Self.table[self]?.0 ?? "\(self)" }
        var french: String { Self.table[self]?.1 ?? "\(self)" }

        static let table: [Key: (String, String)] = [
            .title: ("Scene dry run", "Essai à blanc de la scène"),
            .camera: ("Camera", "Caméra"),
            .input: ("Footage", "Enregistrement"),
            .sceneFile: ("Scene file", "Fichier de scène"),
            .sceneHash: ("Scene SHA-256", "SHA-256 de la scène"),
            .version: ("Vigie version", "Version de Vigie"),
            .generated: ("Generated", "Généré"),
            .run: ("Run", "Exécution"),
            .frames: ("frames", "images"),
            .seconds: ("s", "s"),
            .fps: ("frames/s", "images/s"),
            .hints: ("Tuning hints", "Conseils de réglage"),
            .noHints: ("Nothing to tune: every rule fired, no place recurs, no frame was skipped.",
                       "Rien à régler : chaque règle s’est déclenchée, aucun lieu ne revient, aucune image n’a été écartée."),
            .timeline: ("Timeline", "Chronologie"),
            .alerts: ("Would-be alerts", "Alertes qui auraient été levées"),
            .noAlerts: ("No alert would have been raised on this footage.",
                        "Aucune alerte n’aurait été levée sur cet enregistrement."),
            .kind: ("Kind", "Type"),
            .rule: ("Rule", "Règle"),
            .place: ("Zone / line", "Zone / ligne"),
            .start: ("Start", "Début"),
            .duration: ("Duration", "Durée"),
            .measurements: ("Measurements", "Mesures"),
            .thresholds: ("Rule thresholds", "Seuils de la règle"),
            .snapshot: ("Snapshot (anonymised)", "Image (anonymisée)"),
            .zones: ("Zones over time", "Zones au fil du temps"),
            .occupancy: ("Occupancy", "Occupation"),
            .density: ("Density", "Densité"),
            .count: ("Objects", "Objets"),
            .heatMap: ("Where people walked", "Où l’on a marché"),
            .heatMapCaption: ("Foot points of tracked objects over the run, on an anonymised frame from late in the run; zones and lines drawn.",
                              "Points au sol des objets suivis pendant l’essai, sur une image anonymisée de la fin de l’essai ; zones et lignes tracées."),
            .noZones: ("The scene has no zone.", "La scène n’a aucune zone."),
            .recurringPlace: ("alerts of rule %1 at the same place (%2): a fixed object, a reflection or a resting person? Consider a privacy mask or an exclusion zone there:",
                              "alertes de la règle %1 au même endroit (%2) : objet fixe, reflet ou personne au repos ? Envisagez un masque ou une zone d’exclusion à cet endroit :"),
            .neverFired: ("never fired on this footage: check its zone, line and thresholds if it should have.",
                          "ne s’est jamais déclenchée sur cet enregistrement : vérifiez sa zone, sa ligne et ses seuils si elle aurait dû."),
            .skippedCorrupt: ("frames skipped as corrupt", "images écartées car corrompues"),
            .skippedGlobal: ("frames skipped for a global change (light switched, camera covered or moved)",
                             "images écartées pour un changement global (lumière, caméra masquée ou déplacée)"),
            .suppressed: ("s with the other rules suppressed by an open tamper alert",
                          "s pendant lesquelles une alerte de sabotage a suspendu les autres règles"),
            .notWarm: ("s before the background model was warm (no alert possible then)",
                       "s avant que le modèle de fond soit prêt (aucune alerte possible alors)"),
            .unsupported: ("is not evaluated by this version:", "n’est pas évaluée par cette version :"),
            .disabled: ("is disabled in the scene.", "est désactivée dans la scène."),
            .open: ("open at the end", "encore ouverte à la fin"),
            .instant: ("instant", "instantané"),
            .timelineCaption: ("One lane per rule: each bar runs from the alert's start to its end.",
                               "Une ligne par règle : chaque barre va du début à la fin de l’alerte."),
            .noSnapshot: ("no image", "pas d’image"),
            .occupancyCaption: ("Share of the zone covered by moving objects (0–100 %), mean per interval.",
                                "Part de la zone couverte par des objets en mouvement (0–100 %), moyenne par intervalle."),
            .densityCaption: ("People per m² (ground calibration), mean per interval.",
                              "Personnes par m² (calibration au sol), moyenne par intervalle."),
            .perSquareMetre: ("/m²", "/m²"),
            .lang: ("en", "fr"),
            .generatedBy: ("Generated by vigie report: only anonymised images leave Vigie.",
                           "Produit par vigie report : seules des images anonymisées sortent de Vigie."),
            .speedCaption: ("analysis and report", "analyse et rapport"),
            .heatUnit: ("object-frames in a cell (square-root scale)", "passages objet-image dans une case (échelle racine carrée)"),
            .maskSuggestion: ("suggested polygon (normalised image coordinates)",
                              "polygone suggéré (coordonnées normalisées de l’image)"),
        ]
    }
}
