// levier's chat widget, embedded by a company's website:
//
//   <script src="https://levier.example/widget.js" data-site-key="KEY" defer></script>
//
// It adds a launcher button and a chat panel, in French or English after the page's <html lang>.
// It runs on the customer's site, another origin than levier's: it talks to the origin it was
// loaded from (its own src), through the public widget API (/api/v1/widget/KEY/…), which admits
// it by site key and the page's Origin. No dependency and no request to anyone but levier.
//
// Everything is drawn inside a shadow root with a constructed stylesheet, so the host page's CSS
// cannot break the widget nor the widget's the page, and a strict CSP on the page (no inline
// style, no inline script) does not block it. Every text from the server or the customer is
// inserted as text (textContent), never as HTML.
(() => {
  'use strict';

  // currentScript is null only in odd embeddings (e.g. a wrapper evaluating the source).
  const script = document.currentScript ?? document.querySelector('script[src$="/widget.js"][data-site-key]');
  const siteKey = script?.dataset.siteKey;
  if (!script || !siteKey || document.querySelector('[data-levier-widget]')) return;

  const levier = new URL(script.src).origin;
  const api = `${levier}/api/v1/widget/${encodeURIComponent(siteKey)}`;
  const pageLang = (document.documentElement.lang || 'fr').toLowerCase();
  // French first: a page without a language, or in French, gets French; any other, English.
  const lang = pageLang.startsWith('fr') ? 'fr' : 'en';

  const TEXTS = {
    fr: {
      launcher: 'Une question ?',
      title: 'Service client',
      close: 'Fermer la discussion',
      intro:
        'Bonjour ! Posez votre question : notre assistant répond à partir de notre FAQ, et une personne prend le relais quand vous le souhaitez.',
      messages: 'Messages de la discussion',
      label: 'Votre message',
      send: 'Envoyer',
      person: 'Parler à une personne',
      source: 'Source :',
      options: 'Questions proches',
      authors: { customer: 'Vous', bot: 'Assistant', agent: 'Conseiller', system: 'Information' },
      status: {
        waiting: 'Votre demande est transmise à un conseiller, qui vous répondra ici.',
        open: 'Un conseiller suit votre demande et vous répond ici.',
        resolved: 'Votre demande est résolue.',
      },
      rate: 'Êtes-vous satisfait de notre aide ? (1 : pas du tout, 5 : tout à fait)',
      rateOne: (n) => `${n} sur 5`,
      thanks: 'Merci pour votre avis !',
      helped: 'Cette réponse vous a-t-elle aidé ?',
      yes: 'Oui',
      no: 'Non',
      noted: 'Merci, c’est noté.',
      failed: 'Le message n’a pas pu être envoyé. Vérifiez votre connexion et réessayez.',
      busy: 'Trop de messages d’affilée : patientez un instant avant de réessayer.',
      refused: 'La discussion n’est pas disponible sur ce site pour le moment.',
      writing: 'L’assistant rédige sa réponse…',
      stop: 'Arrêter',
      generated: (model) => `Réponse rédigée par une IA (${model}) à partir de la source citée.`,
    },
    en: {
      launcher: 'Questions?',
      title: 'Customer service',
      close: 'Close the chat',
      intro:
        'Hello! Ask your question: our assistant answers from our FAQ, and a person takes over whenever you wish.',
      messages: 'Chat messages',
      label: 'Your message',
      send: 'Send',
      person: 'Talk to a person',
      source: 'Source:',
      options: 'Related questions',
      authors: { customer: 'You', bot: 'Assistant', agent: 'Agent', system: 'Information' },
      status: {
        waiting: 'Your request has been passed on to an agent, who will answer you here.',
        open: 'An agent is following your request and answers you here.',
        resolved: 'Your request is resolved.',
      },
      rate: 'Are you happy with our help? (1: not at all, 5: very)',
      rateOne: (n) => `${n} out of 5`,
      thanks: 'Thank you for your feedback!',
      helped: 'Did this answer help you?',
      yes: 'Yes',
      no: 'No',
      noted: 'Thank you, noted.',
      failed: 'The message could not be sent. Check your connection and try again.',
      busy: 'Too many messages in a row: wait a moment before trying again.',
      refused: 'The chat is not available on this site right now.',
      writing: 'The assistant is writing its answer…',
      stop: 'Stop',
      generated: (model) => `Answer written by an AI (${model}) from the source cited.`,
    },
  };
  const t = TEXTS[lang];

  // Colours meet WCAG AA contrast; sizes in rem follow the visitor's font size.
  const CSS = `
:host { all: initial; }
.root { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1f24; }
[hidden] { display: none !important; }
button { font: inherit; cursor: pointer; border-radius: 6px; }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden;
           clip-path: inset(50%); white-space: nowrap; }
.launcher { position: fixed; right: 1rem; bottom: 1rem; z-index: 2147483646; border: 0; border-radius: 999px;
            padding: .75rem 1.2rem; background: #0b5cad; color: #fff; font-weight: 600;
            box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.panel { position: fixed; right: 1rem; bottom: 4.75rem; z-index: 2147483647; display: flex; flex-direction: column;
         width: min(24rem, calc(100vw - 1rem)); height: min(36rem, calc(100vh - 6rem));
         background: #fff; border: 1px solid #c3cad4; border-radius: 10px; box-shadow: 0 8px 30px rgba(0,0,0,.25);
         overflow: hidden; }
.head { display: flex; align-items: center; justify-content: space-between; gap: .5rem; padding: .6rem .8rem;
        background: #0b5cad; color: #fff; }
.head h2 { font-size: 1.05rem; margin: 0; }
.close { border: 0; background: transparent; color: #fff; font-size: 1.4rem; line-height: 1; padding: .2rem .5rem; }
.log { flex: 1; overflow-y: auto; padding: .75rem; background: #f6f7f9; }
.log ol { list-style: none; margin: 0; padding: 0; }
.log li { margin: 0 0 .6rem; max-width: 88%; }
.msg { padding: .5rem .7rem; border-radius: 10px; background: #fff; border: 1px solid #d5dae1; }
.msg p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.customer { margin-left: auto !important; }
.customer .msg { background: #0b5cad; border-color: #0b5cad; color: #fff; }
.agent .msg { border-color: #1e6b34; }
.system .msg, .intro .msg { background: #eef1f5; }
.who { display: block; font-size: .8rem; color: #4a5360; margin-bottom: .15rem; }
.customer .who { text-align: right; color: #fff; }
.source { font-size: .85rem; margin-top: .35rem !important; }
.source a { color: #0b5cad; }
.generated { font-size: .8rem; color: #4a5360; margin-top: .3rem !important; }
.draft .msg { border-style: dashed; }
.draft .stop { border: 1px solid #a4161a; background: #fff; color: #a4161a; padding: .2rem .6rem; margin-top: .4rem; }
.options { display: flex; flex-direction: column; align-items: flex-start; gap: .3rem; margin-top: .45rem; }
.options button, .secondary { border: 1px solid #0b5cad; background: #fff; color: #0b5cad; padding: .35rem .6rem; text-align: left; }
.state { margin: 0; padding: .5rem .8rem; background: #e6f4ea; color: #1e6b34; font-size: .9rem; }
.error { margin: 0; padding: .5rem .8rem; background: #fdecea; color: #a4161a; font-size: .9rem; }
.helped { display: flex; flex-wrap: wrap; align-items: center; gap: .35rem; font-size: .85rem; margin-top: .45rem; }
.helped button { border: 1px solid #0b5cad; background: #fff; color: #0b5cad; padding: .2rem .6rem; }
.rating { margin: 0; padding: .5rem .8rem; border: 0; border-top: 1px solid #d5dae1; }
.rating legend { font-size: .9rem; padding: 0; margin-bottom: .35rem; }
.rating .stars { display: flex; gap: .35rem; }
.rating button { min-width: 2.5rem; min-height: 2.5rem; border: 1px solid #0b5cad; background: #fff; color: #0b5cad; }
.foot { padding: .5rem .8rem .7rem; border-top: 1px solid #d5dae1; }
.person { width: 100%; margin-bottom: .5rem; }
form { display: flex; gap: .4rem; align-items: flex-end; margin: 0; }
textarea { flex: 1; font: inherit; min-height: 2.6rem; max-height: 8rem; resize: vertical; padding: .45rem .55rem;
           border: 1px solid #6b7583; border-radius: 6px; }
.send { border: 0; background: #0b5cad; color: #fff; padding: .55rem .9rem; }
@media (max-width: 30rem) {
  .panel { right: .5rem; left: .5rem; bottom: 4.25rem; width: auto; height: calc(100vh - 5rem); }
  .launcher { right: .5rem; bottom: .5rem; }
}`;

  // ------------------------------------------------------------------------------------------
  // The elements.

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') e.textContent = v;
      else if (k === 'on') for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
      else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...children);
    return e;
  }

  const host = el('div', { 'data-levier-widget': '' });
  const shadow = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  shadow.adoptedStyleSheets = [sheet];

  const launcher = el('button', {
    type: 'button',
    class: 'launcher',
    'aria-expanded': 'false',
    'aria-controls': 'levier-panel',
    text: t.launcher,
  });
  const closeButton = el('button', { type: 'button', class: 'close', 'aria-label': t.close, text: '×' });
  // The messages are a list inside the live region (a list given role="log" would stop being a
  // list); the region is focusable, so keyboard users can scroll back through it.
  const list = el('ol', {}, el('li', { class: 'intro' }, el('div', { class: 'msg' }, el('p', { text: t.intro }))));
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages, tabindex: '0' }, list);
  const state = el('p', { class: 'state', role: 'status', hidden: true });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const stars = el('div', { class: 'stars' });
  const rating = el('fieldset', { class: 'rating', hidden: true }, el('legend', { text: t.rate }), stars);
  const personButton = el('button', { type: 'button', class: 'secondary person', text: t.person });
  const input = el('textarea', { id: 'levier-text', name: 'text', rows: '1', maxlength: '4000', required: true });
  const sendButton = el('button', { type: 'submit', class: 'send', text: t.send });
  const form = el(
    'form',
    {},
    el('label', { for: 'levier-text', class: 'sr-only', text: t.label }),
    input,
    sendButton,
  );
  const panel = el(
    'section',
    { id: 'levier-panel', class: 'panel', 'aria-labelledby': 'levier-title', hidden: true },
    el('div', { class: 'head' }, el('h2', { id: 'levier-title', text: t.title }), closeButton),
    log,
    state,
    rating,
    error,
    el('div', { class: 'foot' }, personButton, form),
  );
  const root = el('div', { class: 'root', lang }, launcher, panel);
  shadow.append(root);

  // ------------------------------------------------------------------------------------------
  // The conversation: its token is kept for the browser tab (sessionStorage), so a reload or
  // another page of the site continues it, and a new tab starts afresh.

  const storageKey = `levier-widget:${siteKey}`;
  let token = null;
  try {
    token = sessionStorage.getItem(storageKey);
  } catch {
    // storage blocked (privacy settings): the conversation lasts as long as the page
  }
  const shown = new Map(); // message id -> its <li>, so a message is shown once, in id order
  let status = 'bot';
  let stream = null;
  let rated = false;

  function remember(value) {
    token = value;
    if (!value && stream) {
      stream.close(); // the forgotten conversation's
      stream = null;
    }
    try {
      if (value) sessionStorage.setItem(storageKey, value);
      else sessionStorage.removeItem(storageKey);
    } catch {
      // see above
    }
  }

  class WidgetError extends Error {
    constructor(status) {
      super(`levier widget: HTTP ${status}`);
      this.status = status;
    }
  }

  async function call(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers['x-conversation-token'] = token;
    const res = await fetch(`${api}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
    if (!res.ok) throw new WidgetError(res.status);
    return res.status === 204 ? null : res.json();
  }

  /** Starts a conversation the first time the customer writes or asks for a person. */
  async function ensureConversation() {
    if (token) return;
    const started = await call('POST', '/conversations', { language: lang });
    remember(started.token);
    setStatus(started.status);
    follow();
  }

  function showError(e) {
    error.textContent = e?.status === 429 ? t.busy : e?.status === 403 ? t.refused : t.failed;
    error.hidden = false;
  }

  function clearError() {
    error.hidden = true;
    error.textContent = '';
  }

  // ------------------------------------------------------------------------------------------
  // Messages.

  /** A link only to a web page: a source's link from the server is never a javascript: URL. */
  function safeLink(link) {
    try {
      const url = new URL(link, levier);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch {
      return null;
    }
  }

  function render(m) {
    if (shown.has(m.id)) return;
    const author = t.authors[m.author] ? m.author : 'system';
    const bubble = el(
      'div',
      { class: 'msg' },
      el('span', { class: 'who', text: t.authors[author] }),
      el('p', { text: m.text }),
    );
    const source = m.source;
    if (source && (source.title || source.link)) {
      const href = source.link && safeLink(source.link);
      const title = source.title || source.link;
      const line = el('p', { class: 'source' }, `${t.source} `);
      line.append(href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', text: title }) : title);
      bubble.append(line);
    }
    if (Array.isArray(m.options) && m.options.length) {
      const options = el('div', { class: 'options', role: 'group', 'aria-label': t.options });
      for (const option of m.options) {
        if (typeof option?.question !== 'string') continue;
        options.append(
          el('button', { type: 'button', text: option.question, on: { click: () => send(option.question) } }),
        );
      }
      bubble.append(options);
    }
    // An answer from the knowledge (it has a source) asks whether it helped: the confirmed
    // self-service figure counts the yeses.
    if (author === 'bot' && typeof m.generated === 'string') {
      bubble.append(el('p', { class: 'generated', text: t.generated(m.generated) }));
    }
    if (author === 'bot' && source) bubble.append(helpedQuestion(m.id));
    if (author === 'bot') showDraft('');
    const item = el('li', { class: author, 'data-id': String(m.id) }, bubble);
    const after = [...shown.entries()].filter(([id]) => id > m.id).sort(([a], [b]) => a - b)[0];
    list.insertBefore(item, after ? after[1] : null);
    shown.set(m.id, item);
    log.scrollTop = log.scrollHeight;
  }

  // An answer being written by a generative model arrives as `draft` events (the text so far,
  // not yet checked) and is shown in a dashed bubble with a stop button; the stored reply,
  // generated or extractive, replaces it. An empty draft ends it.
  let draft = null;
  function showDraft(text) {
    if (!text) {
      draft?.remove();
      draft = null;
      return;
    }
    if (!draft) {
      const stop = el('button', { type: 'button', class: 'stop', text: t.stop, on: { click: stopDraft } });
      draft = el(
        'li',
        { class: 'draft', 'aria-busy': 'true' },
        el('div', { class: 'msg' }, el('span', { class: 'who', text: t.writing }), el('p'), stop),
      );
      list.append(draft);
    }
    draft.querySelector('p').textContent = text;
    log.scrollTop = log.scrollHeight;
  }

  async function stopDraft() {
    try {
      await call('POST', '/stop');
    } catch {
      // nothing was being written any more: the reply is on its way
    }
  }

  /** "Did this answer help?" with Yes / No; the reply replaces the buttons. */
  function helpedQuestion(id) {
    const group = el('div', { class: 'helped', role: 'group', 'aria-label': t.helped }, el('span', { text: t.helped }));
    const say = async (helpful) => {
      clearError();
      try {
        await call('POST', '/helpful', { message_id: id, helpful });
        group.replaceChildren(el('span', { text: t.noted }));
      } catch (e) {
        showError(e);
      }
    };
    group.append(
      el('button', { type: 'button', text: t.yes, on: { click: () => say(true) } }),
      el('button', { type: 'button', text: t.no, on: { click: () => say(false) } }),
    );
    return group;
  }

  function setStatus(value) {
    if (!value) return;
    status = value;
    const text = t.status[status];
    state.textContent = text || '';
    state.hidden = !text;
    rating.hidden = status !== 'resolved' || rated;
  }

  /** A retry key for one message: random, from an API that also works on plain-http pages. */
  function clientKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // The message whose sending failed (the server may have stored it before the answer was
  // lost): sending the same text again reuses its key, so the server stores it once.
  let unacknowledged = null;
  function keyFor(text) {
    if (unacknowledged?.text !== text) unacknowledged = { text, key: clientKey() };
    return unacknowledged.key;
  }

  async function send(text) {
    const trimmed = text.trim();
    if (!trimmed || sendButton.disabled) return; // one message at a time
    clearError();
    sendButton.disabled = true;
    try {
      await ensureConversation();
      const written = await call('POST', '/messages', { text: trimmed, client_key: keyFor(trimmed) });
      unacknowledged = null;
      if (text === input.value) input.value = '';
      render(written.message);
      showDraft('');
      written.replies.forEach(render);
      setStatus(written.status);
    } catch (e) {
      if (e?.status === 404) remember(null); // the conversation is gone: the next message starts one
      showError(e);
    } finally {
      sendButton.disabled = false;
    }
  }

  async function askPerson() {
    clearError();
    personButton.disabled = true;
    try {
      await ensureConversation();
      const page = await call('POST', '/handoff');
      page.messages.forEach(render);
      setStatus(page.status);
    } catch (e) {
      showError(e);
    } finally {
      personButton.disabled = false;
    }
  }

  async function rate(n) {
    clearError();
    try {
      await call('POST', '/rating', { rating: n });
    } catch (e) {
      if (e?.status !== 409) return showError(e); // 409: already rated (another tab)
    }
    rated = true;
    rating.hidden = true;
    state.textContent = t.thanks;
    state.hidden = false;
  }

  for (let n = 1; n <= 5; n++) {
    stars.append(
      el('button', { type: 'button', 'aria-label': t.rateOne(n), text: String(n), on: { click: () => rate(n) } }),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Live updates: agents' replies and status changes arrive as server-sent events.
  // EventSource cannot send headers, hence the token in the query; it reconnects by itself
  // with Last-Event-ID. When the server refuses the stream (an error status), a new one is
  // opened after a pause, longer each time; it replays the conversation, and shown ids are
  // skipped.

  let pause = 5_000;
  function follow() {
    if (!token || stream) return;
    stream = new EventSource(`${api}/stream?token=${encodeURIComponent(token)}`);
    stream.addEventListener('open', () => (pause = 5_000));
    stream.addEventListener('message', (e) => {
      try {
        render(JSON.parse(e.data));
      } catch {
        // a malformed event is skipped
      }
    });
    stream.addEventListener('draft', (e) => {
      try {
        showDraft(JSON.parse(e.data).text);
      } catch {
        // idem
      }
    });
    stream.addEventListener('status', (e) => {
      try {
        setStatus(JSON.parse(e.data).status);
      } catch {
        // idem
      }
    });
    stream.addEventListener('error', () => {
      if (stream?.readyState === EventSource.CLOSED) {
        stream = null;
        setTimeout(follow, pause);
        pause = Math.min(pause * 2, 300_000);
      }
    });
  }

  /** After a reload: the conversation so far, then live updates. */
  async function resume() {
    if (!token) return;
    try {
      const page = await call('GET', '/messages');
      page.messages.forEach(render);
      setStatus(page.status);
      follow();
    } catch (e) {
      if (e?.status === 404) remember(null);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Opening and closing: the launcher toggles the panel, Escape or × closes it and gives the
  // focus back to the launcher; the panel follows the launcher's place in the tab order.

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    log.scrollTop = log.scrollHeight;
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  personButton.addEventListener('click', askPerson);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(input.value);
  });
  // Enter sends, Shift+Enter starts a new line (as in every chat).
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  function start() {
    document.body.append(host);
    resume();
  }
  // A page may load the script without `defer`, in its <head>, before <body> exists.
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
