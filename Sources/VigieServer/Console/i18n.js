// Every string of the operator console, in French and English. The operators are French: the
// language follows the browser (navigator.language) and a switch in the header changes it (kept
// for the session).

export const strings = {
  title: { en: "Vigie — operator console", fr: "Vigie — console opérateur" },
  tokenPrompt: { en: "Access token", fr: "Jeton d’accès" },
  tokenHelp: {
    en: "Enter the token you were given. It is kept for this browser tab only.",
    fr: "Saisissez le jeton qui vous a été remis. Il n’est conservé que pour cet onglet.",
  },
  signIn: { en: "Open the console", fr: "Ouvrir la console" },
  signOut: { en: "Sign out", fr: "Se déconnecter" },
  tokenRefused: {
    en: "The token was refused (401). Check it and enter it again.",
    fr: "Le jeton a été refusé (401). Vérifiez-le et saisissez-le à nouveau.",
  },
  forbidden: {
    en: "This token may only view: acknowledging needs an operator token (403).",
    fr: "Ce jeton ne permet que la consultation : acquitter demande un jeton opérateur (403).",
  },
  alreadyAcknowledged: {
    en: "Another operator has already acknowledged this alert (409).",
    fr: "Un autre opérateur a déjà acquitté cette alerte (409).",
  },
  requestFailed: { en: "The server did not answer as expected", fr: "Le serveur n’a pas répondu comme prévu" },
  streamLost: {
    en: "Live updates interrupted: reconnecting…",
    fr: "Mises à jour en direct interrompues : reconnexion…",
  },
  live: { en: "Live", fr: "En direct" },
  cameras: { en: "Cameras", fr: "Caméras" },
  alerts: { en: "Alerts", fr: "Alertes" },
  open: { en: "Open", fr: "Ouvertes" },
  acknowledged: { en: "Acknowledged", fr: "Acquittées" },
  allCameras: { en: "All cameras", fr: "Toutes les caméras" },
  allKinds: { en: "All kinds", fr: "Tous les types" },
  camera: { en: "Camera", fr: "Caméra" },
  kind: { en: "Kind", fr: "Type" },
  place: { en: "Zone / line", fr: "Zone / ligne" },
  start: { en: "Start", fr: "Début" },
  duration: { en: "Duration", fr: "Durée" },
  snapshot: { en: "Snapshot", fr: "Image" },
  decision: { en: "Decision", fr: "Décision" },
  noSnapshot: { en: "no image", fr: "pas d’image" },
  noAlerts: { en: "No alert here.", fr: "Aucune alerte ici." },
  ongoing: { en: "ongoing", fr: "en cours" },
  instant: { en: "instant", fr: "instantané" },
  confirmed: { en: "Confirmed", fr: "Confirmée" },
  "false-alarm": { en: "False alarm", fr: "Fausse alerte" },
  dismissed: { en: "Dismissed", fr: "Classée" },
  notePlaceholder: { en: "Note (optional)", fr: "Note (facultative)" },
  by: { en: "by", fr: "par" },
  state: { en: "State", fr: "État" },
  fps: { en: "frames/s", fr: "images/s" },
  // Counted labels: the form for one ("one", which French also uses for 0) and for the rest.
  alertsToday: {
    en: { one: "alert today", other: "alerts today" },
    fr: { one: "alerte aujourd’hui", other: "alertes aujourd’hui" },
  },
  falseAlarmsToday: {
    en: { one: "false alarm", other: "false alarms" },
    fr: { one: "fausse alerte", other: "fausses alertes" },
  },
  starting: { en: "starting", fr: "démarrage" },
  running: { en: "running", fr: "en service" },
  reconnecting: { en: "reconnecting", fr: "reconnexion" },
  failed: { en: "failed", fr: "en panne" },
  stopped: { en: "stopped", fr: "arrêtée" },
  notWarm: { en: "warming up: no image yet", fr: "mise en route : pas encore d’image" },
  noPreview: { en: "no preview", fr: "pas d’aperçu" },
  sound: { en: "Sound", fr: "Son" },
  newAlert: { en: "New alert", fr: "Nouvelle alerte" },
  more: { en: "Load more", fr: "Afficher plus" },
  language: { en: "Français", fr: "English" },
  seconds: { en: "s", fr: "s" },
  lastError: { en: "Last error", fr: "Dernière erreur" },
  // Event kinds (EventKind raw values).
  "kind.intrusion": { en: "Intrusion", fr: "Intrusion" },
  "kind.lineCrossed": { en: "Line crossed", fr: "Franchissement de ligne" },
  "kind.wrongWay": { en: "Wrong way", fr: "Contresens" },
  "kind.abandonedObject": { en: "Abandoned object", fr: "Objet abandonné" },
  "kind.objectRemoved": { en: "Object removed", fr: "Objet enlevé" },
  "kind.personDown": { en: "Person down", fr: "Personne au sol" },
  "kind.densityExceeded": { en: "Density exceeded", fr: "Densité dépassée" },
  "kind.crowdMovement": { en: "Crowd movement", fr: "Mouvement de foule" },
  "kind.fire": { en: "Fire", fr: "Feu" },
  "kind.smoke": { en: "Smoke", fr: "Fumée" },
  "kind.loitering": { en: "Loitering", fr: "Maraudage" },
  "kind.projectile": { en: "Projectile", fr: "Projectile" },
  "kind.tamper": { en: "Camera tampered", fr: "Caméra masquée ou déplacée" },
};

export const kinds = [
  "intrusion", "lineCrossed", "wrongWay", "abandonedObject", "objectRemoved", "personDown", "densityExceeded",
  "crowdMovement", "fire", "smoke", "loitering", "projectile", "tamper",
];

let current = initialLanguage();

function initialLanguage() {
  const kept = sessionStorage.getItem("vigie.language");
  if (kept === "fr" || kept === "en") return kept;
  return (navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** The current language: "fr" or "en". */
export function language() {
  return current;
}

/** Sets the language for this session. */
export function setLanguage(code) {
  current = code === "fr" ? "fr" : "en";
  sessionStorage.setItem("vigie.language", current);
  document.documentElement.lang = current;
}

/** The label for `key` (the key itself if it is missing, so a gap shows). */
export function t(key) {
  const entry = strings[key];
  if (!entry) return key;
  const text = entry[current];
  return typeof text === "string" ? text : text.other;
}

/** The label of a count, in the form the language uses for `count` (French: 0 and 1 are singular). */
export function tCount(key, count) {
  const entry = strings[key];
  if (!entry) return key;
  const text = entry[current];
  if (typeof text === "string") return text;
  return text[new Intl.PluralRules(current).select(Number(count) || 0)] ?? text.other;
}

/** The label of an event kind. */
export function kindLabel(kind) {
  return strings["kind." + kind] ? t("kind." + kind) : kind;
}

/** Fills every element with data-i18n (text) or data-i18n-placeholder (placeholder). */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  document.title = t("title");
}
