//! Native side of the wasm/native comparison: prints, as JSON, the fastest
//! of `RUNS` placements of each case in `berth_bench::CASES`, in
//! milliseconds (on a shared machine the fastest run is the steadiest
//! figure; tests/perf/wasm.mjs reports the same for wasm).
//! `--cases` prints the cases themselves, for the wasm side to run;
//! `--recommend-cases` right-sizing's (issue 18), timed the same way after
//! them.

use std::time::Instant;

const RUNS: usize = 15;

fn main() {
    if std::env::args().any(|a| a == "--cases") {
        let cases: Vec<String> = berth_bench::CASES
            .iter()
            .map(|(i, t, w)| format!("[{i}, {t}, \"{w}\"]"))
            .collect();
        println!("[{}]", cases.join(", "));
        return;
    }
    if std::env::args().any(|a| a == "--recommend-cases") {
        let cases: Vec<String> = berth_bench::RECOMMEND_CASES
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect();
        println!("[{}]", cases.join(", "));
        return;
    }
    let mut out = Vec::new();
    for &(instances, tasks, workload) in berth_bench::CASES {
        berth_bench::prepare(instances, tasks, workload);
        assert_eq!(
            berth_bench::place_prepared(),
            tasks,
            "warm-up places every task"
        );
        // The same warm-up as the wasm side (tests/perf/wasm.mjs), where V8
        // needs it to optimise hot code: at least 5 runs and 1 second.
        let warm = Instant::now();
        let mut runs = 0;
        while runs < 5 || warm.elapsed().as_secs_f64() < 1.0 {
            std::hint::black_box(berth_bench::place_prepared());
            runs += 1;
        }
        let mut times: Vec<f64> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(berth_bench::place_prepared());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        out.push(format!(
            "{{\"case\": \"{workload}/{tasks}\", \"instances\": {instances}, \"fastestMs\": {:.2}}}",
            times[0]
        ));
    }
    // Right-sizing (issue 18): a whole search takes up to seconds, so the
    // fastest of 3 after one warm-up run.
    for &case in berth_bench::RECOMMEND_CASES {
        berth_bench::prepare_recommend(case);
        assert!(berth_bench::recommend_prepared() > 0, "{case}: a candidate");
        let mut times: Vec<f64> = (0..3)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(berth_bench::recommend_prepared());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        out.push(format!(
            "{{\"case\": \"recommend/{case}\", \"fastestMs\": {:.2}}}",
            times[0]
        ));
    }
    println!("[{}]", out.join(", "));
}
