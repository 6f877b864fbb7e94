// Loads berth-exchange (export and import; see src/exchange_module.rs) once,
// on first call. A failed load is forgotten, so the next call tries again.
let pending;

export function loadExchange() {
  if (!pending) {
    // Where the build put it (scripts/module.sh names it by its content).
    const path = document.querySelector('meta[name="berth-exchange"]')?.content
      ?? 'exchange/berth_exchange.js';
    const url = new URL(path, document.baseURI).href;
    pending = import(url).then(async (module) => {
      await module.default();
      return module;
    });
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}

// Calls `start` once: when an element matching `selector` comes within a
// screen of the viewport, or after `fallbackMs`, whichever is first. The
// board's first load then never shares the main thread with the module.
export function whenNear(selector, fallbackMs, start) {
  let done = false;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) go();
  }, { rootMargin: '100% 0px' });
  const timer = setTimeout(go, fallbackMs);
  function go() {
    if (done) return;
    done = true;
    observer.disconnect();
    clearTimeout(timer);
    start();
  }
  document.querySelectorAll(selector).forEach((el) => observer.observe(el));
}
