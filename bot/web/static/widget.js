/*!
 * Voorbeeldstad citizen chat widget. EUPL-1.2.
 * One script tag:
 *   <script src="/widget/widget.js" data-socket-url="http://127.0.0.1:5005"
 *           data-privacy-url="/privacy" defer></script>
 * Optional: data-socket-path (default /socket.io/), data-feedback-url (default /api/feedback),
 * data-language (nl, en or fr; default nl), data-transports (default "polling,websocket": long-polling
 * first, then the WebSocket upgrade, staying on polling where the upgrade fails; "polling" to never upgrade).
 * Loads widget.css and socket.io.min.js from the folder of this file. Talks to Rasa's socket.io
 * channel (session_request / session_confirm, user_uttered, bot_uttered). Message text is only
 * ever put into the page with textContent / createTextNode, never parsed as HTML.
 */
(function () {
  "use strict";
  if (window.VoorbeeldstadWidget) { return; }

  var script = document.currentScript || document.querySelector("script[data-socket-url]");
  if (!script) { return; }
  var LANGUAGES = ["nl", "en", "fr"];
  var STORE_KEY = "voorbeeldstad-chat-v1";
  var MAX_ENTRIES = 200;
  var MAX_INPUT = 1000;
  var SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
  var SVG_NS = "http://www.w3.org/2000/svg";

  var base = new URL(".", script.src || location.href);
  var cfg = {
    socketUrl: script.getAttribute("data-socket-url") || location.origin,
    socketPath: script.getAttribute("data-socket-path") || "/socket.io/",
    privacyUrl: script.getAttribute("data-privacy-url") || "/privacy",
    feedbackUrl: script.getAttribute("data-feedback-url") || "/api/feedback",
    language: script.getAttribute("data-language") || "nl",
    transports: (script.getAttribute("data-transports") || "polling,websocket").split(",").map(function (x) { return x.trim(); })
      .filter(function (x) { return x === "polling" || x === "websocket"; })
  };
  if (!cfg.transports.length) { cfg.transports = ["polling", "websocket"]; }

  // The widget's own labels; the assistant's answers come from Rasa (domain.yml).
  var I18N = {
    nl: {
      launcher: "Chat met de gemeente", title: "Digitale assistent", close: "Chat sluiten",
      intro: "Hallo! Stel uw vraag over de diensten van de gemeente in uw eigen woorden. U chat met een computer. Wilt u een persoon spreken? Kies dan \u2018Praat met een medewerker\u2019.",
      language: "Taal", privacy: "Privacyverklaring", human: "Praat met een medewerker",
      input: "Uw vraag", placeholder: "Typ uw vraag\u2026", send: "Versturen", log: "Gesprek",
      you: "U:", bot: "Assistent:", staff: "Medewerker", staffSays: "Bericht van een medewerker",
      typing: "De assistent schrijft een antwoord\u2026", helpful: "Was dit antwoord nuttig?",
      up: "Ja, dit antwoord was nuttig", down: "Nee, dit antwoord was niet nuttig",
      thanks: "Bedankt voor uw reactie.", feedbackFailed: "Uw reactie is niet opgeslagen. Probeer het later opnieuw.",
      pending: "Nog niet verstuurd", failed: "Niet afgeleverd. Probeer het opnieuw.", offline: "Geen verbinding. Uw berichten worden verstuurd zodra de verbinding terug is.",
      reconnecting: "Verbinding wordt hersteld\u2026", newWindow: "(opent in een nieuw venster)", choices: "Keuzes"
    },
    en: {
      launcher: "Chat with the municipality", title: "Digital assistant", close: "Close chat",
      intro: "Hello! Ask your question about the municipality's services in your own words. You are chatting with a computer. Would you like to talk to a person? Choose \u2018Talk to a person\u2019.",
      language: "Language", privacy: "Privacy statement", human: "Talk to a person",
      input: "Your question", placeholder: "Type your question\u2026", send: "Send", log: "Conversation",
      you: "You:", bot: "Assistant:", staff: "Staff member", staffSays: "Message from a staff member",
      typing: "The assistant is writing an answer\u2026", helpful: "Was this answer helpful?",
      up: "Yes, this answer was helpful", down: "No, this answer was not helpful",
      thanks: "Thank you for your feedback.", feedbackFailed: "Your feedback was not saved. Please try again later.",
      pending: "Not sent yet", failed: "Not delivered. Please try again.", offline: "No connection. Your messages will be sent as soon as the connection is back.",
      reconnecting: "Reconnecting\u2026", newWindow: "(opens in a new window)", choices: "Choices"
    },
    fr: {
      launcher: "Chatter avec la commune", title: "Assistant num\u00e9rique", close: "Fermer le chat",
      intro: "Bonjour ! Posez votre question sur les services de la commune avec vos propres mots. Vous parlez avec un ordinateur. Vous pr\u00e9f\u00e9rez parler \u00e0 une personne ? Choisissez \u00ab Parler \u00e0 un agent \u00bb.",
      language: "Langue", privacy: "D\u00e9claration de confidentialit\u00e9", human: "Parler \u00e0 un agent",
      input: "Votre question", placeholder: "Tapez votre question\u2026", send: "Envoyer", log: "Conversation",
      you: "Vous :", bot: "Assistant :", staff: "Agent", staffSays: "Message d'un agent",
      typing: "L'assistant r\u00e9dige une r\u00e9ponse\u2026", helpful: "Cette r\u00e9ponse vous a-t-elle aid\u00e9 ?",
      up: "Oui, cette r\u00e9ponse m'a aid\u00e9", down: "Non, cette r\u00e9ponse ne m'a pas aid\u00e9",
      thanks: "Merci pour votre avis.", feedbackFailed: "Votre avis n'a pas \u00e9t\u00e9 enregistr\u00e9. R\u00e9essayez plus tard.",
      pending: "Pas encore envoy\u00e9", failed: "Non distribu\u00e9. Veuillez r\u00e9essayer.", offline: "Pas de connexion. Vos messages seront envoy\u00e9s d\u00e8s que la connexion sera r\u00e9tablie.",
      reconnecting: "Reconnexion\u2026", newWindow: "(s'ouvre dans une nouvelle fen\u00eatre)", choices: "Choix"
    }
  };
  var LANGUAGE_NAMES = { nl: "Nederlands", en: "English", fr: "Fran\u00e7ais" };

  // ---- state, kept in sessionStorage so a reload keeps the conversation -------------------------
  var storage = (function () {
    try { var s = window.sessionStorage; s.setItem(STORE_KEY + "-probe", "1"); s.removeItem(STORE_KEY + "-probe"); return s; }
    catch (e) { return null; }
  })();

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function loadState() {
    var state = null;
    try { state = storage && JSON.parse(storage.getItem(STORE_KEY) || "null"); } catch (e) { state = null; }
    if (!state || typeof state !== "object" || !SESSION_ID.test(state.sessionId || "")) {
      state = { sessionId: newSessionId(), entries: [], outbox: [], votes: {}, open: false, next: 1 };
    }
    state.entries = Array.isArray(state.entries) ? state.entries : [];
    state.outbox = Array.isArray(state.outbox) ? state.outbox : [];
    state.votes = state.votes && typeof state.votes === "object" ? state.votes : {};
    state.next = typeof state.next === "number" ? state.next : state.entries.length + 1;
    if (LANGUAGES.indexOf(state.language) < 0) {
      state.language = LANGUAGES.indexOf(cfg.language) >= 0 ? cfg.language : "nl";
    }
    return state;
  }

  var state = loadState();

  function save() {
    if (state.entries.length > MAX_ENTRIES) { state.entries = state.entries.slice(-MAX_ENTRIES); }
    try { if (storage) { storage.setItem(STORE_KEY, JSON.stringify(state)); } } catch (e) { /* full: keep going */ }
  }

  function t(key) { return (I18N[state.language] || I18N.nl)[key]; }

  // ---- small DOM helpers: elements and text only ------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function label(node, key, attribute) {
    // Remembers which i18n key labels a node, so a language switch relabels it.
    node.setAttribute("data-i18n" + (attribute ? "-" + attribute : ""), key);
    if (attribute) { node.setAttribute(attribute, t(key)); } else { node.textContent = t(key); }
    return node;
  }

  function icon(kind) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var paths = {
      up: ["M2 10h4v11H2z", "M8 10l4-8c1.7 0 2.6 1.3 2.2 2.9L13.4 9H20c1.3 0 2.2 1.1 2 2.3l-1.5 8c-.2 1-1 1.7-2 1.7H8z"],
      chat: ["M3 4h18v12H8l-5 4z"],
      close: ["M5.6 4.2L12 10.6l6.4-6.4 1.4 1.4-6.4 6.4 6.4 6.4-1.4 1.4-6.4-6.4-6.4 6.4-1.4-1.4 6.4-6.4-6.4-6.4z"]
    }[kind === "down" ? "up" : kind];
    paths.forEach(function (d) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "currentColor");
      svg.appendChild(path);
    });
    if (kind === "down") { svg.setAttribute("class", "vbs-flip"); }
    return svg;
  }

  // Text with newlines (CSS pre-wrap); only http(s) URLs become links, everything else stays text.
  var URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
  function appendRichText(parent, text) {
    var last = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var raw = match[0].replace(/[.,;:!?)\]}]+$/, "");
      var url = null;
      try { url = new URL(raw); } catch (e) { url = null; }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) { continue; }
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", "vbs-link", raw);
      link.href = url.href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(label(el("span", "vbs-sr-only"), "newWindow"));
      parent.appendChild(link);
      last = match.index + raw.length;
      URL_PATTERN.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---- the widget's DOM ---------------------------------------------------------------------------
  var ui = {};

  function build() {
    var root = el("aside", "vbs-root");
    root.setAttribute("aria-label", "Chat");
    ui.root = root;

    var launcher = el("button", "vbs-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "vbs-panel");
    launcher.appendChild(icon("chat"));
    launcher.appendChild(label(el("span"), "launcher"));
    launcher.addEventListener("click", function () { open(true); });
    ui.launcher = launcher;

    var panel = el("section", "vbs-panel");
    panel.id = "vbs-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "vbs-title");
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") { event.preventDefault(); close(true); }
    });
    ui.panel = panel;

    var header = el("div", "vbs-header");
    var title = label(el("h2", "vbs-title"), "title");
    title.id = "vbs-title";
    var closeButton = el("button", "vbs-close");
    closeButton.type = "button";
    label(closeButton, "close", "aria-label");
    label(closeButton, "close", "title");
    closeButton.appendChild(icon("close"));
    closeButton.addEventListener("click", function () { close(true); });
    header.appendChild(title);
    header.appendChild(closeButton);

    var toolbar = el("div", "vbs-toolbar");
    var human = label(el("button", "vbs-human"), "human");
    human.type = "button";
    human.addEventListener("click", function () { send("/request_human", t("human")); });
    ui.human = human;

    var languages = el("div", "vbs-languages");
    languages.setAttribute("role", "group");
    label(languages, "language", "aria-label");
    ui.languageButtons = {};
    LANGUAGES.forEach(function (code) {
      // Visible "EN", heard "EN English": the accessible name contains the visible text.
      var button = el("button", "vbs-language", code.toUpperCase());
      button.type = "button";
      button.lang = code;
      button.appendChild(el("span", "vbs-sr-only", " " + LANGUAGE_NAMES[code]));
      button.setAttribute("title", LANGUAGE_NAMES[code]);
      button.addEventListener("click", function () { changeLanguage(code); });
      ui.languageButtons[code] = button;
      languages.appendChild(button);
    });

    var privacy = label(el("a", "vbs-privacy"), "privacy");
    privacy.href = cfg.privacyUrl;
    toolbar.appendChild(human);
    toolbar.appendChild(languages);
    toolbar.appendChild(privacy);

    var status = el("div", "vbs-status");
    status.setAttribute("role", "status");
    ui.status = status;

    var intro = label(el("p", "vbs-intro"), "intro");

    var log = el("div", "vbs-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("tabindex", "0");
    label(log, "log", "aria-label");
    log.appendChild(intro);
    ui.log = log;

    var typing = el("div", "vbs-typing");
    typing.hidden = true;
    var dots = el("span", "vbs-dots");
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) { dots.appendChild(el("span", "vbs-dot")); }
    typing.appendChild(dots);
    typing.appendChild(label(el("span", "vbs-typing-text"), "typing"));
    ui.typing = typing;

    var form = el("form", "vbs-form");
    form.setAttribute("novalidate", "");
    var inputLabel = label(el("label", "vbs-sr-only"), "input");
    inputLabel.htmlFor = "vbs-input";
    var input = el("input", "vbs-input");
    input.id = "vbs-input";
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = MAX_INPUT;
    label(input, "placeholder", "placeholder");
    var sendButton = label(el("button", "vbs-send"), "send");
    sendButton.type = "submit";
    form.appendChild(inputLabel);
    form.appendChild(input);
    form.appendChild(sendButton);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      input.value = "";
      send(text, text);
      input.focus();
    });
    ui.input = input;

    panel.appendChild(header);
    panel.appendChild(toolbar);
    panel.appendChild(status);
    panel.appendChild(log);
    panel.appendChild(typing);
    panel.appendChild(form);
    root.appendChild(launcher);
    root.appendChild(panel);

    // The restored transcript is rendered before the region is in the page: it is not re-announced.
    state.entries.forEach(renderEntry);
    applyLanguage();
    document.body.appendChild(root);
  }

  function applyLanguage() {
    ui.root.lang = state.language;
    var nodes = ui.root.querySelectorAll("[data-i18n],[data-i18n-aria-label],[data-i18n-placeholder],[data-i18n-title]");
    Array.prototype.forEach.call(nodes, function (node) {
      ["aria-label", "placeholder", "title"].forEach(function (attribute) {
        var key = node.getAttribute("data-i18n-" + attribute);
        if (key) { node.setAttribute(attribute, t(key)); }
      });
      var textKey = node.getAttribute("data-i18n");
      if (textKey) { node.textContent = t(textKey); }
    });
    LANGUAGES.forEach(function (code) {
      ui.languageButtons[code].setAttribute("aria-pressed", code === state.language ? "true" : "false");
    });
    showStatus();
  }

  // ---- rendering entries ----------------------------------------------------------------------
  var lastTurn = null;  // {id, node, bubbles} of the bot answer being added to

  function speaker(key) { return label(el("span", "vbs-sr-only vbs-speaker"), key); }

  function renderEntry(entry) {
    if (entry.from === "user") {
      lastTurn = null;
      var mine = el("div", "vbs-msg vbs-msg--user");
      mine.setAttribute("data-entry", String(entry.id));
      mine.appendChild(speaker("you"));
      mine.appendChild(el("span", "vbs-text", entry.text));
      if (entry.pending || entry.failed) { mine.appendChild(label(el("span", "vbs-pending"), entry.failed ? "failed" : "pending")); }
      ui.log.appendChild(mine);
      return;
    }
    if (entry.from === "staff") {
      lastTurn = null;
      var staff = el("div", "vbs-msg vbs-msg--staff");
      staff.setAttribute("data-entry", String(entry.id));
      var who = el("p", "vbs-staff-label");
      who.appendChild(label(el("span", "vbs-sr-only"), "staffSays"));
      if (entry.name) { who.appendChild(el("span", "vbs-staff-name", entry.name + " \u00b7 ")); }
      who.appendChild(label(el("span", "vbs-staff-role"), "staff"));
      staff.appendChild(who);
      var staffText = el("p", "vbs-text");
      appendRichText(staffText, entry.text);
      staff.appendChild(staffText);
      ui.log.appendChild(staff);
      return;
    }
    // A bot message: consecutive bot messages form one answer, with one pair of thumbs.
    if (!lastTurn || lastTurn.id !== entry.turn) {
      var turn = el("div", "vbs-turn");
      var bubbles = el("div", "vbs-bubbles");
      turn.appendChild(bubbles);
      turn.appendChild(feedbackControls(entry.turn));
      ui.log.appendChild(turn);
      lastTurn = { id: entry.turn, node: turn, bubbles: bubbles };
    }
    var bubble = el("div", "vbs-msg vbs-msg--bot");
    bubble.setAttribute("data-entry", String(entry.id));
    bubble.appendChild(speaker("bot"));
    var text = el("p", "vbs-text");
    appendRichText(text, entry.text || "");
    if (entry.text) { bubble.appendChild(text); }
    if (entry.buttons && entry.buttons.length) {
      var choices = el("div", "vbs-choices");
      choices.setAttribute("role", "group");
      label(choices, "choices", "aria-label");
      entry.buttons.forEach(function (choice) {
        var button = el("button", "vbs-choice", choice.title);
        button.type = "button";
        button.disabled = !!entry.used;
        button.addEventListener("click", function () {
          entry.used = true;
          Array.prototype.forEach.call(choices.querySelectorAll("button"), function (b) { b.disabled = true; });
          send(choice.payload, choice.title);
          ui.input.focus();
        });
        choices.appendChild(button);
      });
      bubble.appendChild(choices);
    }
    lastTurn.bubbles.appendChild(bubble);
  }

  function feedbackControls(turnId) {
    var box = el("div", "vbs-feedback");
    box.setAttribute("role", "group");
    label(box, "helpful", "aria-label");
    var done = el("span", "vbs-feedback-note");
    ["up", "down"].forEach(function (vote) {
      var button = el("button", "vbs-thumb vbs-thumb--" + vote);
      button.type = "button";
      label(button, vote, "aria-label");
      label(button, vote, "title");
      button.setAttribute("aria-pressed", state.votes[turnId] === vote ? "true" : "false");
      button.appendChild(icon(vote));
      button.addEventListener("click", function () { giveFeedback(turnId, vote, box, done); });
      box.appendChild(button);
    });
    if (state.votes[turnId]) { label(done, "thanks"); }
    box.appendChild(done);
    return box;
  }

  function scrollToEnd() { ui.log.scrollTop = ui.log.scrollHeight; }

  function addEntry(entry) {
    entry.id = state.next++;
    state.entries.push(entry);
    save();
    renderEntry(entry);
    scrollToEnd();
    return entry;
  }

  // ---- incoming messages ----------------------------------------------------------------------
  function normalize(data) {
    if (typeof data === "string") { return { from: "bot", text: data }; }
    if (!data || typeof data !== "object") { return null; }
    var custom = data.custom && typeof data.custom === "object" ? data.custom : data;
    if (custom.type === "staff_message") {
      return { from: "staff", text: String(custom.text || ""), name: String(custom.staff_name || "").slice(0, 80) };
    }
    var text = typeof data.text === "string" ? data.text : "";
    if (!text && data.attachment && data.attachment.payload && typeof data.attachment.payload.src === "string") {
      text = data.attachment.payload.src;
    }
    var buttons = (Array.isArray(data.quick_replies) ? data.quick_replies : Array.isArray(data.buttons) ? data.buttons : [])
      .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
      .slice(0, 12)
      .map(function (b) { return { title: b.title, payload: b.payload }; });
    if (!text && !buttons.length) { return null; }
    return { from: "bot", text: text, buttons: buttons };
  }

  function receive(data) {
    var entry = normalize(data);
    if (!entry) { return null; }
    typingOff();
    if (entry.from === "bot") {
      var previous = state.entries[state.entries.length - 1];
      entry.turn = previous && previous.from === "bot" ? previous.turn : state.next;
    }
    return addEntry(entry);
  }

  // ---- sending, with a queue that survives drops and reloads ------------------------------------
  var socket = null;
  var ready = false;        // connected and the session confirmed
  var inflight = {};        // outbox ids emitted on the current connection, waiting for their ack
  var dropped = false;      // the connection was lost (or never made) and is being retried
  var typingTimer = null;
  var staffEcho = null;     // the plain copy of the staff message just shown, still to come

  function send(message, display) {
    if (typeof message !== "string" || !message) { return; }
    message = message.slice(0, MAX_INPUT);
    var entry = addEntry({ from: "user", text: String(display || message).slice(0, MAX_INPUT), pending: true });
    state.outbox.push({ id: entry.id, message: message });
    save();
    connect();
    flush();
  }

  function markSent(id) {
    state.entries.forEach(function (entry) { if (entry.id === id) { delete entry.pending; } });
    var node = ui.log.querySelector('[data-entry="' + id + '"] .vbs-pending');
    if (node) { node.parentNode.removeChild(node); }
  }

  function markFailed(id) {
    state.entries.forEach(function (entry) { if (entry.id === id) { delete entry.pending; entry.failed = true; } });
    var bubble = ui.log.querySelector('[data-entry="' + id + '"]');
    if (bubble && !bubble.querySelector(".vbs-pending")) { bubble.appendChild(label(el("span", "vbs-pending"), "failed")); }
  }

  function flush() {
    if (!ready || !socket) { return; }
    // A message sent on three connections without an acknowledgement is given up, not resent forever.
    state.outbox = state.outbox.filter(function (item) {
      if ((item.tries || 0) < 3 || inflight[item.id]) { return true; }
      markFailed(item.id);
      return false;
    });
    state.outbox.forEach(function (item) {
      if (inflight[item.id]) { return; }
      inflight[item.id] = true;
      item.tries = (item.tries || 0) + 1;
      markSent(item.id);
      typingOn();
      // Rasa acknowledges after it has handled the message; only then is it off the queue.
      socket.emit("user_uttered", { message: item.message, session_id: state.sessionId }, function () {
        delete inflight[item.id];
        state.outbox = state.outbox.filter(function (other) { return other.id !== item.id; });
        save();
        if (!state.outbox.length) { typingOff(); }
      });
    });
    save();
  }

  function typingOn() {
    ui.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(typingOff, 30000);
  }

  function typingOff() {
    clearTimeout(typingTimer);
    ui.typing.hidden = true;
  }

  function showStatus() {
    var key = "";
    if (!navigator.onLine) { key = "offline"; }
    else if (socket && !ready && (state.outbox.length || dropped)) { key = "reconnecting"; }
    ui.status.textContent = key ? t(key) : "";
    ui.status.hidden = !key;
    ui.root.classList.toggle("vbs-is-offline", !!key);
  }

  function changeLanguage(code) {
    if (LANGUAGES.indexOf(code) < 0) { return; }
    state.language = code;
    save();
    applyLanguage();
    send('/change_language{"language":"' + code + '"}', LANGUAGE_NAMES[code]);
  }

  function giveFeedback(turnId, vote, box, note) {
    var texts = state.entries.filter(function (e) { return e.from === "bot" && e.turn === turnId; })
      .map(function (e) { return e.text; }).join("\n").slice(0, 500);   // the server stores no text
    if (state.votes[turnId]) { return; }   // one vote per answer
    state.votes[turnId] = vote;
    save();
    Array.prototype.forEach.call(box.querySelectorAll(".vbs-thumb"), function (button) {
      button.setAttribute("aria-pressed", button.classList.contains("vbs-thumb--" + vote) ? "true" : "false");
    });
    window.fetch(cfg.feedbackUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ conversation_id: state.sessionId, vote: vote, message_text: texts })
    }).then(function (response) {
      label(note, response.ok ? "thanks" : "feedbackFailed");
    }, function () {
      label(note, "feedbackFailed");
    });
  }

  // ---- the connection -----------------------------------------------------------------------------
  function loadScript(src, done) {
    if (window.io) { done(); return; }
    var tag = document.createElement("script");
    tag.src = src;
    tag.async = true;
    tag.onload = done;
    tag.onerror = function () { showStatus(); };
    document.head.appendChild(tag);
  }

  function connect() {
    if (socket) { return; }
    socket = { pending: true };
    loadScript(new URL("socket.io.min.js", base).href, function () {
      socket = window.io(cfg.socketUrl, {
        path: cfg.socketPath, transports: cfg.transports, upgrade: cfg.transports.length > 1, reconnectionDelayMax: 5000
      });
      socket.on("connect", function () {
        socket.emit("session_request", { session_id: state.sessionId });
      });
      socket.on("session_confirm", function (id) {
        var confirmed = typeof id === "string" ? id : id && id.session_id;
        if (typeof confirmed === "string" && SESSION_ID.test(confirmed) && confirmed !== state.sessionId) {
          state.sessionId = confirmed;
          save();
        }
        ready = true;
        dropped = false;
        showStatus();
        flush();
      });
      // A staff message comes twice (bot.web.channel.SocketIOOutput.send_staff_message): with its
      // sender as staff_uttered, then as plain text for third-party widgets, which is skipped here.
      socket.on("staff_uttered", function (data) {
        if (receive(data) && data && typeof data.plain === "string") { staffEcho = data.plain; }
      });
      socket.on("bot_uttered", function (data) {
        var echo = staffEcho;
        staffEcho = null;
        if (echo !== null && data && data.text === echo && !data.buttons && !data.quick_replies) { return; }
        receive(data);
      });
      socket.on("disconnect", function (reason) {
        ready = false;
        if (reason === "io server disconnect") { socket.connect(); }
        inflight = {};
        dropped = true;
        typingOff();
        showStatus();
      });
      socket.on("connect_error", function () { dropped = true; showStatus(); });
      if (!navigator.onLine) { socket.disconnect(); }
    });
  }

  window.addEventListener("offline", function () {
    // Treat it as a drop now rather than after the ping time-out; messages wait in the queue.
    if (socket && socket.disconnect) { socket.disconnect(); }
    showStatus();
  });
  window.addEventListener("online", function () {
    if (socket && socket.connect && !socket.connected) { socket.connect(); }
    showStatus();
  });

  // ---- opening and closing -----------------------------------------------------------------------
  function open(moveFocus) {
    ui.panel.hidden = false;
    ui.launcher.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    connect();
    scrollToEnd();
    if (moveFocus) { ui.input.focus(); }
  }

  function close(moveFocus) {
    ui.panel.hidden = true;
    ui.launcher.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    if (moveFocus) { ui.launcher.focus(); }
  }

  function start() {
    build();
    if (state.open) { open(false); }
    if (state.entries.length || state.outbox.length) { connect(); }
  }

  window.VoorbeeldstadWidget = {
    open: function () { open(true); },
    close: function () { close(true); },
    send: function (text) { send(String(text), String(text)); },
    /** Shows a bot_uttered payload as if it came from the server (used by tests). */
    renderMessage: function (payload) { return receive(payload); },
    sessionId: function () { return state.sessionId; },
    /** Messages not yet handled by the assistant (queued or waiting for Rasa's acknowledgement). */
    pending: function () { return state.outbox.length; },
    connected: function () { return ready; }
  };

  // The stylesheet first, so the launcher never shows unstyled.
  var stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("widget.css", base).href;
  var started = false;
  function startOnce() { if (!started) { started = true; start(); } }
  stylesheet.onload = startOnce;
  stylesheet.onerror = startOnce;
  function whenReady() {
    document.head.appendChild(stylesheet);
    setTimeout(startOnce, 3000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", whenReady); } else { whenReady(); }
})();
