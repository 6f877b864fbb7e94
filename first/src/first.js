// The first module's hands in the page (see first/src/lib.rs): where the
// plan comes from, the first board's element and its drags, and the fetch of
// the rest of the app, with its status and a retry when it fails.
//
// The app takes over by calling globalThis.berthFirst.takeOver() (see
// src/first_board.rs): it gets the edits made here and the first board goes.

// As src/persist.rs names them (tests/first-board.test.js opens a saved plan
// and a share link through this board and the app alike).
const SAVED_KEY = 'berth.plan.v1';
const LINK_PREFIX = '#plan=';

const edits = [];
// The chip being dragged ({ service, from }), until it is dropped or let go.
let dragged;
let whenDropped = [];
let attempt = 0;

export function linkFragment() {
  const hash = location.hash;
  return hash.startsWith(LINK_PREFIX) ? hash.slice(LINK_PREFIX.length) : undefined;
}

export function savedPlan() {
  try {
    return localStorage.getItem(SAVED_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function root() {
  let el = document.getElementById('first');
  if (!el) {
    el = document.createElement('div');
    el.id = 'first';
    el.innerHTML = '<div class="notice ok first-status" role="status" data-testid="first-status"></div><div id="first-page"></div>';
    document.body.prepend(el);
  }
  return el;
}

export function show(html) {
  root().querySelector('#first-page').innerHTML = html;
}

export function handOver(editJson) {
  edits.push(editJson);
}

export function listen(onMove) {
  const el = root();
  const card = (ev) => ev.target.closest?.('[data-testid="first-instance"]');
  const settle = () => {
    dragged = undefined;
    whenDropped.splice(0).forEach((go) => go());
  };
  el.addEventListener('dragstart', (ev) => {
    const chip = ev.target.closest?.('[data-testid="first-chip"][data-service]');
    if (!chip) return;
    dragged = { service: chip.dataset.service, from: chip.closest('[data-instance]').dataset.instance };
    ev.dataTransfer.setData('text/plain', JSON.stringify(dragged));
    ev.dataTransfer.effectAllowed = 'move';
  });
  el.addEventListener('dragover', (ev) => {
    const over = card(ev);
    el.querySelectorAll('.drag-over').forEach((c) => c !== over && c.classList.remove('drag-over'));
    if (dragged && over) {
      ev.preventDefault();
      over.classList.add('drag-over');
    }
  });
  el.addEventListener('drop', (ev) => {
    const over = card(ev);
    if (!dragged || !over) return;
    ev.preventDefault();
    const { service, from } = dragged;
    settle();
    onMove(service, from, over.dataset.instance);
  });
  // The chip dragged may be gone (the board was redrawn): dragend is not
  // sure to come, so a drop settles too.
  el.addEventListener('dragend', () => {
    el.querySelectorAll('.drag-over').forEach((c) => c.classList.remove('drag-over'));
    settle();
  });
}

function status(text, failed) {
  const line = root().querySelector('[data-testid="first-status"]');
  line.classList.toggle('ok', !failed);
  line.textContent = text;
  if (failed) {
    const retry = document.createElement('button');
    retry.className = 'link';
    retry.dataset.testid = 'first-retry';
    retry.textContent = 'Try again';
    retry.addEventListener('click', loadApp);
    line.append(' ', retry);
  }
}

const LOADING = 'Loading the rest of Berth (services, groups, deployments, export)… The board can be dragged already.';
// The app's module and wasm, asked for as soon as this module runs: they
// download and compile while the first board is drawn, and start once it is
// painted.
let early;

export function loadAppAfterPaint() {
  early = fetchApp();
  requestAnimationFrame(() => setTimeout(loadApp, 0));
}

// Where the build put the app (scripts/module.sh names it by its content);
// a retry asks again under another address, as a failed import is kept.
function fetchApp() {
  status(LOADING);
  const path = document.querySelector('meta[name="berth-app"]')?.content ?? 'app/berth-web.js';
  const url = new URL(path, document.baseURI);
  if (attempt > 0) url.searchParams.set('attempt', String(attempt));
  attempt += 1;
  // wasm-bindgen names the wasm beside its glue. Compiled as it arrives,
  // off the main thread, while the first board is drawn and dragged.
  const wasm = new URL(url.pathname.replace(/\.js$/, '_bg.wasm'), url);
  const asked = { js: import(url.href), wasm: WebAssembly.compileStreaming(fetch(wasm)) };
  // Handled where they are awaited; until then a failure is not "uncaught".
  asked.js.catch(() => {});
  asked.wasm.catch(() => {});
  return asked;
}

async function loadApp() {
  const asked = early ?? fetchApp();
  early = undefined;
  try {
    const app = await asked.js;
    const wasm = await asked.wasm;
    // A drag under way ends before the board it is on goes.
    if (dragged) await new Promise((go) => whenDropped.push(go));
    globalThis.berthFirst = {
      takeOver() {
        document.getElementById('first')?.remove();
        return edits.splice(0);
      },
    };
    await app.default({ module_or_path: wasm });
    // The app's exports, as Trunk gives the first module's (wasmBindings):
    // the crash tests reach its panic drill through them.
    globalThis.berthApp = app;
    dispatchEvent(new Event('BerthAppStarted'));
  } catch (e) {
    // Once the app has taken over, its own crash notice speaks for it.
    if (document.getElementById('first')) {
      status(`The rest of Berth could not be loaded: ${e?.message ?? e}.`, true);
    }
  }
}
