// Agora's live pages, for signed-in visitors. Every page works without this script (by reload); with it:
// - two sockets, /api/chat/ws and /api/notify/ws on this site, authenticated with the access token that
//   POST /live/token hands out (the page's CSRF token in x-csrf-token), renewed about 60 s before it
//   expires, reconnected by themselves with exponential backoff and jitter (at most ~10 s apart);
// - the header's badges ([data-live="chat-unread"], [data-live="notify-unread"]) follow the unread counts,
//   hidden at 0; a new notification shows a small toast;
// - on a conversation page (#conversation): new messages are appended, the send form goes over the socket
//   without a reload, what arrives while the page is visible is marked read, "Seen" follows the other
//   side's reading; on reconnecting it asks for what it missed (chat: `resume` from the last seq shown,
//   notify: `resume` after the newest notification seen) and drops what it already has, by id.
// Text from messages and notifications is only ever set with textContent, never as HTML.
(() => {
  'use strict';

  const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
  if (!csrf || !('WebSocket' in window) || !window.fetch) return;
  const socketBase = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
  const MAX_BACKOFF_MS = 10000;
  const RENEW_BEFORE_SECS = 60;
  const TOAST_MS = 8000;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // ---- The access token -------------------------------------------------------------------------------
  let token = null; // { value, expiresAt } (expiresAt in this browser's clock, ms)
  let tokenRequest = null;
  let renewTimer = null;
  let signedOut = false;
  const sockets = [];

  function fetchToken() {
    tokenRequest ??= (async () => {
      const response = await fetch('/live/token', {
        method: 'POST',
        headers: { 'x-csrf-token': csrf },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        // Signed out (or the session changed under this page): nothing to follow until a reload.
        signedOut = true;
        sockets.forEach((socket) => socket.stop());
        throw new Error('signed out');
      }
      if (!response.ok) throw new Error(`token: ${response.status}`);
      const answer = await response.json();
      token = { value: answer.token, expiresAt: Date.now() + answer.expires_in * 1000 };
      scheduleRenewal(answer.expires_in);
      return token.value;
    })().finally(() => {
      tokenRequest = null;
    });
    return tokenRequest;
  }

  /// A token with some life left: the one held, or a new one.
  function currentToken() {
    if (token && token.expiresAt - Date.now() > 30000) return Promise.resolve(token.value);
    return fetchToken();
  }

  function scheduleRenewal(expiresIn) {
    clearTimeout(renewTimer);
    const secs = expiresIn > 2 * RENEW_BEFORE_SECS ? expiresIn - RENEW_BEFORE_SECS : Math.max(expiresIn / 2, 5);
    renewTimer = setTimeout(renew, secs * 1000);
  }

  async function renew() {
    try {
      const value = await fetchToken();
      sockets.forEach((socket) => socket.send({ type: 'auth', token: value }));
    } catch {
      // A socket whose token runs out is closed by the server and reconnects with a new one.
      if (!signedOut) renewTimer = setTimeout(renew, 10000);
    }
  }

  // ---- A socket that reconnects by itself -------------------------------------------------------------
  // `<html data-chat-socket="open">` (and notify's) says which sockets are up, for people and tests alike.
  class LiveSocket {
    constructor(name, path, handlers) {
      this.name = name;
      this.path = path;
      this.handlers = handlers;
      this.attempt = 0;
      this.ws = null;
      this.ready = false;
      this.stopped = false;
      sockets.push(this);
      this.connect();
    }

    async connect() {
      if (this.stopped) return;
      let value;
      try {
        value = await currentToken();
      } catch {
        this.retry();
        return;
      }
      if (this.stopped) return;
      const ws = new WebSocket(socketBase + this.path);
      this.ws = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: value }));
      ws.onmessage = (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        if (frame.type === 'ready') {
          this.ready = true;
          document.documentElement.dataset[`${this.name}Socket`] = 'open';
          this.attempt = 0;
          this.handlers.ready?.(this, frame);
        } else if (frame.type === 'error') {
          this.handlers.error?.(frame);
        } else {
          this.handlers.frame(frame);
        }
      };
      ws.onclose = (event) => {
        const wasReady = this.ready;
        this.ws = null;
        this.ready = false;
        document.documentElement.dataset[`${this.name}Socket`] = 'closed';
        // Refused or expired: the next attempt asks for a new token.
        if (!wasReady || event.code === 4401) token = null;
        this.handlers.closed?.();
        this.retry();
      };
    }

    retry() {
      if (this.stopped || signedOut) return;
      const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
      this.attempt += 1;
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      setTimeout(() => this.connect(), delay);
    }

    /// Sends a frame if the socket is authenticated; whether it was sent.
    send(frame) {
      if (!this.ready || this.ws?.readyState !== WebSocket.OPEN) return false;
      this.ws.send(JSON.stringify(frame));
      return true;
    }

    stop() {
      this.stopped = true;
      this.ws?.close();
    }
  }

  // ---- Badges, toasts, times --------------------------------------------------------------------------
  function setBadge(name, count) {
    if (typeof count !== 'number') return;
    for (const badge of document.querySelectorAll(`[data-live="${name}"]`)) {
      badge.replaceChildren();
      if (count > 0) {
        badge.append(count > 99 ? '99+' : String(count));
        const label = document.createElement('span');
        label.className = 'visually-hidden';
        label.textContent = ' unread';
        badge.append(label);
        badge.hidden = false;
      } else {
        badge.hidden = true;
      }
    }
  }

  /// A path of this site, or null (never another site or a javascript: URL).
  function localPath(link) {
    return typeof link === 'string' && /^\/(?![/\\])/.test(link) && !/[\s\\]/.test(link) ? link : null;
  }

  function toast(notification) {
    let region = document.getElementById('toasts');
    if (!region) {
      region = document.createElement('div');
      region.id = 'toasts';
      region.className = 'toasts';
      region.setAttribute('role', 'status');
      region.setAttribute('aria-live', 'polite');
      document.body.append(region);
    }
    const item = document.createElement('div');
    item.className = 'toast';
    const title = document.createElement(localPath(notification.link) ? 'a' : 'strong');
    title.className = 'toast-title';
    title.textContent = notification.title ?? '';
    if (title.tagName === 'A') title.href = localPath(notification.link);
    item.append(title);
    if (notification.body) {
      const body = document.createElement('p');
      body.textContent = notification.body;
      item.append(body);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'toast-close';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    close.addEventListener('click', () => item.remove());
    item.append(close);
    region.append(item);
    while (region.children.length > 3) region.firstElementChild.remove();
    setTimeout(() => item.remove(), TOAST_MS);
  }

  function humanTime(rfc3339) {
    const at = new Date(rfc3339);
    if (Number.isNaN(at.getTime())) return rfc3339 ?? '';
    const pad = (n) => String(n).padStart(2, '0');
    return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, ` +
      `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
  }

  // ---- The open conversation --------------------------------------------------------------------------
  const section = document.getElementById('conversation');
  const open = section && {
    id: section.dataset.conversationId,
    me: section.dataset.me,
    counterpart: section.dataset.counterpart,
    lastSeq: Number(section.dataset.lastSeq) || 0,
    theirRead: Number(section.dataset.theirReadSeq) || 0,
    append: section.dataset.liveAppend === 'true',
    list: document.getElementById('messages'),
    ids: new Set([...section.querySelectorAll('[data-id]')].map((item) => item.dataset.id)),
    unreadFromThem: false,
  };
  const form = document.getElementById('send-form');
  const field = form?.querySelector('textarea');
  const formError = document.getElementById('body-error');
  let pending = null; // { clientId, timer }
  let chat = null;

  function showFormError(text) {
    if (!formError) return;
    formError.textContent = text;
    formError.hidden = !text;
    field?.setAttribute('aria-invalid', text ? 'true' : 'false');
  }

  function settlePending() {
    if (!pending) return;
    clearTimeout(pending.timer);
    pending = null;
    form?.querySelector('button[type="submit"]')?.removeAttribute('disabled');
  }

  function appendMessage(message) {
    if (!open || !open.append || message.conversation_id !== open.id) return;
    if (open.ids.has(message.id) || document.getElementById(`m${message.seq}`)) return;
    open.ids.add(message.id);
    const mine = message.sender_id === open.me;
    const item = document.createElement('li');
    item.className = `message ${mine ? 'mine' : 'theirs'}`;
    item.id = `m${message.seq}`;
    item.dataset.id = message.id;
    item.dataset.seq = String(message.seq);
    const meta = document.createElement('p');
    meta.className = 'message-meta';
    const sender = document.createElement('span');
    sender.className = 'sender';
    sender.textContent = mine ? 'You' : open.counterpart;
    const time = document.createElement('time');
    time.dateTime = message.sent_at;
    time.textContent = humanTime(message.sent_at);
    meta.append(sender, ' ', time);
    const body = document.createElement('p');
    body.className = 'message-body';
    body.textContent = message.body;
    item.append(meta, body);

    const nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
    const later = [...open.list.children].find((other) => Number(other.dataset.seq) > message.seq);
    open.list.insertBefore(item, later ?? null);
    document.getElementById('no-messages')?.remove();
    open.lastSeq = Math.max(open.lastSeq, message.seq);
    if (!mine) open.unreadFromThem = true;
    if (nearBottom || mine) item.scrollIntoView({ block: 'nearest' });
    markRead();
    updateSeen();
  }

  /// Marks what the page shows read, while it is visible.
  function markRead() {
    if (!open || !open.append || !open.unreadFromThem || document.visibilityState !== 'visible') return;
    if (chat?.send({ type: 'read', conversation_id: open.id, up_to_seq: open.lastSeq })) open.unreadFromThem = false;
  }

  /// "Seen" under the user's last message the other side has read.
  function updateSeen() {
    if (!open) return;
    const mine = [...open.list.querySelectorAll('.message.mine')]
      .filter((item) => Number(item.dataset.seq) <= open.theirRead);
    const target = mine[mine.length - 1];
    const current = open.list.querySelector('.seen');
    if (current && current.parentElement === target) return;
    current?.remove();
    if (target) {
      const seen = document.createElement('p');
      seen.className = 'seen';
      seen.textContent = 'Seen';
      target.append(seen);
    }
  }

  function chatError(frame) {
    if (!pending) return;
    settlePending();
    if (frame.code === 'rate_limited') {
      const secs = Math.max(1, Number(frame.retry_after_secs) || 1);
      showFormError(`You are sending messages too fast. Please wait ${secs} ${secs === 1 ? 'second' : 'seconds'}, then send it again.`);
    } else if (frame.code === 'invalid_input') {
      showFormError(frame.detail ? `Your message: ${frame.detail}` : 'Please write a message.');
    } else {
      showFormError('Your message could not be sent. Please try again.');
    }
  }

  chat = new LiveSocket('chat', '/api/chat/ws', {
    ready(socket) {
      if (open?.append) socket.send({ type: 'resume', conversations: { [open.id]: open.lastSeq } });
      markRead();
    },
    frame(frame) {
      switch (frame.type) {
        case 'unread':
          setBadge('chat-unread', frame.unread);
          break;
        case 'message':
          if (typeof frame.unread_total === 'number') setBadge('chat-unread', frame.unread_total);
          if (frame.message) appendMessage(frame.message);
          break;
        case 'sent':
          if (frame.message) appendMessage(frame.message);
          if (pending && frame.client_id === pending.clientId) {
            settlePending();
            if (field) field.value = '';
            showFormError('');
          }
          break;
        case 'read':
          if (open && frame.conversation_id === open.id && frame.reader_id !== open.me) {
            open.theirRead = Math.max(open.theirRead, Number(frame.up_to_seq) || 0);
            updateSeen();
          }
          break;
        default:
      }
    },
    error: chatError,
    closed() {
      if (pending) {
        settlePending();
        showFormError('The connection dropped before your message was confirmed. If it does not appear above, send it again.');
      }
    },
  });

  form?.addEventListener('submit', (event) => {
    const body = field?.value ?? '';
    // Empty, or not connected: the form posts as usual and the page says what happened.
    if (!open || !body.trim() || pending) return;
    const clientId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    if (!chat.send({ type: 'send', conversation_id: open.id, body, client_id: clientId })) return;
    event.preventDefault();
    form.querySelector('button[type="submit"]')?.setAttribute('disabled', '');
    pending = {
      clientId,
      timer: setTimeout(() => {
        settlePending();
        showFormError('Your message was not confirmed. If it does not appear above, send it again.');
      }, 10000),
    };
  });

  document.addEventListener('visibilitychange', markRead);

  // ---- Notifications ----------------------------------------------------------------------------------
  const known = new Set();
  let newest = null;
  for (const item of document.querySelectorAll('[data-notification-id]')) {
    known.add(item.dataset.notificationId);
    if (newest === null || item.dataset.notificationId > newest) newest = item.dataset.notificationId;
  }

  new LiveSocket('notify', '/api/notify/ws', {
    ready(socket) {
      if (newest) socket.send({ type: 'resume', after: newest });
    },
    frame(frame) {
      if (frame.type === 'unread') {
        setBadge('notify-unread', frame.unread);
      } else if (frame.type === 'notification' && frame.notification) {
        setBadge('notify-unread', frame.unread);
        const id = frame.notification.id;
        if (known.has(id)) return;
        known.add(id);
        // Ids are UUIDv7: a later one sorts after.
        if (newest === null || id > newest) newest = id;
        toast(frame.notification);
      }
    },
  });
})();
