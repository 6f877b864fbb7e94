// Prints `make bench`'s table from the files scripts/bench.sh wrote.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { readBudgets } from '../support/perf.js';

const dir = process.argv[2];
const budgets = readBudgets();
const rows = [];
const row = (what, figure, budget, ok) => rows.push([what, figure, budget ?? '', ok === undefined ? '' : (ok ? 'yes' : 'NO')]);
const ms = (x) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;

// criterion: "test place/binpack/1000 ... bench:   501,340 ns/iter (+/- 1,234)"
const criterion = new Map(readFileSync(`${dir}/criterion.txt`, 'utf8').split('\n').filter(Boolean).map((l) => {
  const m = l.match(/^test (.+?) \.\.\. bench:\s+([\d,]+) ns\/iter/);
  return [m[1], Number(m[2].replace(/,/g, '')) / 1e6];
}));
const sizes = [[50, 1000], [500, 10000], [5000, 100000]];
for (const w of ['binpack', 'spread', 'ports', 'standalone', 'scheduling']) {
  for (const [inst, tasks] of sizes) {
    const v = criterion.get(`place/${w}/${tasks}`);
    const big = tasks === 100000;
    row(`place ${tasks.toLocaleString('en')} tasks on ${inst.toLocaleString('en')} instances, ${w} (native)`, ms(v),
      big ? `≤ ${budgets.place_100k_ms} ms` : undefined, big ? v <= budgets.place_100k_ms : undefined);
  }
  const growth = criterion.get(`place/${w}/100000`) / criterion.get(`place/${w}/1000`);
  row(`  growth 1 k → 100 k tasks, ${w} (×100 tasks and ×100 instances; tasks·log(instances) predicts ×218)`, `×${growth.toFixed(0)}`);
}
row('rolling deployment of a 1,000-task service (native)', ms(criterion.get('deploy/rolling 1000 tasks')));
row('catalogue search (native)', ms(criterion.get('catalogue search')));

const native = JSON.parse(readFileSync(`${dir}/native.json`, 'utf8'));
const wasm = new Map(JSON.parse(readFileSync(`${dir}/wasm.json`, 'utf8')).map((r) => [r.case, r.fastestMs]));
for (const n of native.filter((x) => x.case.startsWith('recommend/'))) {
  const w = wasm.get(n.case);
  row(`right-size ${n.case.slice('recommend/'.length)}: a whole recommendation over the catalogue, deployment headroom (wasm in Chromium / native, fastest of 3)`,
    `${ms(w)} / ${ms(n.fastestMs)}`);
}
for (const n of native.filter((x) => !x.case.startsWith('recommend/'))) {
  const w = wasm.get(n.case);
  const ratio = w / n.fastestMs;
  // The budget compares like with like: the same code at the same
  // optimisation level. Beside it, the ratio to criterion's native build,
  // which is optimised for speed where the web build is optimised for size.
  const fast = criterion.get(`place/${n.case}`);
  row(`wasm in Chromium / native, place ${n.case} (release build both, fastest of 15; in brackets, against criterion's opt-level 3)`,
    `${ms(w)} / ${ms(n.fastestMs)} = ×${ratio.toFixed(2)} (×${(w / fast).toFixed(2)})`,
    `≤ ×${budgets.wasm_native_ratio}`, ratio <= budgets.wasm_native_ratio);
}

const ui = JSON.parse(readFileSync(`${dir}/ui.json`, 'utf8'));
row('drag → re-plan → re-render, 500 instances / 2,000 tasks (median of 20)', ms(ui.dragMedianMs), `≤ ${budgets.drag_ms} ms`, ui.dragMedianMs <= budgets.drag_ms);
row('first draw of 5,000 instances / 20,000 tasks: navigation start → the app\'s first card (median of 3)', ms(ui.hugeFirstDrawMedianMs), `≤ ${budgets.huge_first_draw_ms} ms`, ui.hugeFirstDrawMedianMs <= budgets.huge_first_draw_ms);
row('  … → the first board\'s first card', ms(ui.hugeFirstBoardMedianMs));
row('drag → re-plan → re-render, 5,000 instances / 20,000 tasks (median of 10)', ms(ui.hugeDragMedianMs), `≤ ${budgets.huge_drag_ms} ms`, ui.hugeDragMedianMs <= budgets.huge_drag_ms);
row('scrolling that board 300 px a frame: frame time, median / 95th percentile of 200', `${ms(ui.scrollFrameMedianMs)} / ${ms(ui.scrollFrameP95Ms)}`, `95th ≤ ${budgets.scroll_frame_p95_ms} ms`, ui.scrollFrameP95Ms <= budgets.scroll_frame_p95_ms);
row('right-size 2,000 tasks in the page: search → answer, and the longest frame while it runs', `${ms(ui.rightSize.totalMs)}, longest frame ${ms(ui.rightSize.longestFrameMs)} of ${ui.rightSize.frames}`, `frame ≤ ${budgets.right_size_frame_ms} ms`, ui.rightSize.longestFrameMs <= budgets.right_size_frame_ms);
row('first load: navigation start → the first board with tasks, unthrottled (median of 5)', ms(ui.firstLoadMedianMs), `≤ ${budgets.first_load_ms} ms`, ui.firstLoadMedianMs <= budgets.first_load_ms);
row('  … → the app\'s board (everything works), unthrottled', ms(ui.appLoadMedianMs));
// Issue 20: as a phone network feels it (tests/perf/slow.mjs).
const slow = JSON.parse(readFileSync(`${dir}/slow.json`, 'utf8'));
for (const [name, s] of [['brotli', slow.brotli], ['gzip', slow.gzip]]) {
  row(`first board on a phone network (1.6 Mbps, 150 ms, CPU ×4), served with ${name}: navigation start → task chips (median of 5)`,
    ms(s.firstBoardMedianMs), `≤ ${budgets.first_board_slow4g_ms} ms`, s.firstBoardMedianMs <= budgets.first_board_slow4g_ms);
  row(`  … → the app's board (everything works), ${name}`, ms(s.appMedianMs));
}
const kb = (name, enc = 'gzip') => Number(readFileSync(`target/${name}-${enc}-bytes`, 'utf8')) / 1000;
const both = (name) => `${kb(name).toFixed(1)} KB (brotli ${kb(name, 'brotli').toFixed(1)} KB)`;
const firstLoad = kb('first-load');
const app = kb('app');
const exchange = kb('exchange');
row('release bundle, first load: the first board\'s module (wasm + js), gzip -9', both('first-load'), `≤ ${budgets.bundle_gzip_bytes_budget / 1000} KB`, firstLoad * 1000 <= budgets.bundle_gzip_bytes_budget);
row('… the app, fetched after first paint', both('app'), `≤ ${budgets.app_gzip_bytes_max / 1000} KB (ceiling)`, app * 1000 <= budgets.app_gzip_bytes_max);
row('… export/import, fetched by the app after its board is interactive', both('exchange'), `≤ ${budgets.exchange_gzip_bytes_max / 1000} KB (ceiling)`, exchange * 1000 <= budgets.exchange_gzip_bytes_max);
// The floor (bench/floor, scripts/floor.sh): what the app module would
// weigh if Berth's own views weighed nothing.
const core = kb('floor-core-floor');
const leptos = kb('floor-both-floor');
row('  floor: berth-core as the app calls it, no view layer', `${core.toFixed(1)} KB`);
row(`  floor: the same with Leptos drawing a counter (Leptos alone: ${kb('floor-leptos-floor').toFixed(1)} KB)`, `${leptos.toFixed(1)} KB`);
row('  Berth\'s own views and texts: the app − floor', `${(app - leptos).toFixed(1)} KB`);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nBerth benchmarks — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Chromium headless\n`);
console.log('| measure | figure | budget | met |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
