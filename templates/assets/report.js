/* trace-report: progressive enhancement. Every page reads fully without this script.
 * - Index pages: a filterable, sortable, windowed table over every run (data from
 *   assets/runs-data.js, or a JSON block in the single file); state kept in the URL hash.
 * - Run pages: expand/collapse all, j/k through the steps, open a collapsed step on #step-N.
 * No request leaves the page; trace text only ever reaches the DOM through textContent. */
(function () {
  'use strict';

  // ---- formatting: the same rules as src/format/money.ts ----
  function group(digits) {
    var out = '';
    for (var i = 0; i < digits.length; i++) {
      if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
      out += digits[i];
    }
    return out;
  }
  function fixedGrouped(abs) {
    var parts = abs.toFixed(2).split('.');
    return group(parts[0]) + '.' + parts[1];
  }
  function trimZeros(fixed) {
    var dot = fixed.indexOf('.');
    var end = fixed.length;
    while (end - dot - 1 > 2 && fixed[end - 1] === '0') end--;
    return fixed.slice(0, end);
  }
  function formatUsd(usd, estimated) {
    var mark = estimated ? '~' : '';
    var sign = usd < 0 ? '-' : '';
    var abs = Math.abs(usd);
    if (abs === 0) return mark + '$0.00';
    var digits;
    if (abs >= 1) digits = fixedGrouped(abs);
    else {
      var decimals = Math.min(12, Math.max(2, 3 - 1 - Math.floor(Math.log10(abs))));
      var fixed = abs.toFixed(decimals);
      digits = Number(fixed) >= 1 ? fixedGrouped(abs) : trimZeros(fixed);
    }
    return sign + mark + '$' + digits;
  }
  function formatCount(n) {
    var r = Math.round(n);
    return (r < 0 ? '-' : '') + group(String(Math.abs(r)));
  }
  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function formatDuration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '—';
    if (ms < 0) return '-' + formatDuration(-ms);
    var whole = Math.round(ms);
    if (whole < 1000) return whole + 'ms';
    var tenths = Math.round(ms / 100);
    if (tenths < 600) return (tenths / 10).toFixed(1) + 's';
    var s = Math.round(ms / 1000);
    if (s < 3600) return Math.floor(s / 60) + 'm ' + pad2(s % 60) + 's';
    var m = Math.round(ms / 60000);
    return Math.floor(m / 60) + 'h ' + pad2(m % 60) + 'm';
  }
  function utcMinute(ms) {
    if (ms === null || ms === undefined) return '—';
    var iso = new Date(ms).toISOString();
    return iso.slice(0, 10) + ' ' + iso.slice(11, 16);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // ---- run explorer ----
  var COLS = [
    { key: 'id', label: 'Run', cls: 'c-run' },
    { key: 'workflow', label: 'Workflow', cls: 'c-wf' },
    { key: 'pattern', label: 'Pattern', cls: 'c-pat' },
    { key: 'status', label: 'Status', cls: 'c-st' },
    { key: 'steps', label: 'Steps', cls: 'c-steps', num: true },
    { key: 'durationMs', label: 'Duration', cls: 'c-dur', num: true },
    { key: 'cost', label: 'Cost (USD)', cls: 'c-cost', num: true },
    { key: 'tokens', label: 'Tokens', cls: 'c-tok', num: true },
    { key: 'start', label: 'Start (UTC)', cls: 'c-start', num: true }
  ];
  var OVERSCAN = 12;

  function readData(box) {
    var blockId = box.getAttribute('data-block');
    if (blockId) {
      var block = document.getElementById(blockId);
      if (!block) return null;
      try { return JSON.parse(block.textContent); } catch (e) { return null; }
    }
    return window.TRACE_REPORT_RUNS || null;
  }

  function explorer(box) {
    var data = readData(box);
    if (!data || !data.rows || !data.order) return;
    var f = {};
    data.fields.forEach(function (name, i) { f[name] = i; });
    var root = box.getAttribute('data-root') || '';
    // The rows come in the runs' list order; `order` numbers them in the run table's (newest first).
    var runs = data.order.map(function (n, i) {
      var r = data.rows[n];
      var wf = r[f.workflow] >= 0 ? data.workflows[r[f.workflow]] : null;
      var pat = r[f.pattern] >= 0 ? data.patterns[r[f.pattern]] : null;
      var agents = r[f.agents].map(function (a) { return data.agents[a]; });
      var models = r[f.models].map(function (m) { return data.models[m]; });
      // A run whose calls are all unpriced has no cost (not $0): null sorts it last either way.
      var unpriced = r[f.steps] > 0 && r[f.unpricedCalls] === r[f.steps];
      return {
        order: i, href: r[f.href], id: r[f.id], workflow: wf, pattern: pat, status: data.statuses[r[f.status]],
        steps: r[f.steps], failedSteps: r[f.failedSteps], durationMs: r[f.durationMs], cost: unpriced ? null : r[f.cost],
        costFlags: r[f.costFlags], unpricedCalls: r[f.unpricedCalls], tokens: r[f.tokens], start: r[f.start],
        agentIds: r[f.agents], modelIds: r[f.models],
        text: [r[f.id], wf || '', pat || '', agents.join(' '), models.join(' ')].join(' ').toLowerCase()
      };
    });

    var form = box.querySelector('form');
    var count = box.querySelector('.explorer-count');
    fillSelect(form.elements.workflow, data.workflows);
    fillSelect(form.elements.agent, data.agents);
    fillSelect(form.elements.model, data.models);

    var scroller = el('div', 'vt');
    scroller.tabIndex = 0;
    scroller.setAttribute('role', 'region');
    scroller.setAttribute('aria-label', 'Runs, scrollable');
    var table = el('table', 'runs');
    var caption = el('caption', 'sr-only', 'Runs matching the filters');
    table.appendChild(caption);
    var colgroup = el('colgroup');
    COLS.forEach(function (c) { colgroup.appendChild(el('col', c.cls)); });
    table.appendChild(colgroup);
    var thead = el('thead');
    var hr = el('tr');
    var ths = COLS.map(function (c) {
      var th = el('th', c.num ? 'num' : '');
      th.scope = 'col';
      var b = el('button', '', c.label);
      b.type = 'button';
      b.addEventListener('click', function () { setSort(c.key); });
      th.appendChild(b);
      hr.appendChild(th);
      return th;
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el('tbody');
    table.appendChild(tbody);
    scroller.appendChild(table);
    box.appendChild(scroller);

    var state = { q: '', workflow: '', status: '', agent: '', model: '', min: '', sort: '' };
    var focusRow = false;
    var view = [];
    var active = -1;
    var rowHeight = 0;

    function fillSelect(select, values) {
      var sorted = values.map(function (v, i) { return [v, i]; });
      sorted.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      sorted.forEach(function (p) {
        var o = el('option', '', p[0]);
        o.value = p[0];
        select.appendChild(o);
      });
    }

    function readHash() {
      var h = location.hash.slice(1);
      // No filter in the address (cleared, or a plain anchor): the defaults.
      if (h.indexOf('=') < 0) {
        Object.keys(state).forEach(function (k) { state[k] = ''; });
        return;
      }
      var params = new URLSearchParams(h);
      Object.keys(state).forEach(function (k) { state[k] = params.get(k) || ''; });
    }
    function writeHash() {
      var params = new URLSearchParams();
      Object.keys(state).forEach(function (k) { if (state[k]) params.set(k, state[k]); });
      var s = params.toString();
      history.replaceState(null, '', s ? '#' + s : location.pathname + location.search);
    }
    function toForm() {
      ['q', 'workflow', 'status', 'agent', 'model', 'min'].forEach(function (k) { form.elements[k].value = state[k]; });
    }

    function compare(key, dir) {
      return function (a, b) {
        var x = a[key], y = b[key];
        if (x === null || x === undefined) return (y === null || y === undefined) ? a.order - b.order : 1;
        if (y === null || y === undefined) return -1;
        if (x < y) return -dir;
        if (x > y) return dir;
        return a.order - b.order;
      };
    }

    function apply() {
      var q = state.q.trim().toLowerCase();
      var terms = q ? q.split(/\s+/) : [];
      var wf = state.workflow, st = state.status;
      var agent = state.agent ? data.agents.indexOf(state.agent) : -1;
      var model = state.model ? data.models.indexOf(state.model) : -1;
      var min = state.min === '' ? null : Number(state.min);
      view = runs.filter(function (r) {
        if (wf && r.workflow !== wf) return false;
        if (st && r.status !== st) return false;
        if (state.agent && r.agentIds.indexOf(agent) < 0) return false;
        if (state.model && r.modelIds.indexOf(model) < 0) return false;
        if (min !== null && isFinite(min) && !(r.durationMs !== null && r.durationMs >= min)) return false;
        for (var i = 0; i < terms.length; i++) if (r.text.indexOf(terms[i]) < 0) return false;
        return true;
      });
      if (state.sort) {
        var desc = state.sort.charAt(0) === '-';
        var key = desc ? state.sort.slice(1) : state.sort;
        view.sort(compare(key, desc ? -1 : 1));
      }
      ths.forEach(function (th, i) {
        var key = COLS[i].key;
        var s = state.sort === key ? 'ascending' : state.sort === '-' + key ? 'descending' : null;
        if (s) th.setAttribute('aria-sort', s); else th.removeAttribute('aria-sort');
      });
      count.textContent = formatCount(view.length) + ' of ' + formatCount(runs.length) + ' run' +
        (runs.length === 1 ? '' : 's') + (view.length < runs.length ? ' match' : '') + (state.sort ? '' : ', newest first');
      active = view.length > 0 && active >= 0 ? Math.min(active, view.length - 1) : -1;
      scroller.scrollTop = 0;
      render();
    }

    function setSort(key) {
      state.sort = state.sort === key ? '-' + key : state.sort === '-' + key ? '' : key;
      writeHash();
      apply();
    }

    function href(r) {
      if (!r.href) return null;
      return r.href.charAt(0) === '#' ? r.href : root + r.href;
    }

    function cell(tr, text, cls, title) {
      var td = el('td', cls || '', text);
      if (title) td.title = title;
      tr.appendChild(td);
      return td;
    }

    function rowFor(r, i) {
      var tr = el('tr', 'row' + (i === active ? ' active' : ''));
      tr.setAttribute('data-i', i);
      var td = el('td', 'id');
      var link = href(r);
      var code = el('code', '', r.id);
      if (link) {
        var a = el('a');
        a.href = link;
        a.tabIndex = -1;
        a.appendChild(code);
        td.appendChild(a);
      } else td.appendChild(code);
      td.title = r.id;
      tr.appendChild(td);
      cell(tr, r.workflow || '—', '', r.workflow);
      cell(tr, r.pattern || '—', '', r.pattern);
      cell(tr, r.status, 'status status-' + r.status);
      cell(tr, formatCount(r.steps), 'num', r.failedSteps ? formatCount(r.failedSteps) + ' failed' : '');
      cell(tr, formatDuration(r.durationMs), 'num');
      var costTd = el('td', 'num');
      if (r.cost === null) {
        costTd.appendChild(el('span', 'badge badge-unpriced', 'unpriced'));
      } else {
        var est = (r.costFlags & 1) !== 0;
        costTd.appendChild(el('span', est ? 'est' : '', formatUsd(r.cost, est)));
        if (r.unpricedCalls > 0) {
          costTd.appendChild(document.createTextNode(' '));
          costTd.appendChild(el('span', 'badge badge-unpriced', '+' + formatCount(r.unpricedCalls) + ' unpriced'));
        }
      }
      tr.appendChild(costTd);
      cell(tr, r.tokens === null || r.tokens === undefined ? '—' : formatCount(r.tokens), 'num', r.tokens === null ? 'no token counts in the trace' : '');
      cell(tr, utcMinute(r.start), 'num mono');
      return tr;
    }

    function spacer(height) {
      var tr = el('tr', 'spacer');
      var td = el('td');
      td.colSpan = COLS.length;
      tr.appendChild(td);
      tr.style.height = height + 'px';
      tr.setAttribute('aria-hidden', 'true');
      return tr;
    }

    function render() {
      var h = rowHeight || 37;
      var visible = Math.ceil((scroller.clientHeight || 600) / h);
      var first = Math.max(0, Math.floor(scroller.scrollTop / h) - OVERSCAN);
      var last = Math.min(view.length, first + visible + 2 * OVERSCAN);
      var hadFocus = focusRow || tbody.contains(document.activeElement);
      focusRow = false;
      var frag = document.createDocumentFragment();
      frag.appendChild(spacer(first * h));
      for (var i = first; i < last; i++) frag.appendChild(rowFor(view[i], i));
      frag.appendChild(spacer((view.length - last) * h));
      tbody.replaceChildren(frag);
      if (!rowHeight && last > first) {
        var measured = tbody.children[1].getBoundingClientRect().height;
        if (measured > 0 && Math.abs(measured - h) > 0.5) { rowHeight = measured; render(); } else rowHeight = h;
      }
      if (view.length === 0) {
        var tr = el('tr');
        var td = el('td', 'empty', 'No run matches these filters.');
        td.colSpan = COLS.length;
        tr.appendChild(td);
        tbody.replaceChildren(tr);
      }
      if (hadFocus) focusActive();
    }

    // Real focus follows the highlighted row (its link), so screen readers read the row moved to;
    // rows are re-drawn on scroll, so focus is put back on the new copy.
    function focusActive() {
      var tr = tbody.querySelector('tr.row.active');
      var target = tr ? (tr.querySelector('a') || tr) : scroller;
      if (tr && target === tr) tr.tabIndex = -1;
      if (document.activeElement !== target) target.focus({ preventScroll: true });
    }

    function moveTo(i) {
      if (view.length === 0) return;
      active = Math.max(0, Math.min(view.length - 1, i));
      var h = rowHeight || 37;
      var headH = thead.getBoundingClientRect().height;
      var top = active * h;
      if (top < scroller.scrollTop) scroller.scrollTop = top;
      else if (top + h > scroller.scrollTop + scroller.clientHeight - headH) scroller.scrollTop = top + h - scroller.clientHeight + headH;
      focusRow = true;
      render();
    }

    var pending = false;
    scroller.addEventListener('scroll', function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; render(); });
    });
    scroller.addEventListener('click', function (ev) {
      var tr = ev.target.closest ? ev.target.closest('tr.row') : null;
      if (!tr || ev.target.closest('a')) return;
      var r = view[Number(tr.getAttribute('data-i'))];
      var link = r && href(r);
      if (link) location.href = link;
    });
    scroller.addEventListener('keydown', function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      var k = ev.key;
      var page = Math.max(1, Math.floor(scroller.clientHeight / (rowHeight || 37)) - 1);
      if (k === 'j' || k === 'ArrowDown') moveTo(active + 1);
      else if (k === 'k' || k === 'ArrowUp') moveTo(active - 1);
      else if (k === 'PageDown') moveTo(active + page);
      else if (k === 'PageUp') moveTo(active - page);
      else if (k === 'Home') moveTo(0);
      else if (k === 'End') moveTo(view.length - 1);
      else if (k === 'Enter') {
        var r = view[active];
        var link = r && href(r);
        if (link) location.href = link;
      } else return;
      ev.preventDefault();
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      ev.preventDefault();
      form.elements.q.focus();
    });
    form.addEventListener('input', function () {
      ['q', 'workflow', 'status', 'agent', 'model', 'min'].forEach(function (k) { state[k] = form.elements[k].value; });
      writeHash();
      apply();
    });
    form.addEventListener('submit', function (ev) { ev.preventDefault(); scroller.focus(); moveTo(0); });
    form.addEventListener('reset', function () {
      setTimeout(function () {
        Object.keys(state).forEach(function (k) { state[k] = ''; });
        writeHash();
        apply();
      }, 0);
    });
    form.elements.q.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown') { ev.preventDefault(); scroller.focus(); moveTo(active < 0 ? 0 : active); }
    });
    window.addEventListener('hashchange', function () { readHash(); toForm(); apply(); });
    window.addEventListener('resize', function () { render(); });

    var fallback = document.getElementById('static-runs');
    if (fallback) fallback.hidden = true;
    box.hidden = false;
    readHash();
    toForm();
    apply();
  }

  // ---- run pages ----
  function openAncestors(node) {
    for (var p = node.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  }
  // Rows off screen are laid out lazily (content-visibility), so the browser's first jump to
  // #step-N can land a few rows off: jump again once the page has loaded.
  function showTarget() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!id || id.indexOf('=') >= 0) return;
    var target = document.getElementById(id);
    if (!target || !target.classList.contains('node')) return;
    openAncestors(target);
    target.scrollIntoView({ block: 'center' });
  }

  function runPage() {
    var tools = document.querySelectorAll('[data-tree-tools]');
    Array.prototype.forEach.call(tools, function (box) {
      var section = box.parentElement;
      function setAll(open) {
        Array.prototype.forEach.call(section.querySelectorAll('li.agent > details, li.chunk > details'), function (d) { d.open = open; });
      }
      var expand = el('button', '', 'Expand all');
      expand.type = 'button';
      expand.addEventListener('click', function () { setAll(true); });
      var collapse = el('button', '', 'Collapse all');
      collapse.type = 'button';
      collapse.addEventListener('click', function () { setAll(false); });
      box.appendChild(expand);
      box.appendChild(collapse);
      box.hidden = false;
    });
    if (!document.querySelector('li.node.call')) return;
    // The single file holds many runs, one shown at a time: j/k move within the visible one.
    function visibleSteps() {
      var arts = document.querySelectorAll('article.run');
      for (var i = 0; i < arts.length; i++) {
        if (arts[i].offsetParent !== null) return arts[i].querySelectorAll('li.node.call');
      }
      return [];
    }
    function go(delta) {
      var steps = visibleSteps();
      if (steps.length === 0) return;
      var current = -1;
      for (var i = 0; i < steps.length; i++) {
        if (steps[i].classList.contains('current') || ('#' + steps[i].id) === location.hash) { current = i; break; }
      }
      var wanted = current < 0 ? 0 : current + delta;
      if (wanted < 0 || wanted >= steps.length) {
        // A long run's steps come in parts: past either end of this one, on to the next call's part.
        var part = document.querySelector('article.run nav.pager a[rel="' + (delta > 0 ? 'next' : 'prev') + '"]');
        var n = /^step-(\d+)$/.exec(steps[current].id);
        if (part && n) {
          location.href = part.href.split('#')[0] + '#step-' + (Number(n[1]) + delta);
          return;
        }
      }
      var next = Math.max(0, Math.min(steps.length - 1, wanted));
      var node = steps[next];
      openAncestors(node);
      Array.prototype.forEach.call(document.querySelectorAll('li.node.call.current'), function (n) { n.classList.remove('current'); });
      node.classList.add('current');
      history.replaceState(null, '', '#' + node.id);
      node.scrollIntoView({ block: 'center' });
      var link = node.querySelector('.permalink');
      if (link) link.focus({ preventScroll: true });
    }
    document.addEventListener('keydown', function (ev) {
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      var t = ev.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (ev.key === 'j') go(1);
      else if (ev.key === 'k') go(-1);
      else return;
      ev.preventDefault();
    });
    window.addEventListener('hashchange', showTarget);
    if (document.readyState === 'complete') showTarget();
    else window.addEventListener('load', showTarget);
  }

  function start() {
    var box = document.getElementById('run-explorer');
    if (box) explorer(box);
    runPage();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
