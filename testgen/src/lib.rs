//! Random plans for tests, written once for the property tests
//! (`core/tests/properties.rs`, which decode proptest's random bytes into a
//! [`Recipe`]) and the fuzz targets (`fuzz/`, which derive one from
//! libFuzzer's input). A recipe is small numbers; [`plan_json`] turns it into
//! a Berth plan that loads, covering what users write:
//!
//! - instance groups of several types, zones, ENI trunking, reserved and
//!   overridden registered memory;
//! - the dynamic host port range, agent-reserved TCP and UDP ports (up to the
//!   limit of 100);
//! - task definitions in bridge, host and awsvpc mode, container- and
//!   task-level CPU and memory, reservations, hard limits, static, dynamic
//!   and UDP ports, GPUs;
//! - every `memberOf` form Berth reads (every operator, `and`/`or`/`not`,
//!   parentheses, lists, quoted values) and `distinctInstance`;
//! - services with every placement strategy and chain, daemon services,
//!   standalone tasks
//!   (`tasks[]`, with a count and sometimes RunTask's `group`), pins;
//! - now and then a large cluster (300 to 599 instances, 70 to 199 tasks of one
//!   service) that crosses the placement index's 64-bit words and 128-key
//!   blocks.

use arbitrary::{Arbitrary, Unstructured};
use serde_json::{json, Value};

/// Instance types the recipes choose from: burstable and not, x86_64 and
/// arm64, ENI trunking and not, with GPUs (4) and without.
pub const TYPES: &[&str] = &[
    "t2.micro",
    "t2.small",
    "c5.large",
    "m5.large",
    "m6g.medium",
    "t3.nano",
    "c6g.large",
    "m5.xlarge",
    "g4dn.12xlarge",
];
const ZONES: &[&str] = &["us-east-1a", "us-east-1b", "us-east-1c"];
const MODES: &[&str] = &["bridge", "bridge", "host", "awsvpc"];
const CONTAINER_PORTS: &[u16] = &[80, 8000, 8001, 53];
/// Host ports for bridge mode: 0 is dynamic; 22 collides with the agent's
/// reserved ports; 32768 sits inside some dynamic ranges.
pub const HOST_PORTS: &[u16] = &[0, 0, 80, 8000, 32768, 22];
const RANGES: &[[u16; 2]] = &[
    [49153, 65535],
    [32768, 61000],
    [32768, 32771],
    [40000, 40000],
];
/// Placement strategies and chains, including chains whose first key ties.
pub const STRATEGIES: &[&str] = &[
    "[]",
    r#"[{"type": "binpack", "field": "memory"}]"#,
    r#"[{"type": "binpack", "field": "cpu"}]"#,
    r#"[{"type": "spread", "field": "instanceId"}]"#,
    r#"[{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]"#,
    r#"[{"type": "random"}]"#,
    r#"[{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"}]"#,
    r#"[{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "cpu"}]"#,
    r#"[{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "memory"}]"#,
    r#"[{"type": "spread", "field": "attribute:ecs.instance-type"}]"#,
];

/// A whole plan, as small numbers.
#[derive(Debug, Clone, Arbitrary)]
pub struct Recipe {
    /// Up to four are used.
    pub groups: Vec<Group>,
    /// Up to five are used.
    pub task_definitions: Vec<TaskDef>,
    /// Up to five are used.
    pub services: Vec<Svc>,
    /// Standalone tasks; up to three are used.
    pub tasks: Vec<Standalone>,
    /// (service, instance); up to four are used.
    pub pins: Vec<(u8, u8)>,
    /// The dynamic range and the agent's reserved ports.
    pub ports: PortSettings,
    /// One in sixteen recipes makes a large cluster.
    pub large: u8,
    /// The large cluster's size.
    pub large_size: (u16, u8),
}

/// One instance group.
#[derive(Debug, Clone, Arbitrary)]
pub struct Group {
    /// Index into [`TYPES`].
    pub instance_type: u8,
    /// Instances, 0 to 7.
    pub count: u8,
    /// ENI trunking.
    pub trunking: bool,
    /// How many zones, 0 (the default zone) to 3.
    pub zones: u8,
    /// ECS_RESERVED_MEMORY, in 32 MiB steps.
    pub reserved_memory: Option<u8>,
    /// A registered memory read from a real instance.
    pub registered_memory: Option<u16>,
}

/// The cluster's port settings.
#[derive(Debug, Clone, Arbitrary)]
pub struct PortSettings {
    /// Index into the dynamic ranges (the default first; some tiny).
    pub range: u8,
    /// 0: the agent's default list; 1: none; 2: default and 8000; 3: 95
    /// ports, so a task with static ports meets the limit of 100.
    pub reserved: u8,
    /// UDP 53 reserved.
    pub reserved_udp: bool,
}

/// One container.
#[derive(Debug, Clone, Arbitrary)]
pub struct Container {
    /// CPU units.
    pub cpu: u16,
    /// memoryReservation.
    pub reservation: u16,
    /// A hard limit this much above the reservation.
    pub extra: Option<u16>,
    /// Only a hard limit, no reservation.
    pub limit_only: bool,
    /// (container port, host port, UDP).
    pub ports: Vec<(u8, u8, bool)>,
}

/// One task definition.
#[derive(Debug, Clone, Arbitrary)]
pub struct TaskDef {
    /// Index into the network modes.
    pub mode: u8,
    /// Up to three are used.
    pub containers: Vec<Container>,
    /// Task-level CPU, in 128-unit steps; some written as vCPUs.
    pub task_cpu: Option<u8>,
    /// Task-level memory, in 64 MiB steps; some written in GB.
    pub task_memory: Option<u8>,
    /// A memberOf constraint.
    pub member_of: Option<Expr>,
}

/// A service whose strategy byte is this or more is a daemon.
const DAEMON_FROM: u8 = 232;

/// A container whose CPU is this or more asks for GPUs.
const GPU_FROM: u16 = 60_000;

/// A standalone entry whose count byte is this or more names its own group.
const GROUP_FROM: u8 = 192;

/// One service.
#[derive(Debug, Clone, Arbitrary)]
pub struct Svc {
    /// Which task definition.
    pub task_definition: u8,
    /// desiredCount, 0 to 11.
    pub desired: u8,
    /// Index into [`STRATEGIES`].
    pub strategy: u8,
    /// distinctInstance.
    pub distinct: bool,
    /// A memberOf constraint of the service's own.
    pub member_of: Option<Expr>,
}

/// One standalone task (RunTask), with a count.
#[derive(Debug, Clone, Arbitrary)]
pub struct Standalone {
    /// Which task definition.
    pub task_definition: u8,
    /// How many, 1 to 6.
    pub count: u8,
    /// Index into [`STRATEGIES`].
    pub strategy: u8,
    /// distinctInstance.
    pub distinct: bool,
}

/// A cluster query language expression.
#[derive(Debug, Clone, Arbitrary)]
pub enum Expr {
    /// One test.
    Test(Test),
    /// `not (…)`, `!(…)`.
    Not(Box<Expr>),
    /// `… and …`, `… && …`.
    And(Box<Expr>, Box<Expr>),
    /// `… or …`, `… || …`.
    Or(Box<Expr>, Box<Expr>),
}

/// One test of an attribute.
#[derive(Debug, Clone, Arbitrary)]
pub struct Test {
    /// Which subject.
    pub subject: u8,
    /// Which operator, and how it is spelled.
    pub op: u8,
    /// Which values.
    pub values: (u8, u8),
    /// Quote the value.
    pub quoted: bool,
}

/// Subjects and values they can take (the last value of each is never
/// taken, so `!=`, `not in` and `!~` have something to pass).
const SUBJECTS: &[(&str, &[&str])] = &[
    (
        "attribute:ecs.instance-type",
        &["t2.micro", "t2.small", "m5.large", "c6g.large", "x1.metal"],
    ),
    (
        "attribute:ecs.availability-zone",
        &["us-east-1a", "us-east-1b", "us-east-1c", "eu-west-1a"],
    ),
    (
        "attribute:ecs.cpu-architecture",
        &["x86_64", "arm64", "mips"],
    ),
    ("attribute:ecs.os-type", &["linux", "windows"]),
    ("attribute:stack", &["prod", "dev"]),
    ("ec2InstanceId", &["g0-1", "g1-2", "g0-3", "i-0"]),
    // The groups of the tasks already on the instance (§10.2): affinity
    // and anti-affinity between the generated services.
    (
        "task:group",
        &[
            "service:s0",
            "service:s1",
            "family:td0",
            "batch:1",
            "service:none",
        ],
    ),
];
/// Java regular expressions (ecs-semantics.md §10.3), quoted where the
/// query language would read a character as its own.
const PATTERNS: &[&str] = &[
    "t2.*",
    ".*\\.large",
    ".*",
    "us-east-1[ab]",
    ".*64",
    "m.*large",
    "'(t2|m5)\\..*'",
    "*.large",
];

impl Test {
    fn render(&self) -> String {
        let (subject, values) = SUBJECTS[self.subject as usize % SUBJECTS.len()];
        let value = |k: u8| {
            let v = values[k as usize % values.len()];
            if self.quoted {
                format!("'{v}'")
            } else {
                v.to_string()
            }
        };
        let pattern = PATTERNS[self.values.0 as usize % PATTERNS.len()];
        let list = format!("[{}, {}]", value(self.values.0), value(self.values.1));
        match self.op % 18 {
            0 => format!("{subject} == {}", value(self.values.0)),
            1 => format!("{subject} equals {}", value(self.values.0)),
            2 => format!("{subject} != {}", value(self.values.0)),
            3 => format!("{subject} not_equals {}", value(self.values.0)),
            4 => format!("{subject} =~ {pattern}"),
            5 => format!("{subject} matches {pattern}"),
            6 => format!("{subject} !~ {pattern}"),
            7 => format!("{subject} not_matches {pattern}"),
            8 => format!("{subject} in {list}"),
            9 => format!("{subject} not in {list}"),
            10 => format!("{subject} exists"),
            11 => format!("{subject} !exists"),
            12 => format!("{subject} not_exists"),
            13 => format!("{subject} > {}", value(self.values.0)),
            14 => format!("{subject} >= {}", value(self.values.0)),
            15 => format!("{subject} < {}", value(self.values.0)),
            16 => format!("{subject} <= {}", value(self.values.0)),
            _ => format!("{subject} not exists"),
        }
    }
}

impl Expr {
    /// The expression as text; below `depth` 0 only tests are written, so a
    /// deep recipe still makes a short expression.
    pub fn render(&self, depth: u8) -> String {
        let leaf = |e: &Expr| match e {
            Expr::Test(t) => t.render(),
            _ => "attribute:ecs.os-type exists".to_string(),
        };
        if depth == 0 {
            return leaf(self);
        }
        match self {
            Expr::Test(t) => t.render(),
            Expr::Not(e) => format!("not ({})", e.render(depth - 1)),
            Expr::And(a, b) => format!("({}) and ({})", a.render(depth - 1), b.render(depth - 1)),
            Expr::Or(a, b) => format!("({}) || ({})", a.render(depth - 1), b.render(depth - 1)),
        }
    }
}

fn member_of(e: &Option<Expr>) -> Value {
    match e {
        Some(e) => json!([{"type": "memberOf", "expression": e.render(3)}]),
        None => json!([]),
    }
}

fn strategy(k: u8) -> Value {
    serde_json::from_str(STRATEGIES[k as usize % STRATEGIES.len()]).expect("strategies are JSON")
}

fn container(k: usize, c: &Container, mode: &str) -> Value {
    let mut seen = std::collections::BTreeSet::new();
    let ports: Vec<Value> = c
        .ports
        .iter()
        .take(3)
        .filter(|(container, _, _)| seen.insert(*container as usize % CONTAINER_PORTS.len()))
        .map(|(container, host, udp)| {
            let container_port = CONTAINER_PORTS[*container as usize % CONTAINER_PORTS.len()];
            let host_port = match mode {
                "bridge" => HOST_PORTS[*host as usize % HOST_PORTS.len()],
                _ => container_port,
            };
            json!({"containerPort": container_port, "hostPort": host_port,
                "protocol": if *udp { "udp" } else { "tcp" }})
        })
        .collect();
    let reservation = u32::from(c.reservation % 1024).max(6);
    let mut v = json!({"name": format!("c{k}"), "cpu": c.cpu % 1536, "portMappings": ports});
    // Now and then one or two GPUs (§10.4), from the CPU byte's top bits.
    if c.cpu >= GPU_FROM {
        v["resourceRequirements"] = json!([{"type": "GPU", "value": (1 + c.cpu % 2).to_string()}]);
    }
    if c.limit_only {
        v["memory"] = json!(reservation);
    } else {
        v["memoryReservation"] = json!(reservation);
        if let Some(extra) = c.extra {
            v["memory"] = json!(reservation + u32::from(extra % 1024));
        }
    }
    v
}

fn task_definition(i: usize, td: &TaskDef) -> Value {
    let mode = MODES[td.mode as usize % MODES.len()];
    let mut containers: Vec<Value> = td
        .containers
        .iter()
        .take(3)
        .enumerate()
        .map(|(k, c)| container(k, c, mode))
        .collect();
    if containers.is_empty() {
        containers.push(json!({"name": "c0", "memoryReservation": 64}));
    }
    let mut v = json!({"family": format!("td{i}"), "networkMode": mode,
        "containerDefinitions": containers, "placementConstraints": member_of(&td.member_of)});
    if let Some(cpu) = td.task_cpu {
        let units = (u32::from(cpu % 16) + 1) * 128;
        v["cpu"] = if units % 1024 == 0 {
            json!(format!("{} vCPU", units / 1024))
        } else {
            json!(units.to_string())
        };
    }
    if let Some(memory) = td.task_memory {
        let mib = (u32::from(memory % 32) + 1) * 64;
        v["memory"] = if mib % 1024 == 0 {
            json!(format!("{} GB", mib / 1024))
        } else {
            json!(mib)
        };
    }
    v
}

fn group(i: usize, g: &Group) -> Value {
    let zones = &ZONES[..(g.zones % 4) as usize];
    let mut v = json!({"name": format!("g{i}"), "instanceType": TYPES[g.instance_type as usize % TYPES.len()],
        "count": g.count % 8, "availabilityZones": zones, "awsvpcTrunking": g.trunking});
    if let Some(r) = g.reserved_memory {
        v["reservedMemory"] = json!(u32::from(r % 8) * 32);
    }
    if let Some(m) = g.registered_memory {
        v["registeredMemory"] = json!(256 + u32::from(m % 8192));
    }
    v
}

fn cluster(recipe: &Recipe) -> Value {
    let mut groups: Vec<Value> = recipe
        .groups
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, g)| group(i, g))
        .collect();
    if recipe.large.is_multiple_of(16) && !groups.is_empty() {
        groups[0]["count"] = json!(300 + recipe.large_size.0 % 300);
    }
    let defaults: Vec<u16> = vec![22, 2375, 2376, 51678, 51679];
    let reserved: Vec<u16> = match recipe.ports.reserved % 4 {
        0 => defaults,
        1 => Vec::new(),
        2 => defaults.into_iter().chain([8000]).collect(),
        _ => (1000..1095).collect(),
    };
    let udp: Vec<u16> = if recipe.ports.reserved_udp {
        vec![53]
    } else {
        Vec::new()
    };
    json!({"instanceGroups": groups, "dynamicHostPortRange": RANGES[recipe.ports.range as usize % RANGES.len()],
        "reservedPorts": reserved, "reservedPortsUdp": udp})
}

/// `[{"type": "distinctInstance"}]` when `on`, else no constraint.
fn distinct(on: bool) -> Value {
    if on {
        json!([{"type": "distinctInstance"}])
    } else {
        json!([])
    }
}

/// Service `i` of a recipe, on one of its `n_td` task definitions.
fn service(i: usize, s: &Svc, n_td: usize) -> Value {
    let mut constraints = distinct(s.distinct);
    if let Some(e) = &s.member_of {
        constraints
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "memberOf", "expression": e.render(2)}));
    }
    let mut service = json!({"serviceName": format!("s{i}"), "taskDefinition": format!("td{}", s.task_definition as usize % n_td),
        "desiredCount": s.desired % 12, "placementStrategy": strategy(s.strategy),
        "placementConstraints": constraints});
    // One service in eleven or so is a daemon (§10.1): it keeps its
    // desiredCount and strategies, which ECS does not use.
    if s.strategy >= DAEMON_FROM {
        service["schedulingStrategy"] = json!("DAEMON");
    }
    service
}

/// The plan a recipe describes, as Berth plan JSON. It always loads; it may
/// break validation rules (the board shows such plans too).
pub fn plan_json(recipe: &Recipe) -> Value {
    let cluster = cluster(recipe);
    let mut tds: Vec<Value> = recipe
        .task_definitions
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, td)| task_definition(i, td))
        .collect();
    if tds.is_empty() {
        tds.push(json!({"family": "td0", "containerDefinitions": [{"name": "c0", "memoryReservation": 64}]}));
    }
    let n_td = tds.len().max(1);
    let mut services: Vec<Value> = recipe
        .services
        .iter()
        .take(5)
        .enumerate()
        .map(|(i, s)| service(i, s, n_td))
        .collect();
    if recipe.large.is_multiple_of(16) && !services.is_empty() {
        services[0]["desiredCount"] = json!(70 + u32::from(recipe.large_size.1) % 130);
    }
    let tasks: Vec<Value> = recipe
        .tasks
        .iter()
        .take(3)
        .map(|t| {
            let mut run = json!({"taskDefinition": format!("td{}", t.task_definition as usize % n_td),
                "count": 1 + t.count % 6, "placementStrategy": strategy(t.strategy),
                "placementConstraints": distinct(t.distinct)});
            // Now and then RunTask's own task group (§10.2), shared by the
            // entries that draw the same count.
            if t.count >= GROUP_FROM {
                run["group"] = json!(format!("batch:{}", t.count % 2));
            }
            run
        })
        .collect();
    let instances: Vec<String> = cluster["instanceGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            let name = g["name"].as_str().unwrap().to_string();
            (1..=g["count"].as_u64().unwrap()).map(move |n| format!("{name}-{n}"))
        })
        .collect();
    let pins: Vec<Value> = recipe
        .pins
        .iter()
        .take(4)
        .filter(|_| !services.is_empty() && !instances.is_empty())
        .map(|(s, i)| {
            json!({"service": format!("s{}", *s as usize % services.len()),
                "instance": instances[*i as usize % instances.len()]})
        })
        .collect();
    json!({"berthVersion": 1, "name": "generated", "cluster": cluster,
        "taskDefinitions": tds, "services": services, "tasks": tasks, "pins": pins})
}

/// A recipe from raw bytes (proptest's, or any), as cargo-fuzz would make it.
pub fn recipe_from_bytes(bytes: &[u8]) -> Recipe {
    Recipe::arbitrary(&mut Unstructured::new(bytes))
        .expect("arbitrary fills missing bytes with zeros")
}
