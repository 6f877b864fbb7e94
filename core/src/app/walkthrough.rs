//! Built-in training walkthroughs, one per topic of the seed deck. Each step
//! is a whole plan plus, where the topic needs it, something to run on it (a
//! deployment, a run-task); the shell applies the plan (undoably) and runs it.

use serde::Serialize;
use serde_json::{json, Value};

use crate::input::load::load_plan;
use crate::model::Plan;
use crate::simulate::{
    deploy as simulate_deploy, run_task_as_deployment, ActionKind, Change, DeployError,
    DeployOptions, Deployment, Timing, ONE_OFF_RUN_SECONDS,
};

/// What a walkthrough step runs on its plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    /// A rolling deployment of a new image tag.
    Deploy {
        /// The service deployed.
        service: String,
        /// The image tag of the new revision.
        tag: String,
        /// minimumHealthyPercent.
        min_healthy: u32,
        /// maximumPercent.
        max_percent: u32,
        /// Whether the new revision fails its health checks.
        failing: bool,
        /// The moment of the deployment the step's text describes: the
        /// stepper opens there.
        opens_at: Moment,
    },
    /// A standalone task (`aws ecs run-task`).
    RunTask {
        /// The task definition (family:revision) run.
        task_definition: String,
    },
    /// Look at the export panel.
    Export,
}

/// A moment of a simulated deployment, found by what happens there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "at", content = "kind", rename_all = "camelCase")]
pub enum Moment {
    /// The first step.
    Start,
    /// The first step of this kind.
    First(ActionKind),
    /// The first step with no task healthy, old or new.
    NoneHealthy,
    /// The last step: the outcome.
    End,
}

impl Moment {
    /// The index of the step this moment falls on in `run`; the first step
    /// when it never happens (the walkthrough's test makes sure it does).
    pub fn step_in(self, run: &Deployment) -> usize {
        let steps = &run.steps;
        let found = match self {
            Moment::Start => Some(0),
            Moment::First(kind) => steps.iter().position(|s| s.kind == kind),
            Moment::NoneHealthy => steps
                .iter()
                .position(|s| s.old.healthy + s.new.healthy == 0),
            Moment::End => steps.len().checked_sub(1),
        };
        found.unwrap_or(0)
    }
}

/// One page of a walkthrough: what to read, the plan it shows and what it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WalkStep {
    /// What the step says.
    pub text: String,
    /// The whole plan the step shows.
    pub plan: Plan,
    /// What to run on it, if anything.
    pub action: Option<Action>,
}

impl WalkStep {
    /// The simulation the step runs on its plan, and the step the stepper
    /// opens at; `None` for a step that runs none.
    pub fn simulation(&self) -> Option<Result<(Deployment, usize), DeployError>> {
        match self.action.as_ref()? {
            Action::Deploy {
                service,
                tag,
                min_healthy,
                max_percent,
                failing,
                opens_at,
            } => {
                let change = Change {
                    image: Some(format!(":{tag}")),
                    ..Change::default()
                };
                let options = DeployOptions::stepper(change, *min_healthy, *max_percent, *failing);
                Some(simulate_deploy(&self.plan, service, &options).map(|run| {
                    let at = opens_at.step_in(&run);
                    (run, at)
                }))
            }
            Action::RunTask { task_definition } => Some(
                run_task_as_deployment(
                    &self.plan,
                    task_definition,
                    ONE_OFF_RUN_SECONDS,
                    Timing::default(),
                )
                .map(|run| (run, 0)),
            ),
            Action::Export => None,
        }
    }
}

/// A training walkthrough of one topic of the seed deck.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walkthrough {
    /// A stable id, for links.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its steps, in order.
    pub steps: Vec<WalkStep>,
}

fn container(
    name: &str,
    cpu: u32,
    reservation: u32,
    limit: Option<u32>,
    ports: Value,
    java: Option<&str>,
) -> Value {
    let mut c = json!({"name": name, "image": format!("dockerproductionaws/microtrader-{name}:1.4"), "cpu": cpu,
        "memoryReservation": reservation, "portMappings": ports});
    if let Some(l) = limit {
        c["memory"] = json!(l);
    }
    if let Some(j) = java {
        c["environment"] = json!([{"name": "JAVA_OPTS", "value": j}]);
    }
    c
}

struct Builder {
    groups: Vec<Value>,
    tds: Vec<Value>,
    services: Vec<Value>,
}

impl Builder {
    fn new(itype: &str, count: u32) -> Builder {
        Builder {
            groups: vec![
                json!({"name": "app", "instanceType": itype, "count": count, "availabilityZones": ["us-east-1a", "us-east-1b"]}),
            ],
            tds: Vec::new(),
            services: Vec::new(),
        }
    }

    fn service(mut self, name: &str, mode: &str, desired: u32, c: Value) -> Builder {
        self.tds
            .push(json!({"family": name, "networkMode": mode, "containerDefinitions": [c]}));
        self.services.push(
            json!({"serviceName": name, "taskDefinition": name, "desiredCount": desired,
            "loadBalancer": {"deregistrationDelaySeconds": 30}}),
        );
        self
    }

    /// Sets a field of the service named `service`.
    fn set(mut self, service: &str, key: &str, value: Value) -> Builder {
        if let Some(s) = self
            .services
            .iter_mut()
            .find(|s| s["serviceName"] == service)
        {
            s[key] = value;
        }
        self
    }

    fn plan(&self, name: &str) -> Plan {
        let v = json!({"berthVersion": 1, "name": name, "cluster": {"clusterName": "training", "instanceGroups": self.groups},
            "taskDefinitions": self.tds, "services": self.services});
        load_plan(&v.to_string()).expect("built-in walkthrough plans are valid")
    }
}

fn step(text: &str, plan: Plan, action: Option<Action>) -> WalkStep {
    WalkStep {
        text: text.into(),
        plan,
        action,
    }
}

fn deploy(service: &str, min: u32, max: u32, failing: bool, opens_at: Moment) -> Option<Action> {
    Some(Action::Deploy {
        service: service.into(),
        tag: "1.5".into(),
        min_healthy: min,
        max_percent: max,
        failing,
        opens_at,
    })
}

const PORT_8000: &str = r#"[{"containerPort": 8000, "hostPort": 8000}]"#;
const DYNAMIC_8000: &str = r#"[{"containerPort": 8000, "hostPort": 0}]"#;

fn ports(s: &str) -> Value {
    serde_json::from_str(s).expect("constant JSON")
}

/// Every walkthrough, in the order of the seed deck.
pub fn walkthroughs() -> Vec<Walkthrough> {
    let example = load_plan(include_str!("../../../public/examples/microtrader.json"))
        .expect("the example loads");
    vec![
        cpu_reservation(),
        memory_reservation(),
        static_port(),
        dynamic_port(),
        host_port(),
        jvm_danger(),
        deploy_at_200(),
        deploy_at_0(),
        deploy_at_50(),
        rollback(),
        daemon(),
        affinity(),
        gpus(),
        migration(example.clone()),
        export_parameters(example),
    ]
}

/// Service A (512 units) alone or with B (1,024 units), on one instance of a type.
fn cpu(itype: &str, with_b: bool) -> Builder {
    let b = Builder::new(itype, 1).service(
        "service-a",
        "bridge",
        1,
        container("a", 512, 128, None, json!([]), None),
    );
    if with_b {
        b.service(
            "service-b",
            "bridge",
            1,
            container("b", 1024, 128, None, json!([]), None),
        )
    } else {
        b
    }
}

/// Quote at 500 MiB, alone or with a 500 MiB audit.
fn memory(with_audit: bool) -> Builder {
    let b = Builder::new("t2.micro", 1).service(
        "quote",
        "bridge",
        1,
        container("quote", 0, 500, None, json!([]), None),
    );
    if with_audit {
        b.service(
            "audit",
            "bridge",
            1,
            container("audit", 0, 500, None, json!([]), None),
        )
    } else {
        b
    }
}

/// Service X: `tasks` tasks with port 8000 mapped `mapping`, on `instances` t2.micros.
fn x(instances: u32, tasks: u32, mapping: &str) -> Builder {
    Builder::new("t2.micro", instances).service(
        "service-x",
        "bridge",
        tasks,
        container("x", 0, 195, None, ports(mapping), None),
    )
}

/// `n` dashboards on port 8000 and one audit on 8001, in host mode.
fn host(n: u32) -> Builder {
    Builder::new("t2.micro", 1)
        .service(
            "dashboard",
            "host",
            n,
            container(
                "dashboard",
                0,
                195,
                None,
                json!([{"containerPort": 8000}]),
                None,
            ),
        )
        .service(
            "audit",
            "host",
            1,
            container(
                "audit",
                0,
                195,
                None,
                json!([{"containerPort": 8001}]),
                None,
            ),
        )
}

/// Quote at 195/800 MiB with these JAVA_OPTS.
fn jvm(opts: &str) -> Builder {
    Builder::new("t2.micro", 1).service(
        "quote",
        "bridge",
        1,
        container("quote", 0, 195, Some(800), json!([]), Some(opts)),
    )
}

fn cpu_reservation() -> Walkthrough {
    let (cpu1, cpu2, cpu3) = (
        cpu("t2.micro", false),
        cpu("t2.micro", true),
        cpu("t2.medium", true),
    );
    Walkthrough { id: "cpu", title: "CPU reservation failure", steps: vec![
        step("A t2.micro registers 1,024 CPU units: one per vCPU × 1,024. Service A reserves 512 of them.", cpu1.plan("cpu-1"), None),
        step("Service B asks for 1,024 units. Only 512 are left, so ECS cannot place it: the tray shows RESOURCE:CPU and the closest instance \"has insufficient CPU units available\".", cpu2.plan("cpu-2"), None),
        step("A t2.medium registers 2,048 units: both services fit. CPU units are reservations, used only under load.", cpu3.plan("cpu-3"), None),
    ]}
}

fn memory_reservation() -> Walkthrough {
    let (m1, m2) = (memory(false), memory(true));
    let mut m3 = Builder::new("t2.micro", 1);
    for s in ["quote", "audit", "portfolio", "dashboard"] {
        m3 = m3.service(
            s,
            "bridge",
            1,
            container(s, 0, 195, Some(800), json!([]), None),
        );
    }
    Walkthrough { id: "memory", title: "Memory reservation vs limit on a t2.micro", steps: vec![
        step("A t2.micro has 1 GiB but registers 995 MiB with ECS: the system keeps the rest (hatched). Quote reserves 500 MiB, leaving 495 MiB.", m1.plan("memory-1"), None),
        step("Audit also wants 500 MiB. 495 are left: \"has insufficient memory available\".", m2.plan("memory-2"), None),
        step("Reserve 195 MiB each, with an 800 MiB hard limit: all four services fit (780 of 995 MiB). The limits overcommit the instance, flagged in amber: a known risk, because limits are ceilings, not reservations, and matter only if the tasks use them at once.", m3.plan("memory-3"), None),
    ]}
}

fn static_port() -> Walkthrough {
    let (p1, p2) = (x(1, 1, PORT_8000), x(1, 2, PORT_8000));
    Walkthrough { id: "static-port", title: "Static port conflict in bridge mode", steps: vec![
        step("Service X maps container port 8000 to host port 8000 (static). One task runs.", p1.plan("port-1"), None),
        step("A second task on the same instance needs host port 8000 too: \"is already using a port required by your task\".", p2.plan("port-2"), None),
    ]}
}

fn dynamic_port() -> Walkthrough {
    let (d1, d2) = (x(1, 2, DYNAMIC_8000), x(2, 4, DYNAMIC_8000));
    Walkthrough { id: "dynamic-port", title: "Dynamic ports behind an ALB", steps: vec![
        step("With hostPort 0 the agent picks host ports from the ephemeral range: two tasks on one instance get 32768 and 32769. See the port map.", d1.plan("dynamic-1"), None),
        step("The load balancer's target group lists instance:port pairs (192.168.1.1:32768, :32769) — see Load-balancer targets.", d2.plan("dynamic-2"), None),
    ]}
}

fn host_port() -> Walkthrough {
    Walkthrough { id: "host-port", title: "Host networking port conflict", steps: vec![
        step("In host mode the host port is the container port: dashboard takes 8000, audit 8001.", host(1).plan("host-1"), None),
        step("A second dashboard needs 8000 on the same host: it cannot be placed.", host(2).plan("host-2"), None),
    ]}
}

fn jvm_danger() -> Walkthrough {
    Walkthrough { id: "jvm", title: "The JVM danger area", steps: vec![
        step("-Xmx672m and -XX:MaxMetaspaceSize=128m fill the 800 MiB limit before thread stacks, code cache and native memory: the JVM panel is amber, a known risk. Its estimate, about 1,317 MiB, assumes 200 threads and a 240 MiB code cache: change them on the card if your service differs.", jvm("-Xmx672m -XX:MaxMetaspaceSize=128m").plan("jvm-1"), None),
        step("A 400 MiB heap, a smaller code cache and thread stacks leave room under the limit.", jvm("-Xmx400m -XX:MaxMetaspaceSize=128m -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=32m").plan("jvm-2"), None),
    ]}
}

fn deploy_at_200() -> Walkthrough {
    let (static_pair, dyn_pair) = (x(2, 2, PORT_8000), x(2, 2, DYNAMIC_8000));
    Walkthrough { id: "deploy-200", title: "Deploying at 200 %", steps: vec![
        step("Two tasks with static port 8000 on two instances, minimum 100 %, maximum 200 %.", static_pair.plan("deploy200-1"), None),
        step("200 % lets ECS run 4 tasks, so it starts the new ones before stopping any old one. But both instances already hold port 8000: the board still shows only the two old tasks, and ECS says it \"was unable to place a task\" (\"already using a port required by your task\"). Minimum healthy 100 % forbids stopping an old task first, so the deployment stalls: the chart's grey tail never ends.", static_pair.plan("deploy200-1"), deploy("service-x", 100, 200, false, Moment::First(ActionKind::Blocked))),
        step("With dynamic host ports the two new tasks start beside the old ones on the same instances. At this step (t = 50 s) they are healthy and ECS has stopped the old ones: the board shows them draining for 60 s (a 30 s deregistration delay, then the 30 s stop timeout) until they give back their ports and the service reaches a steady state.", dyn_pair.plan("deploy200-2"), deploy("service-x", 100, 200, false, Moment::First(ActionKind::BeginDraining))),
    ]}
}

fn deploy_at_0() -> Walkthrough {
    let single = x(1, 1, PORT_8000);
    Walkthrough { id: "deploy-0", title: "Single instance: 0 %", steps: vec![
        step("One task on one instance with static port 8000, minimum healthy 0 %, maximum 100 %. The new task may not start beside the old one, so ECS stops the old one first. At this step the board shows it draining and nothing is healthy: the red stretch of the chart is downtime, until the new task is healthy at t = 110 s and the service reaches a steady state.", single.plan("deploy0"), deploy("service-x", 0, 100, false, Moment::NoneHealthy)),
    ]}
}

fn deploy_at_50() -> Walkthrough {
    let four = x(4, 4, PORT_8000);
    Walkthrough { id: "deploy-50", title: "Several instances: 50 %", steps: vec![
        step("Four tasks on four instances with static port 8000, at least 50 % (2 of 4) healthy, at most 200 %. ECS first tries to start new tasks beside the old ones; every instance holds port 8000, so it says it \"was unable to place a task\". Here that event is expected, not a failure.", four.plan("deploy50"), deploy("service-x", 50, 200, false, Moment::First(ActionKind::Blocked))),
        step("So ECS stops two old tasks, as many as 50 % allows: the board shows them draining while two stay healthy.", four.plan("deploy50"), deploy("service-x", 50, 200, false, Moment::First(ActionKind::BeginDraining))),
        step("Once their ports are free two new tasks start there (the other two are still \"unable to place\", blocked by the old ones); when the new ones are healthy the last two old tasks stop and are replaced. The service reaches a steady state at t = 220 s.", four.plan("deploy50"), deploy("service-x", 50, 200, false, Moment::End)),
    ]}
}

fn rollback() -> Walkthrough {
    let dyn_pair = x(2, 2, DYNAMIC_8000);
    Walkthrough { id: "rollback", title: "A failed deployment rolled back", steps: vec![
        step("Two tasks; the new revision fails its health checks. At this step (t = 50 s) the first two new tasks have failed: the board shows them draining while the two old tasks keep serving; ECS then starts two more.", dyn_pair.plan("rollback"), deploy("service-x", 100, 200, true, Moment::First(ActionKind::HealthCheckFailed))),
        step("The circuit breaker's threshold is half the desired count, at least 3: 3 failed tasks here. The second pair fails together at t = 100 s, making 4, so the circuit breaker trips: \"deployment failed: tasks failed to start\".", dyn_pair.plan("rollback"), deploy("service-x", 100, 200, true, Moment::First(ActionKind::CircuitBreakerTripped))),
        step("With rollback on, ECS began rolling back to service-x:1 at t = 100 s. Its two old tasks never stopped; at this step the failed new ones have drained and the service has reached a steady state on the old revision.", dyn_pair.plan("rollback"), deploy("service-x", 100, 200, true, Moment::End)),
    ]}
}

/// §10.1: a log agent as a DAEMON beside a replica web service.
fn agent(instances: u32) -> Builder {
    let web = container("web", 256, 400, None, ports(DYNAMIC_8000), None);
    let agent = container("log-agent", 128, 64, Some(128), json!([]), None);
    Builder::new("t3.small", instances)
        .service("web", "bridge", 2, web)
        .service("log-agent", "bridge", 1, agent)
        .set("log-agent", "schedulingStrategy", json!("DAEMON"))
        .set(
            "log-agent",
            "deploymentConfiguration",
            json!({"minimumHealthyPercent": 50, "maximumPercent": 100}),
        )
}

fn daemon() -> Walkthrough {
    Walkthrough { id: "daemon", title: "A log agent on every instance (DAEMON)", steps: vec![
        step("log-agent is a DAEMON service: ECS runs exactly one of its tasks (◆) on each instance, first, and ignores its desiredCount. web's two tasks are placed beside them.", agent(2).plan("daemon-1"), None),
        step("A third instance joins the group: ECS starts log-agent on it, and nothing that ran moves.", agent(3).plan("daemon-2"), None),
        step("Deploying log-agent: a daemon's maximumPercent is 100, so on each instance the old task stops before its replacement starts there. At 50 % ECS replaces one of the three agents at a time: at this step one old agent drains while two keep running. At ECS's default of 0 % for a daemon, all three would stop at once. Each new agent is healthy before the next old one stops, until a steady state.", agent(3).plan("daemon-2"), deploy("log-agent", 50, 100, false, Moment::First(ActionKind::BeginDraining))),
    ]}
}

/// §10.2: web follows or avoids the cache's task group.
fn cache_and_web(expression: &str) -> Builder {
    let cache = container(
        "cache",
        256,
        256,
        None,
        json!([{"containerPort": 6379, "hostPort": 6379}]),
        None,
    );
    let web = container("web", 256, 256, None, ports(DYNAMIC_8000), None);
    Builder::new("t3.small", 4)
        .service("cache", "bridge", 2, cache)
        .service("web", "bridge", 2, web)
        .set(
            "web",
            "placementConstraints",
            json!([{"type": "memberOf", "expression": expression}]),
        )
}

fn affinity() -> Walkthrough {
    Walkthrough { id: "affinity", title: "Task affinity and anti-affinity (task:group)", steps: vec![
        step("A service's tasks are in task group service:NAME. web's constraint task:group == service:cache puts its two tasks only on the instances where cache runs.", cache_and_web("task:group == service:cache").plan("affinity-1"), None),
        step("not(task:group == service:cache) does the opposite: web's tasks go only to instances without a cache task.", cache_and_web("not(task:group == service:cache)").plan("affinity-2"), None),
    ]}
}

/// §10.4: a training service asking one GPU per task.
fn training(itype: &str) -> Builder {
    let mut c = container("train", 1024, 2048, None, json!([]), None);
    c["resourceRequirements"] = json!([{"type": "GPU", "value": "1"}]);
    Builder::new(itype, 1).service("train", "bridge", 2, c)
}

fn gpus() -> Walkthrough {
    Walkthrough { id: "gpu", title: "GPUs: RESOURCE:GPU", steps: vec![
        step("train asks for one GPU per task. An m5.large has none: both tasks wait with RESOURCE:GPU, however much CPU and memory is free.", training("m5.large").plan("gpu-1"), None),
        step("A g4dn.xlarge registers one GPU: one task runs, the second waits with RESOURCE:GPU.", training("g4dn.xlarge").plan("gpu-2"), None),
        step("A g4dn.12xlarge registers four: both tasks run, two GPUs stay free. Its launch template boots the GPU-optimised AMI, which registers them.", training("g4dn.12xlarge").plan("gpu-3"), None),
    ]}
}

fn migration(example: Plan) -> Walkthrough {
    Walkthrough { id: "migrate", title: "The migration run-task", steps: vec![
        step("The audit database's schema is created by a one-off task: RunTask places it at random, it runs, then stops.", example.clone(), Some(Action::RunTask { task_definition: "migrate".into() })),
    ]}
}

fn export_parameters(example: Plan) -> Walkthrough {
    let mut no_user = example.clone();
    if let Some(c) = no_user.cloud_formation.as_mut() {
        c.values.shift_remove("DatabaseUser");
    }
    Walkthrough { id: "export", title: "Exporting the microtrader parameters", steps: vec![
        step("DatabaseUser has no Default and no value: the export panel shows CloudFormation's \"Parameters: [DatabaseUser] must have values\".", no_user, Some(Action::Export)),
        step("With DatabaseUser set, the parameters export for create-stack, deploy, CodePipeline or Ansible; VpcName falls back to its Default \"Development\".", example, Some(Action::Export)),
    ]}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::{place, Reason};
    use crate::simulate::{Outcome, Step};

    #[test]
    fn every_walkthrough_shows_what_it_says() {
        let all = walkthroughs();
        assert_eq!(all.len(), 15);
        let reason = |p: &Plan| place(p).unplaced.first().map(|u| u.failure.reason);
        let w = |id: &str| all.iter().find(|w| w.id == id).unwrap().clone();
        assert_eq!(reason(&w("cpu").steps[1].plan), Some(Reason::Cpu));
        assert_eq!(reason(&w("cpu").steps[2].plan), None);
        assert_eq!(reason(&w("memory").steps[1].plan), Some(Reason::Memory));
        assert_eq!(reason(&w("memory").steps[2].plan), None);
        assert_eq!(reason(&w("static-port").steps[1].plan), Some(Reason::Ports));
        assert_eq!(reason(&w("dynamic-port").steps[0].plan), None);
        assert_eq!(reason(&w("host-port").steps[1].plan), Some(Reason::Ports));
        let (_, jvm) = crate::rules::jvm_findings(&w("jvm").steps[0].plan);
        assert_eq!(jvm[0].1.severity, crate::rules::jvm::Severity::Amber);
        assert_eq!(jvm[0].1.required.round(), 1317.0);
        let (_, jvm) = crate::rules::jvm_findings(&w("jvm").steps[1].plan);
        assert_eq!(jvm[0].1.severity, crate::rules::jvm::Severity::Ok);
        // One agent on each instance, two then three; web's tasks beside.
        let runs = |p: &Plan, svc: &str| -> Vec<String> {
            place(p)
                .instances()
                .iter()
                .flat_map(|i| {
                    i.tasks
                        .iter()
                        .filter(|t| t.owner.name() == svc)
                        .map(|_| i.instance.id.clone())
                })
                .collect()
        };
        assert_eq!(
            runs(&w("daemon").steps[0].plan, "log-agent"),
            ["app-1", "app-2"]
        );
        assert_eq!(runs(&w("daemon").steps[1].plan, "log-agent").len(), 3);
        assert_eq!(runs(&w("daemon").steps[1].plan, "web").len(), 2);
        // web beside cache, then away from it.
        let affine = &w("affinity").steps[0].plan;
        let cache = runs(affine, "cache");
        assert!(runs(affine, "web").iter().all(|i| cache.contains(i)));
        let anti = &w("affinity").steps[1].plan;
        let cache = runs(anti, "cache");
        assert_eq!(runs(anti, "web").len(), 2);
        assert!(runs(anti, "web").iter().all(|i| !cache.contains(i)));
        // Two GPU tasks: none, one, then both run.
        let gpu = |k: usize| {
            let p = place(&w("gpu").steps[k].plan);
            let waiting = p.unplaced.iter().map(|u| u.count).sum::<u32>();
            (
                runs(&w("gpu").steps[k].plan, "train").len(),
                waiting,
                reason(&w("gpu").steps[k].plan),
            )
        };
        assert_eq!(gpu(0), (0, 2, Some(Reason::Gpu)));
        assert_eq!(gpu(1), (1, 1, Some(Reason::Gpu)));
        assert_eq!(gpu(2), (2, 0, None));
        assert!(!crate::cfn::resolve(&w("export").steps[0].plan).1.is_empty());
        assert!(crate::cfn::resolve(&w("export").steps[1].plan).1.is_empty());
    }

    /// The deployment a step runs and the step it opens at.
    fn opened(w: &Walkthrough, k: usize) -> (Deployment, Step) {
        let (run, at) = w.steps[k].simulation().unwrap().unwrap();
        let step = run.steps[at].clone();
        (run, step)
    }

    /// (old healthy, old draining, new pending + running, new healthy, new draining)
    fn board(step: &Step) -> (u32, u32, u32, u32, u32) {
        (
            step.old.healthy,
            step.old.draining,
            step.new.pending + step.new.running,
            step.new.healthy,
            step.new.draining,
        )
    }

    /// Issue 22: each deployment step opens where its text begins, and the
    /// board there shows what the text says.
    #[test]
    fn a_deployment_step_opens_at_the_moment_its_text_describes() {
        let all = walkthroughs();
        let w = |id: &str| all.iter().find(|w| w.id == id).unwrap().clone();
        let unable = |s: &Step| {
            s.events
                .iter()
                .any(|e| e.contains("was unable to place a task"))
        };

        let (run, at) = opened(&w("deploy-200"), 1);
        assert!(unable(&at), "{at:?}");
        assert_eq!(board(&at), (2, 0, 0, 0, 0), "only the two old tasks");
        assert!(matches!(run.outcome, Outcome::Stalled { .. }));
        let (run, at) = opened(&w("deploy-200"), 2);
        assert_eq!((at.t, board(&at)), (50, (0, 2, 2, 2, 0)));
        assert!(run.outcome.is_completed());

        let (run, at) = opened(&w("deploy-0"), 0);
        assert_eq!(
            board(&at),
            (0, 1, 0, 0, 0),
            "the old task drains, none healthy"
        );
        let healthy_again = run.steps.iter().find(|s| s.new.healthy == 1).unwrap();
        assert_eq!(healthy_again.t, 110);

        let (_, at) = opened(&w("deploy-50"), 0);
        assert!(unable(&at));
        assert_eq!(board(&at), (4, 0, 0, 0, 0));
        let (_, at) = opened(&w("deploy-50"), 1);
        assert_eq!(board(&at), (2, 2, 0, 0, 0), "two drain, two stay healthy");
        let (run, at) = opened(&w("deploy-50"), 2);
        assert_eq!((at.t, board(&at)), (220, (0, 0, 4, 4, 0)));
        let unable_later = run.steps.iter().skip(2).filter(|s| unable(s)).count();
        assert_eq!(unable_later, 1, "the other two still unable to place");

        let (_, at) = opened(&w("rollback"), 0);
        assert_eq!((at.t, board(&at)), (50, (2, 0, 0, 0, 2)));
        let (_, at) = opened(&w("rollback"), 1);
        assert_eq!(at.t, 100);
        assert_eq!(at.kind, ActionKind::CircuitBreakerTripped);
        assert!(
            at.action.contains("4 failed (threshold 3)"),
            "{}",
            at.action
        );
        let (run, at) = opened(&w("rollback"), 2);
        assert!(matches!(run.outcome, Outcome::RolledBack { .. }));
        assert_eq!(
            board(&at),
            (2, 0, 0, 0, 0),
            "the old revision's two tasks, labelled old"
        );
        let rolled = run
            .steps
            .iter()
            .find(|s| s.kind == ActionKind::RollbackStarted)
            .unwrap();
        assert_eq!(rolled.t, 100);

        let (_, at) = opened(&w("daemon"), 2);
        assert_eq!(
            board(&at),
            (2, 1, 0, 0, 0),
            "one old agent drains, two keep running"
        );
    }

    /// Issue 22: every event a walkthrough's simulation shows is explained
    /// by one of its texts.
    #[test]
    fn every_event_a_walkthrough_shows_is_explained_by_its_text() {
        // (the event's words, what a text must say about it)
        let explained_by = [
            ("was unable to place a task", "unable to place a task"),
            ("has reached a steady state", "steady state"),
            (
                "deployment failed: tasks failed to start",
                "circuit breaker",
            ),
            ("deployment failed: rolling back to", "rolling back"),
        ];
        let mut seen = 0;
        for w in walkthroughs() {
            let texts: String = w.steps.iter().map(|s| s.text.as_str()).collect();
            for (k, step) in w.steps.iter().enumerate() {
                let Some(Ok((run, _))) = step.simulation() else {
                    continue;
                };
                for event in run.steps.iter().flat_map(|s| &s.events) {
                    let (_, needed) = explained_by
                        .iter()
                        .find(|(words, _)| event.contains(words))
                        .unwrap_or_else(|| panic!("{} step {k}: no text explains {event:?}", w.id));
                    assert!(
                        texts.contains(needed),
                        "{} never says {needed:?} for {event:?}",
                        w.id
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen >= 10, "{seen} events");
    }
}
