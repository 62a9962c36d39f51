/*! Family Hubs Front Door web chat widget. No dependencies, no third-party requests.
 * Embed: <script src="https://HOST/widget.js" defer data-language="en"
 *          data-primary-colour="#1d70b8" data-position="right"></script>
 * Optional: data-privacy-url, data-exit-url. Docs: docs/webchat.md.
 * Bot and user text is only ever put into the page as text nodes. */
(() => {
  "use strict";
  if (!window.customElements || customElements.get("fh-chat")) return;

  const script = document.currentScript;
  const conf = (script && script.dataset) || {};
  const base = new URL((script && script.src) || "/widget.js", location.href);
  const API = new URL("/api/chat", base).href;
  const CSS = new URL("widget.css", base).href;
  const PRIVACY = conf.privacyUrl || new URL("/privacy", base).href;
  const EXIT = conf.exitUrl || "https://www.bbc.co.uk/weather";
  const STORE = "fh-chat";
  const MAX_CHARS = 1000;
  const MAX_LOG = 200;
  const LANGS = [
    ["en", "English"], ["pl", "Polski"], ["ro", "Română"], ["pa", "ਪੰਜਾਬੀ"], ["ur", "اردو"],
    ["pt", "Português"], ["es", "Español"], ["ar", "العربية"], ["bn", "বাংলা"], ["uk", "Українська"],
  ];
  const RTL = ["ar", "ur"];
  // Interface text: open, title, close, emergency, leave, restart, privacy, label, send,
  // typing, language, you, slow, net, bad, new tab. (The bot's own text comes from the server.)
  const KEYS = "open title close sos leave restart privacy label send typing lang you slow net bad tab".split(" ");
  const T = {
    en: ["Chat with us", "Family Hubs chat", "Close chat", "Not for emergencies — call 999", "Leave quickly", "Start again", "How we use your messages", "Type your message", "Send", "Typing…", "Language", "You", "You're sending messages quickly. Please wait {s} seconds and try again.", "Sorry, we couldn't connect. Please check your internet and try again.", "Sorry, that message couldn't be sent. Please check it and try again.", "(opens in a new tab)"],
    pl: ["Porozmawiaj z nami", "Czat Family Hubs", "Zamknij czat", "Nie w nagłych wypadkach — dzwoń pod 999", "Szybko wyjdź", "Zacznij od nowa", "Jak wykorzystujemy Twoje wiadomości", "Wpisz wiadomość", "Wyślij", "Pisze…", "Język", "Ty", "Wysyłasz wiadomości zbyt szybko. Poczekaj {s} s i spróbuj ponownie.", "Przepraszamy, nie udało się połączyć. Sprawdź internet i spróbuj ponownie.", "Przepraszamy, nie udało się wysłać tej wiadomości. Sprawdź ją i spróbuj ponownie.", "(otwiera się w nowej karcie)"],
    ro: ["Vorbește cu noi", "Chat Family Hubs", "Închide chatul", "Nu pentru urgențe — sunați la 999", "Ieși rapid", "Începe din nou", "Cum folosim mesajele tale", "Scrie mesajul", "Trimite", "Scrie…", "Limba", "Tu", "Trimiți mesaje prea repede. Te rugăm să aștepți {s} secunde și să încerci din nou.", "Ne pare rău, nu ne-am putut conecta. Verifică internetul și încearcă din nou.", "Ne pare rău, mesajul nu a putut fi trimis. Verifică-l și încearcă din nou.", "(se deschide într-o filă nouă)"],
    pa: ["ਸਾਡੇ ਨਾਲ ਗੱਲ ਕਰੋ", "Family Hubs ਚੈਟ", "ਚੈਟ ਬੰਦ ਕਰੋ", "ਐਮਰਜੈਂਸੀ ਲਈ ਨਹੀਂ — 999 'ਤੇ ਕਾਲ ਕਰੋ", "ਜਲਦੀ ਬਾਹਰ ਨਿਕਲੋ", "ਦੁਬਾਰਾ ਸ਼ੁਰੂ ਕਰੋ", "ਅਸੀਂ ਤੁਹਾਡੇ ਸੁਨੇਹਿਆਂ ਦੀ ਵਰਤੋਂ ਕਿਵੇਂ ਕਰਦੇ ਹਾਂ", "ਆਪਣਾ ਸੁਨੇਹਾ ਲਿਖੋ", "ਭੇਜੋ", "ਲਿਖ ਰਹੇ ਹਨ…", "ਭਾਸ਼ਾ", "ਤੁਸੀਂ", "ਤੁਸੀਂ ਬਹੁਤ ਤੇਜ਼ੀ ਨਾਲ ਸੁਨੇਹੇ ਭੇਜ ਰਹੇ ਹੋ। ਕਿਰਪਾ ਕਰਕੇ {s} ਸਕਿੰਟ ਉਡੀਕ ਕਰੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।", "ਮਾਫ਼ ਕਰਨਾ, ਕਨੈਕਟ ਨਹੀਂ ਹੋ ਸਕਿਆ। ਕਿਰਪਾ ਕਰਕੇ ਇੰਟਰਨੈੱਟ ਦੀ ਜਾਂਚ ਕਰੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।", "ਮਾਫ਼ ਕਰਨਾ, ਇਹ ਸੁਨੇਹਾ ਭੇਜਿਆ ਨਹੀਂ ਜਾ ਸਕਿਆ। ਕਿਰਪਾ ਕਰਕੇ ਜਾਂਚ ਕਰੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।", "(ਨਵੀਂ ਟੈਬ ਵਿੱਚ ਖੁੱਲ੍ਹਦਾ ਹੈ)"],
    ur: ["ہم سے بات کریں", "Family Hubs چیٹ", "چیٹ بند کریں", "ہنگامی صورتحال کے لیے نہیں — 999 پر کال کریں", "فوراً باہر نکلیں", "دوبارہ شروع کریں", "ہم آپ کے پیغامات کیسے استعمال کرتے ہیں", "اپنا پیغام لکھیں", "بھیجیں", "لکھ رہا ہے…", "زبان", "آپ", "آپ بہت تیزی سے پیغامات بھیج رہے ہیں۔ براہ کرم {s} سیکنڈ انتظار کریں اور دوبارہ کوشش کریں۔", "معذرت، رابطہ نہیں ہو سکا۔ براہ کرم انٹرنیٹ چیک کریں اور دوبارہ کوشش کریں۔", "معذرت، یہ پیغام نہیں بھیجا جا سکا۔ براہ کرم اسے چیک کریں اور دوبارہ کوشش کریں۔", "(نئے ٹیب میں کھلتا ہے)"],
    pt: ["Fale connosco", "Chat Family Hubs", "Fechar o chat", "Não é para emergências — ligue 999", "Sair rapidamente", "Recomeçar", "Como usamos as suas mensagens", "Escreva a sua mensagem", "Enviar", "A escrever…", "Idioma", "Você", "Está a enviar mensagens muito depressa. Aguarde {s} segundos e tente novamente.", "Desculpe, não foi possível ligar. Verifique a internet e tente novamente.", "Desculpe, não foi possível enviar a mensagem. Verifique-a e tente novamente.", "(abre num novo separador)"],
    es: ["Habla con nosotros", "Chat de Family Hubs", "Cerrar el chat", "No es para emergencias: llame al 999", "Salir rápidamente", "Empezar de nuevo", "Cómo usamos sus mensajes", "Escriba su mensaje", "Enviar", "Escribiendo…", "Idioma", "Usted", "Está enviando mensajes muy rápido. Espere {s} segundos e inténtelo de nuevo.", "Lo sentimos, no hemos podido conectar. Compruebe su conexión e inténtelo de nuevo.", "Lo sentimos, no se ha podido enviar el mensaje. Revíselo e inténtelo de nuevo.", "(se abre en una pestaña nueva)"],
    ar: ["تحدث معنا", "دردشة Family Hubs", "إغلاق الدردشة", "ليست لحالات الطوارئ — اتصل بالرقم 999", "المغادرة بسرعة", "البدء من جديد", "كيف نستخدم رسائلك", "اكتب رسالتك", "إرسال", "يكتب…", "اللغة", "أنت", "أنت ترسل الرسائل بسرعة كبيرة. يرجى الانتظار {s} ثانية ثم المحاولة مرة أخرى.", "عذرًا، تعذّر الاتصال. يرجى التحقق من الإنترنت والمحاولة مرة أخرى.", "عذرًا، تعذّر إرسال هذه الرسالة. يرجى التحقق منها والمحاولة مرة أخرى.", "(يفتح في علامة تبويب جديدة)"],
    bn: ["আমাদের সাথে কথা বলুন", "Family Hubs চ্যাট", "চ্যাট বন্ধ করুন", "জরুরি অবস্থার জন্য নয় — 999-এ কল করুন", "দ্রুত বেরিয়ে যান", "আবার শুরু করুন", "আমরা আপনার বার্তা কীভাবে ব্যবহার করি", "আপনার বার্তা লিখুন", "পাঠান", "লিখছে…", "ভাষা", "আপনি", "আপনি খুব দ্রুত বার্তা পাঠাচ্ছেন। অনুগ্রহ করে {s} সেকেন্ড অপেক্ষা করে আবার চেষ্টা করুন।", "দুঃখিত, সংযোগ করা যায়নি। অনুগ্রহ করে ইন্টারনেট পরীক্ষা করে আবার চেষ্টা করুন।", "দুঃখিত, বার্তাটি পাঠানো যায়নি। অনুগ্রহ করে দেখে আবার চেষ্টা করুন।", "(নতুন ট্যাবে খোলে)"],
    uk: ["Напишіть нам", "Чат Family Hubs", "Закрити чат", "Не для екстрених випадків — телефонуйте 999", "Швидко вийти", "Почати знову", "Як ми використовуємо ваші повідомлення", "Введіть повідомлення", "Надіслати", "Друкує…", "Мова", "Ви", "Ви надсилаєте повідомлення надто швидко. Зачекайте {s} с і спробуйте знову.", "Вибачте, не вдалося з'єднатися. Перевірте інтернет і спробуйте знову.", "Вибачте, не вдалося надіслати повідомлення. Перевірте його і спробуйте знову.", "(відкривається в новій вкладці)"],
  };
  const supported = (tag) => {
    const primary = String(tag || "").toLowerCase().split(/[-_]/)[0];
    return T[primary] ? primary : "";
  };
  const t = (lang, key, s) => (T[lang] || T.en)[KEYS.indexOf(key)].replace("{s}", s);

  // ---- clickable text: links, UK phone numbers, postcodes and addresses (text nodes only)
  const SAFE = /^(https?:|tel:|mailto:)/i;
  const TOKEN = new RegExp(
    [
      /\[([^\]\n]{1,200})\]\(((?:https?:\/\/|tel:|mailto:)[^\s)]{1,800})\)/.source, // 1,2 [a](b)
      /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])/.source, // 3 web address
      /([\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+)/.source, // 4 email
      /(?<![\d+])((?:\+44 ?(?:\(0\) ?)?|\(?0)\d{2,4}\)?[ -]?\d{3,4}(?:[ -]?\d{3,4})?)(?!\d)/.source, // 5 UK phone
      /(?:^|\b)(999|111|116 ?123|116 ?111)\b/.source, // 6 short numbers
      /\*\*([^*\n]{1,200})\*\*/.source, // 7 **bold**
    ].join("|"),
    "gi",
  );
  const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b/g;
  const phoneHref = (raw) => {
    const digits = raw.replace(/\D/g, "");
    if (raw.trim().startsWith("+")) return digits.length >= 11 && digits.length <= 13 ? "tel:+" + digits : "";
    return digits.length >= 8 && digits.length <= 11 ? "tel:" + digits : "";
  };

  function link(doc, href, text, lang) {
    const a = doc.createElement("a");
    a.href = href;
    a.textContent = text;
    if (/^https?:/i.test(href)) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      const note = doc.createElement("span");
      note.className = "fh-sr";
      note.textContent = " " + t(lang, "tab");
      a.append(note);
    }
    return a;
  }

  function inline(doc, out, text, lang) {
    let at = 0;
    for (const m of text.matchAll(TOKEN)) {
      let node = null;
      if (m[1] && SAFE.test(m[2])) node = link(doc, m[2], m[1], lang);
      else if (m[3]) node = link(doc, m[3], m[3], lang);
      else if (m[4]) node = link(doc, "mailto:" + m[4], m[4], lang);
      else if (m[5] && phoneHref(m[5])) node = link(doc, phoneHref(m[5]), m[5], lang);
      else if (m[6]) node = link(doc, "tel:" + m[6].replace(/\D/g, ""), m[6], lang);
      else if (m[7]) (node = doc.createElement("strong")).textContent = m[7];
      if (!node) continue;
      out.append(text.slice(at, m.index), node);
      at = m.index + m[0].length;
    }
    out.append(text.slice(at));
  }

  // A postcode becomes a map link; with the address before it on the same line when there is one.
  function richLine(doc, out, line, lang) {
    let at = 0;
    for (const m of line.matchAll(POSTCODE)) {
      const end = m.index + m[0].length;
      const before = line.slice(at, m.index);
      let cut = 0;
      for (const d of [": ", "📍", "|", "•", " - ", " – ", " — ", ". "]) {
        const i = before.lastIndexOf(d);
        if (i >= 0) cut = Math.max(cut, i + d.length);
      }
      const startInBefore = before.length - before.slice(cut).trimStart().length;
      const address = before.slice(startInBefore) + m[0];
      const useAddress = address.length <= 160 && /,/.test(address) && !/https?:|@|\d{5}/.test(address);
      const from = useAddress ? at + startInBefore : m.index;
      inline(doc, out, line.slice(at, from), lang);
      const query = line.slice(from, end);
      out.append(link(doc, "https://www.openstreetmap.org/search?query=" + encodeURIComponent(query), query, lang));
      at = end;
    }
    inline(doc, out, line.slice(at), lang);
  }

  // A service card is several "Label: value" lines under a name: the name and labels in bold.
  const LABEL = /^([^:\n]{1,24}):\s/;
  const isCard = (lines) => lines.length >= 3 && lines.filter((l) => LABEL.test(l)).length >= 2;
  function richText(doc, el, text, lang) {
    const lines = String(text).split("\n");
    const card = isCard(lines);
    if (card) el.classList.add("fh-card");
    lines.forEach((line, i) => {
      if (i) el.append(doc.createElement("br"));
      const label = card && line.match(LABEL);
      if (card && i === 0 && !label) {
        const name = doc.createElement("strong");
        richLine(doc, name, line, lang);
        return el.append(name);
      }
      if (label) {
        const b = doc.createElement("b");
        b.textContent = label[0];
        el.append(b);
        line = line.slice(label[0].length);
      }
      richLine(doc, el, line, lang);
    });
  }

  // ---- colours: text on the council's colour keeps a 4.5:1 contrast
  const lum = (hex) => {
    const c = hex.match(/^#?([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i);
    if (!c) return null;
    const [r, g, b] = c.slice(1).map((h) => {
      const v = parseInt(h, 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };

  const icon = (doc, paths) => {
    const NS = "http://www.w3.org/2000/svg";
    const svg = doc.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const p = doc.createElementNS(NS, "path");
    p.setAttribute("d", paths);
    svg.append(p);
    return svg;
  };
  const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const CLOSE_ICON = "M6 6l12 12M18 6L6 18";

  const newSender = () => {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  class FhChat extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      const doc = document;
      const el = (tag, props, ...kids) => {
        const node = doc.createElement(tag);
        for (const [k, v] of Object.entries(props || {})) {
          if (k === "class") node.className = v;
          else if (k in node && !k.startsWith("aria") && k !== "role") node[k] = v;
          else node.setAttribute(k, v);
        }
        node.append(...kids);
        return node;
      };
      this.el = el;

      const colour = /^#[\da-f]{6}$/i.test(conf.primaryColour || "") ? conf.primaryColour : "#1d70b8";
      const L = lum(colour);
      const onWhite = (1.05 / (L + 0.05)) >= 4.5;
      this.style.setProperty("--fh-primary", colour);
      this.style.setProperty("--fh-on-primary", onWhite ? "#ffffff" : "#0b0c0c");
      this.style.setProperty("--fh-ink", onWhite ? colour : "#0b0c0c");

      this.state = this.load();
      const s = this.state;
      s.sender = s.sender || newSender();
      s.lang = s.lang || supported(navigator.language) || supported(conf.language) || "en";
      s.log = Array.isArray(s.log) ? s.log : [];

      const sheet = el("link", { rel: "stylesheet", href: CSS });
      const wrap = el("div", { class: "fh", hidden: true });
      wrap.dataset.position = conf.position === "left" ? "left" : "right";
      const show = () => (wrap.hidden = false);
      sheet.addEventListener("load", show);
      sheet.addEventListener("error", show);

      this.launcher = el("button", { type: "button", class: "fh-launcher", "aria-expanded": "false", "aria-controls": "fh-panel" });
      this.launcherText = el("span");
      this.launcher.append(icon(doc, CHAT_ICON), this.launcherText);

      this.titleEl = el("h2", { id: "fh-title", class: "fh-title" });
      this.closeBtn = el("button", { type: "button", class: "fh-icon-btn fh-close" }, icon(doc, CLOSE_ICON));
      this.leaveBtn = el("button", { type: "button", class: "fh-leave" });
      this.langLabel = el("label", { htmlFor: "fh-lang" });
      this.select = el("select", { id: "fh-lang", class: "fh-select" });
      for (const [code, name] of LANGS) this.select.append(el("option", { value: code, lang: code, dir: RTL.includes(code) ? "rtl" : "ltr" }, name));
      this.restartBtn = el("button", { type: "button", class: "fh-restart" });
      this.sos = el("p", { class: "fh-sos" });
      this.log = el("div", { class: "fh-log", role: "region", tabIndex: 0, "aria-labelledby": "fh-title" });
      this.typing = el("div", { class: "fh-typing", hidden: true }, el("span", { class: "fh-dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")), el("span"));
      this.live = el("div", { class: "fh-sr", "aria-live": "polite" });
      this.alert = el("p", { class: "fh-alert", role: "alert" });
      this.input = el("textarea", { id: "fh-input", class: "fh-input", rows: 1, maxLength: MAX_CHARS, autocomplete: "off" });
      this.inputLabel = el("label", { htmlFor: "fh-input", class: "fh-sr" });
      this.sendBtn = el("button", { type: "submit", class: "fh-send" });
      this.form = el("form", { class: "fh-form" }, this.inputLabel, this.input, this.sendBtn);
      this.privacy = el("a", { href: PRIVACY, class: "fh-privacy" });
      this.panel = el(
        "div",
        { id: "fh-panel", class: "fh-panel", role: "dialog", "aria-labelledby": "fh-title", hidden: true },
        el("div", { class: "fh-head" }, this.titleEl, this.leaveBtn, this.closeBtn),
        el("div", { class: "fh-bar" }, this.langLabel, this.select, this.restartBtn),
        this.sos,
        this.log,
        this.typing,
        this.alert,
        this.form,
        el("p", { class: "fh-foot" }, this.privacy),
        this.live,
      );
      wrap.append(this.launcher, this.panel);
      root.append(sheet, wrap);

      this.launcher.addEventListener("click", () => this.open());
      this.closeBtn.addEventListener("click", () => this.close());
      this.leaveBtn.addEventListener("click", () => this.leave());
      this.restartBtn.addEventListener("click", () => this.restart());
      this.select.addEventListener("change", () => this.chooseLanguage(this.select.value));
      this.form.addEventListener("submit", (e) => {
        e.preventDefault();
        this.sendTyped();
      });
      this.input.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          this.sendTyped();
        }
      });
      this.panel.addEventListener("keydown", (e) => this.onPanelKey(e));
      this.lastEsc = 0;
      // Escape twice within a second leaves quickly, when the first one was pressed in the chat
      // (it closes the panel) so that the page's own uses of Escape are left alone.
      doc.addEventListener("keydown", (e) => {
        if (e.key !== "Escape") return;
        const now = Date.now();
        if (now - this.lastEsc < 1000) this.leave();
        else if (!this.panel.hidden || doc.activeElement === this) this.lastEsc = now;
      });
      this.mobile = window.matchMedia("(max-width: 640px), (max-height: 480px)");
      const modal = () => (this.mobile.matches ? this.panel.setAttribute("aria-modal", "true") : this.panel.removeAttribute("aria-modal"));
      this.mobile.addEventListener("change", modal);
      modal();

      this.queue = Promise.resolve();
      this.applyLanguage();
      for (const entry of s.log) this.render(entry);
      this.save();
    }

    // ---- storage (sessionStorage: gone when the tab closes)
    load() {
      try {
        return JSON.parse(sessionStorage.getItem(STORE) || "{}") || {};
      } catch (_) {
        return {};
      }
    }
    save() {
      try {
        this.state.log = this.state.log.slice(-MAX_LOG);
        sessionStorage.setItem(STORE, JSON.stringify(this.state));
      } catch (_) {
        /* storage full or blocked: the chat still works for this page */
      }
    }

    // ---- open, close, leave, start again
    open() {
      this.panel.hidden = false;
      this.launcher.hidden = true;
      this.launcher.setAttribute("aria-expanded", "true");
      this.input.focus();
      this.scrollToEnd();
      if (!this.state.log.length && !this.state.greeted) {
        this.state.greeted = true;
        this.save();
        this.send("/greet", null);
      }
    }
    close() {
      this.panel.hidden = true;
      this.launcher.hidden = false;
      this.launcher.setAttribute("aria-expanded", "false");
      this.launcher.focus();
    }
    leave() {
      this.state = { log: [] };
      try {
        sessionStorage.removeItem(STORE);
      } catch (_) {
        /* nothing stored */
      }
      this.log.replaceChildren();
      this.live.textContent = "";
      this.panel.hidden = true;
      location.replace(EXIT);
    }
    restart() {
      this.state = { sender: newSender(), lang: this.state.lang, chosen: this.state.chosen, log: [], greeted: true };
      this.save();
      this.log.replaceChildren();
      this.alert.textContent = "";
      this.live.textContent = "";
      this.send("/greet", null);
    }
    onPanelKey(e) {
      if (e.key === "Escape") {
        e.preventDefault();
        this.close();
      } else if (e.key === "Tab") {
        const items = [...this.panel.querySelectorAll("a[href],button:not([disabled]),textarea,select,[tabindex='0']")].filter((n) => n.getClientRects().length);
        const first = items[0];
        const last = items[items.length - 1];
        const active = this.shadowRoot.activeElement;
        if (e.shiftKey && active === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && active === last) {
          e.preventDefault();
          first.focus();
        }
      }
    }

    // ---- language
    applyLanguage() {
      const lang = this.state.lang;
      const dir = RTL.includes(lang) ? "rtl" : "ltr";
      this.panel.lang = lang;
      this.panel.dir = dir;
      this.launcher.lang = lang;
      this.launcher.dir = dir;
      this.select.value = lang;
      this.launcherText.textContent = t(lang, "open");
      this.titleEl.textContent = t(lang, "title");
      this.closeBtn.setAttribute("aria-label", t(lang, "close"));
      this.leaveBtn.textContent = t(lang, "leave");
      this.restartBtn.textContent = t(lang, "restart");
      this.langLabel.textContent = t(lang, "lang");
      this.sos.textContent = "";
      richText(document, this.sos, t(lang, "sos"), lang);
      this.inputLabel.textContent = t(lang, "label");
      this.input.placeholder = t(lang, "label");
      this.sendBtn.textContent = t(lang, "send");
      this.typing.lastChild.textContent = t(lang, "typing");
      this.privacy.textContent = t(lang, "privacy");
    }
    chooseLanguage(lang) {
      if (!T[lang] || lang === this.state.lang) return;
      this.state.lang = lang;
      this.state.chosen = lang;
      this.save();
      this.applyLanguage();
      // Arrow keys on a closed <select> fire `change` on some systems: send the last choice only.
      clearTimeout(this.langTimer);
      this.langTimer = setTimeout(() => this.send('/change_language{"language":"' + lang + '"}', null), 600);
    }

    // ---- conversation
    sendTyped() {
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.send(text, text, "typed");
    }
    // source: "typed" (the message box), "button" (a quick reply) or "system" (greeting, language)
    send(message, shown, source = "system") {
      this.queue = this.queue.then(() => this.turn(message, shown, source));
      return this.queue;
    }
    async turn(message, shown, source) {
      this.alert.textContent = "";
      let mine = null;
      if (shown) {
        mine = { who: "user", text: shown };
        this.state.log.push(mine);
        this.save();
        this.render(mine);
        this.scrollToEnd();
      }
      this.typing.hidden = false;
      const s = this.state;
      const body = { sender: s.sender, message, metadata: { language: s.chosen || navigator.language || s.lang } };
      let replies = null;
      let problem = "";
      try {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 15000);
        const res = await fetch(API, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal: controller.signal,
          credentials: "omit",
        });
        clearTimeout(timer);
        if (res.ok) replies = await res.json();
        else if (res.status === 429) problem = t(s.lang, "slow", res.headers.get("Retry-After") || "30");
        else if (res.status === 422 || res.status === 413) {
          const detail = await res.json().catch(() => null);
          const msg = detail && detail.detail && detail.detail[0] && detail.detail[0].msg;
          problem = s.lang === "en" && typeof msg === "string" ? msg : t(s.lang, "bad");
        } else problem = t(s.lang, "net");
      } catch (_) {
        problem = t(s.lang, "net");
      }
      this.typing.hidden = true;
      if (this.state !== s) return; // left or started again meanwhile
      if (!Array.isArray(replies)) {
        if (mine) {
          s.log.splice(s.log.indexOf(mine), 1);
          this.save();
          this.log.lastChild && this.log.lastChild.remove();
          if (source === "typed" && !this.input.value) this.input.value = shown;
        }
        this.alert.textContent = problem || t(s.lang, "net");
        return;
      }
      if (replies.some((r) => r && r.custom && r.custom.forget_me)) {
        s.sender = newSender();
        s.log = [];
        this.log.replaceChildren();
      }
      const added = [];
      for (const r of replies) {
        if (!r || typeof r !== "object") continue;
        const custom = r.custom && typeof r.custom === "object" ? r.custom : {};
        if (supported(custom.language) && custom.language !== s.lang) {
          s.lang = supported(custom.language);
          this.applyLanguage();
        }
        const entry = {
          who: "bot",
          text: typeof r.text === "string" ? r.text : "",
          buttons: Array.isArray(r.buttons) ? r.buttons.filter((b) => b && typeof b.title === "string" && typeof b.payload === "string").map((b) => ({ title: b.title, payload: b.payload })) : [],
        };
        if (!entry.text && !entry.buttons.length) continue;
        s.log.push(entry);
        added.push(this.render(entry));
      }
      this.save();
      if (!added.length) return;
      this.announce(added.map((n) => n.dataset.say).join(" "));
      this.log.scrollTop = added[0].offsetTop - 8;
      // After a quick reply, focus goes to the next question's first answer, or to the start
      // of a longer reply (such as service cards) so it is read from the top; typing stays put.
      if (this.panel.hidden) return;
      if (source === "button") {
        const next = added[0].querySelector(".fh-choice");
        if (next) next.focus();
        else {
          added[0].tabIndex = -1;
          added[0].focus();
        }
      } else if (source === "typed") this.input.focus();
    }
    render(entry) {
      const el = this.el;
      const lang = this.state.lang;
      const who = el("span", { class: "fh-sr" }, (entry.who === "user" ? t(lang, "you") : "Family Hubs") + ": ");
      const first = String(entry.text).match(/\p{L}/u);
      const dir = first && /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/.test(first[0]) ? "rtl" : "ltr";
      const bubble = el("div", { class: "fh-bubble", dir }, who);
      if (entry.who === "user") bubble.append(entry.text);
      else richText(document, bubble, entry.text, lang);
      const row = el("div", { class: "fh-msg fh-" + entry.who }, bubble);
      row.dataset.say = entry.text;
      if (entry.buttons && entry.buttons.length) {
        const group = el("div", { class: "fh-choices", role: "group", "aria-label": entry.text.slice(0, 80) || "Choices" });
        for (const b of entry.buttons) {
          const button = el("button", { type: "button", class: "fh-choice" }, b.title);
          button.addEventListener("click", () => this.send(b.payload, b.title, "button"));
          group.append(button);
        }
        row.append(group);
      }
      this.log.append(row);
      return row;
    }
    announce(text) {
      this.live.textContent = "";
      setTimeout(() => (this.live.textContent = text), 100);
    }
    scrollToEnd() {
      this.log.scrollTop = this.log.scrollHeight;
    }
  }

  customElements.define("fh-chat", FhChat);
  const mount = () => document.querySelector("fh-chat") || document.body.append(document.createElement("fh-chat"));
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
