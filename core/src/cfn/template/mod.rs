//! The CloudFormation template Berth writes for a plan (§6.1), in the two
//! shapes a team deploys (issue 23, item 3):
//!
//! - [`Shape::Stack`], the whole stack as the seed's microtrader stack has
//!   it: a VPC with a public subnet per zone, security groups, an
//!   Application Load Balancer with a listener and target group per
//!   load-balanced service, the cluster, an instance role and profile, a
//!   launch template (the ECS-optimised AMI from its public SSM parameter
//!   unless the plan names one) and Auto Scaling group per instance group;
//! - [`Shape::Services`], services into an existing cluster: target groups
//!   and listener rules on the platform's listener, with parameters for the
//!   cluster, VPC, listener, subnets and security groups.
//!
//! Both carry the task execution role, a log group per family, the task
//! definitions and services (strategies, constraints, deployment
//! configuration, health-check grace period, deregistration delay). Fields
//! bound to parameters are written as `Ref` (or `Fn::Sub` for an image
//! tag); a parameter no resource uses is left out of the template (cfn-lint
//! W2001) and kept in Berth's metadata, with everything else an import
//! needs to restore the plan exactly.

mod ecs;
mod fleet;
mod load_balancing;
mod network;
mod refs;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::bindings::{self, Target};
use super::params::parameters;
use crate::model::Plan;

/// The Metadata key under which Berth keeps in a template what it needs to read the plan back.
pub const METADATA_KEY: &str = "Berth";

/// The resource types Berth writes so that a template deploys, and does not
/// read back into the plan: an import of Berth's own template passes over
/// them without a word.
pub const DEPLOYMENT_RESOURCES: &[&str] = &[
    "AWS::EC2::VPC",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::Subnet",
    "AWS::EC2::EIP",
    "AWS::EC2::NatGateway",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::IAM::Role",
    "AWS::IAM::InstanceProfile",
    "AWS::Logs::LogGroup",
];

/// The properties Berth writes on task definitions and containers so that
/// they run (a role to pull images and send logs, the log driver), which
/// the plan does not hold: an import of Berth's own template does not say
/// it leaves them out.
pub const DEPLOYMENT_PROPERTIES: &[&str] = &["ExecutionRoleArn", "LogConfiguration"];

/// Which template: the whole stack, or services into a cluster that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Network, load balancer, cluster, instances and services.
    Stack,
    /// Task definitions, services and their load balancing, into a cluster
    /// a platform stack already runs.
    Services,
}

impl Shape {
    /// The name Berth's metadata and the CLI (`--shape`) use.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Stack => "stack",
            Shape::Services => "services",
        }
    }
}

/// A template and what the user should know beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The template as a JSON value; [`super::yaml::to_yaml`] writes it as YAML.
    pub template: Value,
    /// What the template leaves to deploy time or could not write, in words.
    pub notes: Vec<String>,
}

/// A logical ID from a name: alphanumerics only, PascalCase.
pub fn logical_id(name: &str, suffix: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    out + suffix
}

/// The template of `plan` in `shape`, as a JSON value.
pub fn write_template(plan: &Plan, shape: Shape) -> Value {
    write(plan, shape).template
}

/// Where the ECS resources find what the shape gives them: the cluster, the
/// VPC, and the subnets and security groups of awsvpc tasks.
struct Wiring {
    cluster: Value,
    vpc: Value,
    task_subnets: Value,
    task_security_groups: Value,
}

/// The template being written: its resources in order, the parameters it
/// adds for deploying, and the notes for the user.
struct Writer<'a> {
    plan: &'a Plan,
    resources: Map<String, Value>,
    deploy_parameters: Map<String, Value>,
    notes: Vec<String>,
}

impl Writer<'_> {
    /// A resource's logical id: `base`, or `baseResource` where the plan
    /// has a parameter of that name (CloudFormation refuses a template in
    /// which a resource and a parameter share one).
    fn id(&self, base: &str) -> String {
        let parameters = self.plan.cloud_formation.as_ref().map(|c| &c.parameters);
        let mut id = base.to_string();
        while parameters.is_some_and(|p| p.contains_key(&id)) {
            id.push_str("Resource");
        }
        id
    }

    /// A Ref to the resource whose id is made from `base`.
    fn resource(&self, base: &str) -> Value {
        reference(self.id(base))
    }

    /// A resource's attribute, `Fn::GetAtt`.
    fn attribute(&self, base: &str, name: &str) -> Value {
        json!({ "Fn::GetAtt": [self.id(base), name] })
    }

    fn add(&mut self, base: &str, resource: Value) {
        let id = self.id(base);
        self.resources.insert(id, resource);
    }

    /// A parameter the template needs to deploy; left out again when no
    /// resource uses it. The plan's own parameter of that name and type is
    /// used as it is (a platform's `VpcId`); one of another type keeps its
    /// name, and this one takes a prefix.
    fn deploy_parameter(&mut self, name: &str, declaration: Value) -> Value {
        let theirs = self
            .plan
            .cloud_formation
            .as_ref()
            .and_then(|c| c.parameters.get(name));
        let name = match theirs {
            Some(p) if declaration.get("Type").and_then(Value::as_str) == Some(&p.kind) => {
                return reference(name)
            }
            Some(_) => format!("Berth{name}"),
            None => name.to_string(),
        };
        self.deploy_parameters.insert(name.clone(), declaration);
        reference(name)
    }

    /// The parameter bound to a target, if any.
    fn bound(&self, target: &Target) -> Option<String> {
        let cfn = self.plan.cloud_formation.as_ref()?;
        cfn.bindings
            .iter()
            .find(|(name, paths)| {
                cfn.parameters.contains_key(*name)
                    && paths
                        .iter()
                        .any(|path| bindings::parse(path).ok().as_ref() == Some(target))
            })
            .map(|(name, _)| name.clone())
    }

    /// `value`, or a Ref to the parameter bound to `target`.
    fn bound_or(&self, target: &Target, value: Value) -> Value {
        self.bound(target).map_or(value, reference)
    }
}

/// The whole stack's cluster's logical id; services and user data name it.
const CLUSTER_ID: &str = "EcsCluster";

/// An IAM role that `service` (an AWS service principal) assumes, with one
/// of AWS's managed policies (`service-role/POLICY`).
fn service_role(service: &str, policy: &str) -> Value {
    json!({"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]},
        "ManagedPolicyArns": [{"Fn::Sub":
            format!("arn:${{AWS::Partition}}:iam::aws:policy/service-role/{policy}")}]}})
}

fn reference(name: impl Into<String>) -> Value {
    json!({ "Ref": name.into() })
}

/// The template of `plan` in `shape`, with the notes to show beside it.
pub fn write(plan: &Plan, shape: Shape) -> Written {
    let mut w = Writer {
        plan,
        resources: Map::new(),
        deploy_parameters: Map::new(),
        notes: Vec::new(),
    };
    let wiring = match shape {
        Shape::Stack => network::write(&mut w),
        Shape::Services => network::existing(&mut w),
    };
    let attachments = load_balancing::write(&mut w, shape, &wiring);
    if shape == Shape::Stack {
        fleet::write(&mut w);
    }
    ecs::write(&mut w, &wiring, &attachments);
    finish(w, shape)
}

/// Parameters, metadata and resources in CloudFormation's order; the
/// parameters no resource uses are moved to the metadata.
fn finish(w: Writer, shape: Shape) -> Written {
    let used = refs::referenced(&Value::Object(w.resources.clone()));
    let plan_parameters = parameters(w.plan);
    let mut declared = Map::new();
    let mut unused = Map::new();
    for (name, p) in &plan_parameters {
        let declaration = serde_json::to_value(p).expect("parameters serialise");
        if used.contains(name) {
            declared.insert(name.clone(), declaration);
        } else {
            unused.insert(name.clone(), declaration);
        }
    }
    let mut notes = w.notes;
    let mut deploy_names = Vec::new();
    for (name, declaration) in w.deploy_parameters {
        if used.contains(&name) && !declared.contains_key(&name) {
            deploy_names.push(name.clone());
            declared.insert(name, declaration);
        }
    }
    if !unused.is_empty() {
        let names: Vec<&str> = unused.keys().map(String::as_str).collect();
        notes.push(format!(
            "Not declared: {} (no resource of this template uses them; Berth's metadata keeps them for an import).",
            names.join(", ")
        ));
    }
    if let Some(note) = at_deploy_note(w.plan, &declared) {
        notes.insert(0, note);
    }
    let mut meta = metadata(w.plan, shape);
    meta["deployParameters"] = json!(deploy_names);
    if !unused.is_empty() {
        meta["unusedParameters"] = Value::Object(unused);
        meta["parameterOrder"] = json!(plan_parameters.keys().collect::<Vec<_>>());
    }
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    t.insert(
        "Description".into(),
        json!(format!("ECS services planned with Berth: {}", w.plan.name)),
    );
    if !declared.is_empty() {
        t.insert("Parameters".into(), Value::Object(declared));
    }
    t.insert("Resources".into(), Value::Object(w.resources));
    // Last: what a reader of the template wants first is above it.
    t.insert("Metadata".into(), json!({ METADATA_KEY: meta }));
    Written {
        template: Value::Object(t),
        notes,
    }
}

/// The declared parameters without a Default, which CloudFormation asks
/// for at deploy time, and where their values come from: the plan's
/// deploy overrides (`aws cloudformation deploy` passes over an override
/// the template does not declare), or the user.
fn at_deploy_note(plan: &Plan, declared: &Map<String, Value>) -> Option<String> {
    let names: Vec<&str> = declared
        .iter()
        .filter(|(_, d)| d.get("Default").is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    let first = *names.first()?;
    let with_value: Vec<String> = super::resolve(plan)
        .0
        .into_iter()
        .filter(|r| r.value.is_some())
        .map(|r| r.name)
        .collect();
    let from_user: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !with_value.iter().any(|v| v == n))
        .collect();
    let mut note = format!(
        "To give at deploy time (no Default): {}. aws cloudformation deploy --parameter-overrides {first}=…",
        names.join(", ")
    );
    if from_user.len() < names.len() {
        note.push_str(
            "; the plan's values are in its deploy-overrides export (file://…), which deploy reads for the parameters this template declares",
        );
    }
    if let Some(user) = from_user.first().filter(|_| from_user.len() < names.len()) {
        note.push_str(&format!("; add {user}=… for the rest"));
    }
    note.push('.');
    Some(note)
}

/// What an import needs to restore the plan: its name, shape, dynamic port
/// range, stack name, bindings, and what each bound parameter was when
/// exported (so that an import restores the plan rather than the
/// parameters' Defaults); for the services shape, the cluster and its
/// instance groups, which the template does not create.
fn metadata(plan: &Plan, shape: Shape) -> Value {
    let mut meta = json!({
        "plan": plan.name,
        "shape": shape.name(),
        "dynamicHostPortRange": plan.cluster.dynamic_host_port_range,
    });
    if shape == Shape::Services {
        meta["clusterName"] = json!(plan.cluster.cluster_name);
        // Without nulls: CloudFormation refuses a null anywhere in a template.
        let mut groups = json!(plan.cluster.instance_groups);
        drop_nulls(&mut groups);
        meta["instanceGroups"] = groups;
    }
    if let Some(cfn) = &plan.cloud_formation {
        meta["stackName"] = json!(cfn.stack_name);
        if !cfn.bindings.is_empty() {
            meta["bindings"] = crate::model::cloudformation::bindings_json(&cfn.bindings);
        }
        let bound: IndexMap<String, Value> = super::resolve(plan)
            .0
            .into_iter()
            .filter(|r| r.source == super::Source::Binding && !r.no_echo)
            .filter_map(|r| r.value.map(|v| (r.name, json!(v))))
            .collect();
        if !bound.is_empty() {
            meta["values"] = json!(bound);
        }
    }
    meta
}

fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
