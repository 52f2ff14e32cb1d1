// Chat in a task room: the client half of the protocol in docs/realtime.md.
// Messages are shown only once the server has stored them (or as "pending" to their author);
// a resend carries the same client_id, so a retry never stores a message twice.
import { io } from "../vendor/socket.io.esm.min.js";
import { renderMath } from "./math.js"; // also renders the math already on the page

const root = document.getElementById("chat");
const roomId = Number(root.dataset.roomId);
const userId = Number(root.dataset.userId);
const canModerate = root.dataset.canModerate === "true";
const t = root.dataset;
const list = document.getElementById("messages");
const scroller = document.getElementById("messages-log"); // the scrolling role="log" around the list
const alertBox = document.getElementById("chat-alert");
const typingLine = document.getElementById("typing");
const presenceLine = document.getElementById("presence");
const olderButton = document.getElementById("older");
const form = document.getElementById("send-form");
const input = document.getElementById("body");
const imageInput = document.getElementById("image");
const statusBox = document.getElementById("chat-status");
const counter = document.getElementById("body-count");
const maxLength = Number(root.dataset.maxLength);

const ACK_TIMEOUT = 5000;
let lastSeq = null; // the highest seq shown; re-joins ask for what came after it
let firstSeq = null;
let joined = false;

const socket = io({ transports: ["websocket", "polling"] });


function timeLabel(iso) {
  return new Date(iso).toLocaleTimeString(document.documentElement.lang, {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Europe/Stockholm",
  });
}

function messageItem(m) {
  const li = document.createElement("li");
  li.className = "message";
  li.dataset.seq = m.seq;
  li.dataset.id = m.id;
  li.dataset.clientId = m.client_id;
  const head = document.createElement("p");
  head.className = "message-head";
  const who = document.createElement("strong");
  who.textContent = m.author.name;
  const when = document.createElement("time");
  when.dateTime = m.created_at;
  when.textContent = timeLabel(m.created_at);
  head.append(who, " ", when);
  const body = document.createElement("div");
  body.className = "message-body";
  if (m.hidden) {
    body.textContent = t.tHidden;
    li.classList.add("hidden-message");
  } else {
    body.innerHTML = m.html; // sanitised on the server when it was stored
  }
  li.append(head, body);
  if (m.image) {
    const img = document.createElement("img");
    img.className = "message-image";
    img.src = m.image.url;
    img.width = m.image.width;
    img.height = m.image.height;
    img.loading = "lazy";
    img.alt = body.textContent.trim() || t.tImageFrom.replace("{name}", m.author.name);
    li.append(img);
  }
  if (!m.hidden) li.append(actions(m));
  markMentions(li, head);
  renderMath(body);
  return li;
}

// The server marks @mentions as <span class="mention" data-user-id="…">; ours stand out.
function markMentions(li, head) {
  let me = false;
  for (const span of li.querySelectorAll(".message-body .mention")) {
    if ((span.dataset.userId || "").split(" ").includes(String(userId))) {
      span.classList.add("mentions-me");
      me = true;
    }
  }
  if (me) {
    li.classList.add("mentions-me");
    const badge = document.createElement("span");
    badge.className = "mention-badge";
    badge.textContent = t.tMentionsMe;
    head.append(" ", badge);
  }
}

function actions(m) {
  const bar = document.createElement("p");
  bar.className = "message-actions";
  if (m.author.id !== userId) {
    bar.append(actionButton(t.tReport, "report", m));
  }
  if (canModerate) {
    bar.append(actionButton(t.tHide, "hide", m));
  }
  return bar;
}

function actionButton(label, kind, m) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button-small link-button";
  button.textContent = label;
  button.tabIndex = -1; // only the current message's buttons are in the Tab order (roving)
  button.setAttribute("aria-label", `${label}: ${m.author.name} ${timeLabel(m.created_at)}`);
  button.addEventListener("click", () => openDialog(kind, m, button));
  return button;
}

// --- report and hide: a small form in a <dialog>, posted over HTTP with the CSRF token --------

function openDialog(kind, m, opener) {
  const dialog = document.getElementById(`${kind}-dialog`);
  if (!dialog) return;
  const form = dialog.querySelector("form");
  const reason = form.elements.reason;
  const error = dialog.querySelector(".dialog-error");
  form.action = (kind === "report" ? t.reportUrl : t.hideUrl).replace("/0/", `/${m.id}/`);
  dialog.querySelector(".dialog-quote").textContent =
    `${m.author.name}: ${list.querySelector(`li[data-id="${m.id}"] .message-body`)?.textContent ?? ""}`;
  error.textContent = "";
  reason.removeAttribute("aria-invalid");
  reason.value = "";
  dialog.opener = opener;
  dialog.showModal();
  reason.focus();
}

for (const dialog of document.querySelectorAll(".chat-dialog")) {
  const form = dialog.querySelector("form");
  const error = dialog.querySelector(".dialog-error");
  dialog.querySelector(".dialog-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.opener?.isConnected && dialog.opener.focus());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = form.elements.reason;
    let answer = null;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": form.elements.csrf_token.value, Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (answer?.ok) {
      dialog.close();
      success(answer.message);
    } else {
      // Kept in the box with the reason why, so nothing written is lost.
      error.textContent = answer?.message || t.tFailed;
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
    }
  });
}

function success(text) {
  alertBox.textContent = "";
  statusBox.textContent = text;
  clearTimeout(statusBox.timer);
  statusBox.timer = setTimeout(() => (statusBox.textContent = ""), 8000);
}

// --- one Tab stop for the log: a roving tabindex over the messages (WAI-ARIA feed/log) --------

let current = null; // the message that is in the Tab order; the newest unless the reader moved

function setCurrent(li, focus = false) {
  if (current && current !== li) {
    current.tabIndex = -1;
    for (const b of current.querySelectorAll(".message-actions button")) b.tabIndex = -1;
  }
  current = li;
  if (!li) return;
  li.tabIndex = 0;
  for (const b of li.querySelectorAll(".message-actions button")) b.tabIndex = 0;
  scroller.tabIndex = -1; // the messages themselves are the Tab stop now
  if (focus) li.focus();
}

function messagesShown() {
  return [...list.querySelectorAll(":scope > li[data-id]")];
}

function adopt(li) {
  // A new message becomes current when the reader is at the newest one (or nowhere yet).
  li.tabIndex = -1;
  const shown = messagesShown();
  if (current === null || !current.isConnected || current === shown[shown.length - 2]) {
    setCurrent(li);
  }
}

list.addEventListener("keydown", (event) => {
  const li = event.target.closest("li[data-id]");
  if (!li) return;
  const shown = messagesShown();
  const at = shown.indexOf(li);
  const to = {
    ArrowUp: at - 1,
    ArrowDown: at + 1,
    Home: 0,
    End: shown.length - 1,
  }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  if (shown[to]) setCurrent(shown[to], true);
});
list.addEventListener("focusin", (event) => {
  const li = event.target.closest("li[data-id]");
  if (li && li !== current) setCurrent(li);
});

function announce(text) {
  statusBox.textContent = "";
  alertBox.textContent = text;
}

// Signed out (here or in another tab) or the session ended: say so, with a way back in.
let signedOut = false;
function showSignedOut() {
  signedOut = true;
  joined = false;
  statusBox.textContent = "";
  const link = document.createElement("a");
  link.href = t.loginUrl;
  link.textContent = t.tSignIn;
  alertBox.replaceChildren(`${t.tSignedOut} `, link);
}

function show(m) {
  if (lastSeq !== null && m.seq <= lastSeq) return; // already shown
  if (m.author.id === userId) {
    // Our own message: it takes the place of the local copy (pending, sent or failed).
    const own = list.querySelector(`li[data-client-id="${CSS.escape(m.client_id)}"]:not([data-id])`);
    if (own) forget(own);
  }
  const li = messageItem(m);
  list.append(li);
  adopt(li);
  lastSeq = m.seq;
  if (firstSeq === null) firstSeq = m.seq;
}

// Show messages in seq order; stop at a gap and re-join to fill it. `lastSeq` null after a join
// means the room was empty when the history was read, so the next message must be seq 1.
function catchUp(messages) {
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    if (m.seq > (lastSeq ?? 0) + 1) return join();
    show(m);
  }
}

function showAll(messages) {
  for (const m of messages) show(m);
  olderButton.hidden = firstSeq === null || firstSeq <= 1;
  scroller.scrollTop = scroller.scrollHeight;
  markRead(true);
}

// Every member's page answers every message with its read position, so in a busy room an
// unthrottled `read` would cost the server more than the messages themselves: a position is
// sent at once on joining and on coming back to the tab, else at most once per READ_EVERY ms.
const READ_EVERY = 2000;
let readTimer = null;
let readSent = null;

function markRead(now = false) {
  if (lastSeq === null || document.visibilityState !== "visible") return;
  if (now) sendRead();
  else if (readTimer === null) readTimer = setTimeout(sendRead, READ_EVERY);
}

function sendRead() {
  clearTimeout(readTimer);
  readTimer = null;
  if (lastSeq === null || lastSeq === readSent || document.visibilityState !== "visible") return;
  readSent = lastSeq;
  socket.emit("read", { room_id: roomId, seq: lastSeq });
}

// Broadcasts that arrive while a join is under way wait here and are shown after its history:
// shown first, they would make the history look "already shown" and it would be skipped.
const early = [];
let joinToken = 0;
let reconnecting = false;

function presence(names) {
  return names.length ? t.tPresent.replace("{names}", names.join(", ")) : "";
}

function join() {
  joined = false;
  clearTimeout(gapTimer);
  gapTimer = null;
  const token = ++joinToken;
  socket.timeout(ACK_TIMEOUT).emit("join", { room_id: roomId, since_seq: lastSeq }, (err, ack) => {
    if (token !== joinToken) return; // a newer join is under way
    if (err) return socket.connected && setTimeout(join, 1000); // else `connect` joins again
    if (!ack.ok) return ack.error === "unauthorized" ? showSignedOut() : announce(ack.message);
    joined = true;
    presenceLine.textContent = presence(ack.present);
    showAll(ack.messages);
    catchUp(early.splice(0));
    if (!joined) return; // catchUp found a gap and is joining again
    markRead(true);
    if (reconnecting) announce(t.tOnline);
    reconnecting = false;
    pump();
  });
}

socket.on("connect", join);
// Someone was removed from the room: the server closed its channel on every worker and asks
// those still allowed to join again (and catch up since their last seq).
socket.on("rejoin", (data) => {
  if (data.room_id === roomId) join();
});
// Refused at the handshake (signed out, session ended): socket.io-client stops trying then
// (`socket.active` is false). Any other connect error is the network; it keeps trying.
socket.on("connect_error", () => {
  if (!socket.active) showSignedOut();
});
// Unmatched, removed from the room or from the pupil's team: the server has already taken this
// socket out of the room's channel on every worker; stop sending and say why.
socket.on("access_ended", (data) => {
  if (data.room_id !== roomId) return;
  signedOut = true;
  joined = false;
  statusBox.textContent = "";
  alertBox.textContent = t.tAccessEnded;
});
socket.on("session_ended", () => {
  showSignedOut();
  socket.disconnect();
});
socket.on("disconnect", (reason) => {
  if (reason === "io server disconnect" || signedOut) {
    showSignedOut(); // the server cut this socket off; it will not reconnect by itself
    return;
  }
  joined = false;
  reconnecting = true;
  sending = null; // an unanswered send is sent again after the re-join
  sendToken++;
  announce(t.tOffline);
});
socket.on("message", (m) => {
  if (m.room_id !== roomId) return;
  if (!joined || m.seq > (lastSeq ?? 0) + 1) {
    early.push(m);
    if (joined && gapTimer === null) gapTimer = setTimeout(fillGap, GAP_WAIT);
    return;
  }
  show(m);
  if (early.length) showWaiting();
  markRead();
});

// A gap: two members on different workers sent at once and the later broadcast came first, or
// a worker died between its commit and its broadcast. The first is over in milliseconds, so wait
// a moment for the missing message before asking for everything after lastSeq: in a busy room
// every member re-joining on every reordering would cost the server more than the messages.
const GAP_WAIT = 400;
let gapTimer = null;

function fillGap() {
  gapTimer = null;
  if (joined && early.length) join();
}

// Show the waiting broadcasts that now follow on; those after a gap wait on.
function showWaiting() {
  early.sort((a, b) => a.seq - b.seq);
  while (early.length && early[0].seq <= (lastSeq ?? 0) + 1) show(early.shift());
  if (!early.length) {
    clearTimeout(gapTimer);
    gapTimer = null;
  }
}
socket.on("message_hidden", (update) => {
  const li = list.querySelector(`li[data-id="${update.id}"]`);
  if (!li) return;
  li.querySelector(".message-body").textContent = t.tHidden;
  li.querySelector(".message-actions")?.remove();
  li.classList.add("hidden-message");
});
socket.on("typing", (data) => {
  if (data.room_id !== roomId) return;
  typingLine.textContent = t.tTyping.replace("{name}", data.name);
  clearTimeout(typingLine.timer);
  typingLine.timer = setTimeout(() => (typingLine.textContent = ""), 4000);
});
socket.on("presence", (data) => {
  if (data.room_id === roomId) presenceLine.textContent = presence(data.present);
});

olderButton.addEventListener("click", () => {
  if (firstSeq === null) return;
  socket.timeout(ACK_TIMEOUT).emit("history", { room_id: roomId, before_seq: firstSeq }, (err, ack) => {
    if (err || !ack.ok) return announce(ack?.message || t.tFailed);
    const anchor = list.firstElementChild;
    for (const m of ack.messages) {
      const li = messageItem(m);
      li.tabIndex = -1;
      list.insertBefore(li, anchor);
    }
    if (ack.messages.length) firstSeq = ack.messages[0].seq;
    olderButton.hidden = firstSeq <= 1 || ack.messages.length === 0;
  });
});

// --- sending ------------------------------------------------------------------------------

function newClientId() {
  return (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).replace(/[^A-Za-z0-9_-]/g, "");
}

function pendingItem(clientId, body) {
  const li = document.createElement("li");
  li.className = "message pending";
  li.dataset.clientId = clientId;
  li.dataset.body = body;
  const text = document.createElement("div");
  text.className = "message-body";
  text.textContent = body;
  const status = document.createElement("p");
  status.className = "message-status hint";
  status.textContent = t.tPending;
  li.append(text, status);
  return li;
}

// Own messages go out one at a time, in the order they were written, and only while joined:
// the server handles events concurrently, so two sends in flight at once (say, after a
// reconnect) could be stored in the other order. A message written while offline stays pending
// and goes out after the re-join.
const outbox = []; // local copies not yet acknowledged, oldest first
let sending = null; // the one in flight
let sendToken = 0; // answers to anything but the latest attempt are ignored

function forget(li) {
  li.remove();
  const at = outbox.indexOf(li);
  if (at >= 0) outbox.splice(at, 1);
  if (sending === li) {
    sending = null;
    sendToken++;
    pump();
  }
}

function pump() {
  if (sending || !joined || signedOut) return;
  const next = outbox.find((li) => !li.classList.contains("failed"));
  if (next) attempt(next, 1);
}

function markSent(li, seq) {
  // Until the broadcast (or a join's history) brings the stored message, which replaces it.
  li.classList.remove("pending");
  li.dataset.seq = seq;
  li.querySelector(".message-status").textContent = "";
}

function markFailed(li, message) {
  li.classList.add("failed");
  const status = li.querySelector(".message-status");
  status.textContent = message || t.tFailed;
  const retry = document.createElement("button");
  retry.type = "button";
  retry.className = "button-small";
  retry.textContent = t.tRetry;
  retry.addEventListener("click", () => {
    li.classList.remove("failed");
    status.textContent = t.tPending;
    pump();
  });
  status.append(" ", retry);
  announce(message || t.tFailed);
}

// A message the server will never take as it is goes back into the box, with the reason.
function giveBack(li, message) {
  forget(li);
  // Before anything written since, so neither is lost.
  input.value = input.value.trim() ? `${li.dataset.body}\n\n${input.value}` : li.dataset.body;
  updateCounter();
  announce(message);
  input.focus();
}

function length(text) {
  return [...text.replace(/\r\n/g, "\n").trim()].length; // code points, as the server counts
}

function updateCounter() {
  if (!counter) return;
  const left = maxLength - length(input.value);
  counter.classList.toggle("over", left < 0);
  if (left < 0) counter.textContent = t.tOver.replace("{n}", -left);
  else if (left <= Math.max(200, maxLength / 10)) counter.textContent = t.tLeft.replace("{n}", left);
  else counter.textContent = "";
}

function attempt(li, tries) {
  sending = li;
  const token = ++sendToken;
  const payload = { room_id: roomId, client_id: li.dataset.clientId, body: li.dataset.body };
  socket.timeout(ACK_TIMEOUT).emit("send", payload, (err, ack) => {
    if (token !== sendToken) return; // replaced by the broadcast, or the connection was lost
    if (err && tries < 2 && joined) return attempt(li, tries + 1);
    sending = null;
    if (err) {
      if (joined) markFailed(li);
    } else if (!ack.ok && ack.error === "unauthorized") {
      showSignedOut();
    } else if (!ack.ok && (ack.error === "too_long" || ack.error === "bad_request")) {
      giveBack(li, ack.message); // can never succeed as it is: no "Try again"
    } else if (!ack.ok) {
      markFailed(li, ack.message);
    } else {
      outbox.splice(outbox.indexOf(li), 1);
      markSent(li, ack.seq);
      // Stored earlier (a retry of a send whose answer was lost): there is no new broadcast.
      if (ack.duplicate) join();
    }
    pump();
  });
}

// An image goes over HTTP (Socket.IO carries neither files nor the CSRF token). The server
// stores it, commits and then broadcasts the message like any other, so the answer here only
// marks the local copy sent or failed; the broadcast replaces it.
async function uploadImage(file, caption) {
  const clientId = newClientId();
  const li = pendingItem(clientId, caption || file.name);
  list.append(li);
  scroller.scrollTop = scroller.scrollHeight;
  const data = new FormData();
  data.append("image", file);
  data.append("caption", caption);
  data.append("client_id", clientId);
  const token = form.elements.csrf_token.value;
  data.append("csrf_token", token);
  let ack = null;
  try {
    const response = await fetch(root.dataset.imageUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      credentials: "same-origin",
    });
    ack = await response.json();
  } catch {
    ack = null;
  }
  if (ack?.ok) {
    if (li.isConnected) markSent(li, ack.seq);
    if (ack.duplicate) join();
  } else {
    li.remove(); // nothing was stored
    if (!input.value) input.value = caption;
    announce(ack?.message || t.tFailed);
  }
}

if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = input.value.trim();
    const file = imageInput?.files[0];
    if (file) {
      if (length(body) > maxLength) return announce(t.tTooLong);
      input.value = "";
      imageInput.value = "";
      showFileName();
      uploadImage(file, body).catch(() => announce(t.tFailed));
      return;
    }
    if (!body) return;
    if (length(body) > maxLength) {
      updateCounter();
      announce(t.tTooLong); // refused before sending; the text stays in the box
      return;
    }
    const li = pendingItem(newClientId(), body);
    list.append(li);
    scroller.scrollTop = scroller.scrollHeight;
    input.value = "";
    outbox.push(li);
    pump();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", updateCounter);
  imageInput?.addEventListener("change", showFileName);
  document.getElementById("to-box")?.addEventListener("click", (event) => {
    event.preventDefault();
    input.focus();
  });
  let lastTyping = 0;
  input.addEventListener("input", () => {
    const now = Date.now();
    if (now - lastTyping > 3000 && socket.connected) {
      lastTyping = now;
      socket.emit("typing", { room_id: roomId });
    }
  });
}
document.addEventListener("visibilitychange", () => markRead(true));

function showFileName() {
  const name = document.getElementById("image-name");
  if (name) name.textContent = imageInput.files[0]?.name || t.tNoFile;
}

// On a phone the room opens on the chat: it fills the screen, with the message box at its foot.
if (window.matchMedia("(max-width: 40rem)").matches) {
  document.querySelector(".room-nav")?.scrollIntoView({ block: "start" });
}
