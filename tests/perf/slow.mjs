// The first board on a phone network (issue 20), as users on a tethered
// laptop or hotel Wi-Fi feel it: Chromium under Lighthouse's mobile profile
// (1.6 Mbps down, 750 kbps up, 150 ms round trip, CPU slowed 4×), a fresh
// cache each time, navigation start → the first board's task chips, and →
// the app's (everything works). Served with brotli, then gzip.
//
//   node tests/perf/slow.mjs          JSON for `make bench` (median of 5 each)
//   node tests/perf/slow.mjs --check  median of 3 with brotli; exits 1 past
//                                     first_board_slow4g_ms in budgets.txt
import { serveDist, launchBrowser } from '../support/harness.js';
import { median, readBudgets, timeFirstLoad } from '../support/perf.js';

// Lighthouse's "Slow 4G" (its mobile default), in DevTools' units, and its
// CPU slowdown.
const PHONE = {
  network: { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
  cpu: 4,
};

async function series(browser, encodings, runs) {
  const server = await serveDist(undefined, { encodings });
  try {
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await timeFirstLoad(browser, server.url, PHONE));
    const boards = times.map((t) => t.firstBoardMs);
    const apps = times.map((t) => t.appMs);
    return { firstBoardMedianMs: median(boards), firstBoards: boards, appMedianMs: median(apps), apps };
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const browser = await launchBrowser();
  try {
    if (check) {
      const max = readBudgets().first_board_slow4g_ms;
      const { firstBoardMedianMs, firstBoards } = await series(browser, 'br', 3);
      const runs = firstBoards.map((t) => t.toFixed(0)).join(', ');
      console.log(`first board on a phone network (brotli, median of 3): ${firstBoardMedianMs.toFixed(0)} ms (${runs}); ceiling ${max} ms`);
      if (!(firstBoardMedianMs <= max)) {
        console.error(`first board: over first_board_slow4g_ms in budgets.txt by ${(firstBoardMedianMs - max).toFixed(0)} ms`);
        process.exitCode = 1;
      }
    } else {
      const brotli = await series(browser, 'br', 5);
      const gzip = await series(browser, 'gzip', 5);
      console.log(JSON.stringify({ brotli, gzip }));
    }
  } finally {
    await browser.close();
  }
}
