// The workshop page's script. It sends what was clicked and swaps in the wall the server renders:
// which actions a cell offers, what a change means and what the wall shows are all decided by
// the server (`rolefit workshop`), never here. Every request carries the page's token.
'use strict';
(() => {
  const token = new URLSearchParams(location.search).get('t') || '';
  const app = document.getElementById('app');
  const menu = document.getElementById('menu');
  const editor = document.getElementById('editor');
  const editorBody = document.getElementById('editor-body');
  const status = document.getElementById('status');
  let revision = Number(app.dataset.revision);
  let busy = false;
  let editing = null;
  let menuCell = null;

  const LABELS = {
    pin: 'Pin here',
    lead: 'Pin as lead',
    forbid: 'Keep out',
    unpin: 'Unpin',
    allow: 'Allow again',
    want: 'Mark as asked for by the partner',
    unwant: 'No longer asked for',
  };

  function say(text, isError) {
    status.textContent = text || '';
    status.classList.toggle('error', Boolean(isError));
  }

  async function call(method, path, body) {
    const opts = { method, headers: { 'x-rolefit-token': token } };
    if (body !== undefined) {
      opts.headers['content-type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const r = await fetch(path, opts);
    let data;
    try {
      data = r.status === 204 ? null : await r.json();
    } catch (_) {
      data = { error: 'no answer from the server (' + r.status + ')' };
    }
    return { ok: r.ok, code: r.status, data };
  }

  // A selector that finds the same control after the wall is redrawn.
  function focusKey(el) {
    if (!el || el === document.body || !app.contains(el)) return null;
    const attrs = ['partner', 'role', 'api', 'op', 'value', 'candidate', 'name', 'editor', 'capability'];
    let sel = el.tagName.toLowerCase();
    if (el.classList.contains('cell')) sel += '.cell';
    for (const a of attrs) {
      if (el.dataset[a] !== undefined) sel += '[data-' + a + '="' + CSS.escape(el.dataset[a]) + '"]';
    }
    if (el.name) sel += '[name="' + CSS.escape(el.name) + '"]';
    return sel;
  }

  function show(state) {
    const key = focusKey(document.activeElement);
    app.innerHTML = state.html;
    revision = state.revision;
    app.dataset.revision = String(revision);
    const el = key && app.querySelector(key);
    if (el) {
      if (el.classList.contains('cell')) {
        for (const c of app.querySelectorAll('.cell[tabindex="0"]')) c.tabIndex = -1;
        el.tabIndex = 0;
      }
      el.focus();
    }
  }

  // The data-* attributes of a control, but the endpoint: the change it stands for.
  function payload(data) {
    const out = {};
    for (const [k, v] of Object.entries(data)) if (k !== 'api') out[k] = v;
    return out;
  }

  async function send(api, body) {
    if (busy) return; // one request at a time: a double click is one step
    busy = true;
    closeMenu(false);
    say('Solving\u2026');
    document.body.classList.add('busy');
    try {
      const { ok, code, data } = await call('POST', '/api/' + api, Object.assign({ revision }, body));
      if (ok) {
        show(data);
        say('');
        if (editing) openEditor(editing);
      } else {
        if (data && data.state) show(data.state);
        say((data && data.error) || 'error ' + code, true);
      }
    } catch (_) {
      say('The server cannot be reached: is rolefit workshop still running?', true);
    } finally {
      busy = false;
      document.body.classList.remove('busy');
    }
  }

  function openMenu(cell) {
    menuCell = cell;
    const actions = (cell.dataset.actions || '').split(' ').filter(Boolean);
    menu.replaceChildren();
    const title = document.createElement('p');
    title.textContent = cell.getAttribute('aria-label') || '';
    menu.append(title);
    if (!actions.length) {
      const none = document.createElement('p');
      none.textContent = 'Nothing to change here: the partner refuses the role.';
      menu.append(none);
    }
    for (const a of actions) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = LABELS[a] || a;
      b.setAttribute('role', 'menuitem');
      b.dataset.menuAction = a;
      menu.append(b);
    }
    const r = cell.getBoundingClientRect();
    menu.style.left = Math.max(4, r.left + window.scrollX) + 'px';
    menu.style.top = r.bottom + window.scrollY + 4 + 'px';
    menu.hidden = false;
    const first = menu.querySelector('button');
    if (first) first.focus();
  }

  function closeMenu(refocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    if (refocus && menuCell && document.contains(menuCell)) menuCell.focus();
  }

  async function openEditor(id) {
    const { ok, data } = await call('GET', '/api/partner?id=' + encodeURIComponent(id));
    if (!ok) {
      if (editor.open) editor.close();
      say((data && data.error) || 'cannot edit this partner', true);
      return;
    }
    const key = editor.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    editorBody.innerHTML = data.html;
    editing = id;
    if (!editor.open) editor.showModal();
    const el = key && editorBody.querySelector(key);
    if (el) el.focus();
  }
  editor.addEventListener('close', () => {
    editing = null;
  });

  document.addEventListener('click', (ev) => {
    const item = ev.target.closest('[data-menu-action]');
    if (item && menuCell) {
      const c = menuCell.dataset;
      send('step', { change: { op: 'cell', action: item.dataset.menuAction, partner: c.partner, role: c.role } });
      return;
    }
    const cell = ev.target.closest('.cell');
    if (cell && app.contains(cell)) {
      openMenu(cell);
      return;
    }
    if (!menu.contains(ev.target)) closeMenu(false);
    const t = ev.target.closest('button[data-api], button[data-editor]');
    if (!t) return;
    if (t.dataset.editor) openEditor(t.dataset.editor);
    else if (t.dataset.api === 'step') send('step', { change: payload(t.dataset) });
    else send(t.dataset.api, {});
  });

  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!form.dataset.api) return; // the editor's Close
    ev.preventDefault();
    const fields = payload(form.dataset);
    for (const el of form.elements) {
      if (el.name) fields[el.name] = el.type === 'number' ? el.valueAsNumber : el.value;
    }
    if (form.dataset.api === 'save') send('save', { name: fields.name });
    else send('step', { change: fields });
  });

  document.addEventListener('keydown', (ev) => {
    const inField = ev.target.matches && ev.target.matches('input, textarea, select');
    if ((ev.ctrlKey || ev.metaKey) && !inField && !editor.open) {
      const k = ev.key.toLowerCase();
      if (k === 'z' && !ev.shiftKey) {
        ev.preventDefault();
        send('undo', {});
        return;
      }
      if (k === 'y' || (k === 'z' && ev.shiftKey)) {
        ev.preventDefault();
        send('redo', {});
        return;
      }
    }
    if (!menu.hidden) {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        closeMenu(true);
      } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const items = [...menu.querySelectorAll('button')];
        const i = items.indexOf(document.activeElement);
        const next = items[(i + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
        if (next) next.focus();
      }
      return;
    }
    const cell = ev.target.closest && ev.target.closest('.cell');
    if (!cell) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      openMenu(cell);
      return;
    }
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[ev.key];
    if (!d) return;
    ev.preventDefault();
    const col = Number(cell.dataset.col) + d[0];
    const row = Number(cell.dataset.row) + d[1];
    const next = app.querySelector('.cell[data-col="' + col + '"][data-row="' + row + '"]');
    if (next) {
      cell.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  });

  // Another tab (the projector's, say) shows what this one changes: it asks for the state now
  // and then, and the server answers 204 when nothing changed.
  async function refresh() {
    if (busy || document.visibilityState !== 'visible') return;
    try {
      const { ok, code, data } = await call('GET', '/api/state?since=' + revision);
      if (ok && code !== 204 && data && data.revision !== revision) show(data);
    } catch (_) {
      // the next poll tries again
    }
  }
  document.addEventListener('visibilitychange', refresh);
  setInterval(refresh, 2000);
})();
