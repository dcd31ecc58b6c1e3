// levier — the agents' inbox pages, live. Progressive enhancement only: without this script a
// reload shows the same. Served as a file (the pages' Content-Security-Policy runs no inline
// script); the event streams are same-origin, so the session cookie goes with them.
//
// The inbox list follows every conversation's changes (/api/v1/inbox/stream) and reloads itself
// when one concerns it, or only says so while the agent is busy with a field. A ticket page
// follows its conversation (/api/v1/tickets/{id}/stream) and appends new messages. Customers'
// and agents' text only ever goes through textContent, never innerHTML.
"use strict";

/** How long the list waits after news before reloading: a burst of messages is one reload. */
const RELOAD_DELAY_MS = 1500;

/** Whether a reload would lose what the agent is doing: a field has the focus or was edited. */
function busy() {
  const active = document.activeElement;
  if (active && active.matches("input, textarea, select, [contenteditable]")) return true;
  return [...document.querySelectorAll("textarea, input[type=text]")].some((f) => f.value !== f.defaultValue);
}

/** An event's JSON, or null when it is not JSON. */
function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

/** The inbox list: news of the conversations it shows, or of tickets changing hands. */
function followInbox(notice) {
  const listed = new Set([...document.querySelectorAll("tr[data-conversation]")].map((tr) => tr.dataset.conversation));
  let timer = 0;
  const news = () => {
    notice.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!busy()) location.reload();
    }, RELOAD_DELAY_MS);
  };
  const source = new EventSource(notice.dataset.live);
  // A status change is a ticket opened, answered, resolved or reopened: the list may change.
  source.addEventListener("status", news);
  source.addEventListener("message", (event) => {
    const message = parse(event.data);
    if (message && listed.has(String(message.conversation_id))) news();
  });
  notice.querySelector("a")?.addEventListener("click", (event) => {
    event.preventDefault();
    location.reload();
  });
}

/** A message's date as the page writes them (year-month-day hours:minutes, local time). */
function when(millis) {
  const d = new Date(millis);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A message's list item, like the server renders it; its texts set with textContent only. */
function messageItem(labels, message) {
  const kind = ["customer", "bot", "agent", "system"].includes(message.author_kind) ? message.author_kind : "system";
  const item = document.createElement("li");
  item.className = `message ${kind}${message.internal ? " internal" : ""}`;
  item.id = `m${message.id}`;
  item.dataset.id = String(message.id);
  const head = document.createElement("p");
  const author = document.createElement("strong");
  author.textContent = labels[kind];
  const time = document.createElement("span");
  time.className = "nowrap";
  time.textContent = when(message.created_at);
  head.append(author, message.internal ? ` · ${labels.note} · ` : " · ", time);
  const body = document.createElement("p");
  body.className = "body";
  body.textContent = message.body;
  item.append(head, body);
  return item;
}

/** A ticket page: its conversation's new messages appear in order, each once. */
function followTicket(list) {
  const data = list.dataset;
  const labels = {
    customer: data.labelCustomer,
    bot: data.labelBot,
    agent: data.labelAgent,
    system: data.labelSystem,
    note: data.labelNote,
  };
  const shown = new Set([...list.querySelectorAll("li[data-id]")].map((li) => li.dataset.id));
  const add = (message) => {
    if (!message || shown.has(String(message.id))) return;
    shown.add(String(message.id));
    const later = [...list.children].find((li) => Number(li.dataset.id) > message.id);
    list.insertBefore(messageItem(labels, message), later ?? null);
  };
  const source = new EventSource(data.live);
  source.addEventListener("message", (event) => add(parse(event.data)));
  // The stream carries what is written after it opens: what came between the page and the
  // stream is read once it is open (each message is shown once whatever the order).
  source.addEventListener("open", async () => {
    const response = await fetch(data.detail, { headers: { accept: "application/json" } });
    if (!response.ok) return;
    const detail = await response.json();
    for (const message of detail.messages ?? []) add(message);
  });
}

const inboxNotice = document.querySelector("[data-testid=inbox-live][data-live]");
if (inboxNotice) followInbox(inboxNotice);
const conversation = document.querySelector("ol.conversation[data-live]");
if (conversation) followTicket(conversation);
