//! Issue 22: the simulation's counts, the board at each step and the
//! deployment chart come from the same data, and agree at every step of
//! every walkthrough and of the stepper on the example at 200/100, 100/0
//! and 150/50 (maximumPercent / minimumHealthyPercent).

use berth_core::app::view::{board_at_step, Phase};
use berth_core::app::walkthrough::walkthroughs;
use berth_core::simulate::{
    deploy, timeline, Change, Counts, DeployOptions, Deployment, TaskStatus, Version,
};

/// The board's chips of the deployed service at one step, tallied by the
/// phase each is marked with.
fn board_counts(run: &Deployment, step: usize) -> (Counts, Counts) {
    let board = board_at_step(&run.plan, &run.steps[step]);
    let (mut old, mut new) = (Counts::default(), Counts::default());
    for chip in board
        .groups
        .iter()
        .flat_map(|g| &g.instances)
        .flat_map(|i| &i.tasks)
    {
        let Some(Phase { version, status }) = chip.phase else {
            continue;
        };
        let c = match version {
            Version::Old => &mut old,
            Version::New => &mut new,
            Version::Other => continue,
        };
        match status {
            TaskStatus::Pending => c.pending += 1,
            TaskStatus::Running => c.running += 1,
            TaskStatus::Healthy => {
                c.running += 1;
                c.healthy += 1
            }
            TaskStatus::Draining => c.draining += 1,
        }
    }
    (old, new)
}

/// At every step: the step's counts, the board's chips and the chart's span
/// agree; the chart's spans follow the steps in time and end after the last.
fn assert_agree(name: &str, run: &Deployment) {
    let chart = timeline(run);
    assert_eq!(chart.spans.len(), run.steps.len(), "{name}");
    assert_eq!(
        (chart.min_healthy, chart.max_tasks, chart.desired),
        (run.min_healthy, run.max_tasks, run.desired_count),
        "{name}"
    );
    for (i, step) in run.steps.iter().enumerate() {
        let span = &chart.spans[i];
        let board = board_counts(run, i);
        assert_eq!(
            board,
            (step.old, step.new),
            "{name} step {i} {}: board",
            step.action
        );
        assert_eq!((span.old, span.new), board, "{name} step {i}: chart");
        assert_eq!((span.from, span.step), (step.t, i), "{name} step {i}");
        assert!(span.to >= span.from, "{name} step {i}");
        assert!(span.total() <= chart.peak, "{name} step {i}");
    }
    assert!(
        chart.end > run.steps.last().unwrap().t,
        "{name}: a tail after the last step"
    );
}

#[test]
fn counts_board_and_chart_agree_at_every_step_of_every_walkthrough() {
    let mut runs = 0;
    for w in walkthroughs() {
        for (k, step) in w.steps.iter().enumerate() {
            if let Some(sim) = step.simulation() {
                let (run, _) = sim.expect("a walkthrough's simulation runs");
                assert_agree(&format!("{} step {k}", w.id), &run);
                runs += 1;
            }
        }
    }
    assert_eq!(
        runs, 11,
        "every deployment and run-task of the walkthroughs"
    );
}

#[test]
fn counts_board_and_chart_agree_for_the_example_at_three_settings() {
    let plan =
        berth_core::load_plan(include_str!("../../public/examples/microtrader.json")).unwrap();
    for service in plan.services.iter().map(|s| s.service_name.clone()) {
        for (max, min) in [(200, 100), (100, 0), (150, 50)] {
            let change = Change {
                image: Some(":1.5".into()),
                ..Change::default()
            };
            let options = DeployOptions::stepper(change, min, max, false);
            let run = deploy(&plan, &service, &options).unwrap();
            assert!(
                run.steps.len() >= 2,
                "{service} {max}/{min}: {:?}",
                run.outcome
            );
            assert_agree(&format!("{service} at {max}/{min}"), &run);
        }
    }
}

/// The chart marks what a class must see: the stall, the breaker, the
/// rollback, and the moments with fewer healthy tasks than allowed.
#[test]
fn the_chart_marks_stalls_breakers_rollbacks_and_downtime() {
    use berth_core::simulate::MarkKind;
    let all = walkthroughs();
    let run = |id: &str, k: usize| {
        let w = all.iter().find(|w| w.id == id).unwrap();
        timeline(&w.steps[k].simulation().unwrap().unwrap().0)
    };
    let kinds =
        |t: &berth_core::simulate::Timeline| t.marks.iter().map(|m| m.kind).collect::<Vec<_>>();
    let stall = run("deploy-200", 1);
    assert_eq!(kinds(&stall), [MarkKind::UnableToPlace, MarkKind::Stalled]);
    assert_eq!(stall.stalled_from, Some(0));
    assert!(
        stall.end >= 10,
        "a stall at t = 0 still has a width: {}",
        stall.end
    );
    let back = run("rollback", 0);
    assert_eq!(kinds(&back), [MarkKind::CircuitBreaker, MarkKind::Rollback]);
    assert_eq!(back.stalled_from, None);
    // 0 %: from the old task's stop (t = 0) to the new one's health (110 s)
    // nothing is healthy.
    let zero = run("deploy-0", 0);
    let down: u32 = zero
        .spans
        .iter()
        .filter(|s| s.healthy() == 0)
        .map(|s| s.to - s.from)
        .sum();
    assert_eq!(down, 110);
}
