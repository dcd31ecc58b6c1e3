// levier — progressive enhancement only: every page works without this script.
// A language <select> submits its form as soon as it changes; the button stays for keyboards
// and for browsers without JavaScript.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) {
    select.form.requestSubmit();
  }
});

// A page showing something only once (a new API token's secret) answers a form's POST. Its
// history entry becomes a plain GET of the same address, so reloading it or coming back to it
// neither sends the form again (a second token) nor shows the secret again.
if (document.querySelector("[data-shown-once]")) {
  history.replaceState(null, "", location.href);
}

// Drag and drop onto the upload form fills its file input (the plain input works without it).
for (const zone of document.querySelectorAll("[data-dropzone]")) {
  const input = zone.querySelector("input[type=file]");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("dragging");
    if (input && e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
    }
  });
}

// The search page's generated answer: written by the internal Q&A model from the passage shown
// below it, streamed as server-sent events (drafts, then the checked answer with its sources,
// or a fallback that leaves the passage alone). The stop button closes the stream, which stops
// the model. Every text goes in as text, never as HTML.
for (const box of document.querySelectorAll("[data-generate]")) {
  const status = box.querySelector(".generated-status");
  const text = box.querySelector(".generated-text");
  const sources = box.querySelector(".generated-sources");
  const stop = box.querySelector(".generated-stop");
  const events = new EventSource(box.dataset.generate);
  const end = () => { events.close(); stop.hidden = true; box.removeAttribute("aria-busy"); };
  box.hidden = false;
  box.setAttribute("aria-busy", "true");
  status.textContent = box.dataset.writing;
  events.addEventListener("draft", (e) => { text.textContent = JSON.parse(e.data).text; });
  events.addEventListener("answer", (e) => {
    const answer = JSON.parse(e.data);
    text.textContent = answer.text;
    status.textContent = `${box.dataset.by} ${answer.model}`;
    sources.replaceChildren(`${box.dataset.source} : `, ...answer.sources.filter((s) => s.href.startsWith("/")).map((s) => {
      const a = document.createElement("a");
      a.href = s.href;
      a.textContent = s.title;
      return a;
    }));
    box.dataset.state = "answered";
    end();
  });
  // The reason stays on the box (hidden) for whoever inspects the page: why no answer was shown.
  events.addEventListener("fallback", (e) => { box.hidden = true; box.dataset.state = "fallback"; box.dataset.reason = JSON.parse(e.data).reason; end(); });
  events.addEventListener("error", () => { if (!box.dataset.state) { box.hidden = true; box.dataset.state = "fallback"; } end(); });
  stop.addEventListener("click", () => { status.textContent = box.dataset.stopped; text.textContent = ""; box.dataset.state = "stopped"; end(); });
}

// Search as you type: titles of matching documents under the search box (prefix search).
for (const box of document.querySelectorAll("input[data-suggest]")) {
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.hidden = true;
  list.setAttribute("role", "listbox");
  box.form.after(list);
  let timer = 0;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = box.value.trim();
      if (q.length < 3) { list.hidden = true; return; }
      const res = await fetch(`/api/v1/search?prefix=true&limit=5&q=${encodeURIComponent(q)}`, { headers: { accept: "application/json" } });
      if (!res.ok) { list.hidden = true; return; }
      const body = await res.json();
      list.replaceChildren(...body.hits.map((hit) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = `/documents/${hit.document_id}?q=${encodeURIComponent(q)}#c${hit.chunk_id}`;
        a.textContent = hit.title;
        li.append(a);
        return li;
      }));
      list.hidden = body.hits.length === 0;
    }, 200);
  });
}
