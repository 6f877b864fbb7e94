//! Binding paths: how a CloudFormation parameter names a plan field.
//!
//! `cluster.instanceGroups[app].count`, `cluster.instanceGroups[app].instanceType`,
//! `services[quote].desiredCount`,
//! `taskDefinitions[quote].containerDefinitions[quote].image` (and `image:tag`,
//! the part after the last colon), `.cpu`, `.memory`, `.memoryReservation`.
//! Brackets select by name: group name, serviceName, family, container name.

use crate::model::{ContainerDefinition, Plan};

/// A parsed binding target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `cluster.instanceGroups[NAME].count`: a group's instance count.
    GroupCount(String),
    /// `cluster.instanceGroups[NAME].instanceType`: a group's EC2 type.
    GroupInstanceType(String),
    /// `services[NAME].desiredCount`.
    ServiceDesiredCount(String),
    /// `taskDefinitions[FAMILY].containerDefinitions[NAME].FIELD`: one field of a container.
    Container {
        /// The task definition family.
        family: String,
        /// The container's name.
        container: String,
        /// Which field.
        field: ContainerField,
    },
}

/// The container fields a parameter can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerField {
    /// `image`: the whole image reference.
    Image,
    /// `image:tag`: only the tag after the image's last colon.
    ImageTag,
    /// `cpu`: CPU units.
    Cpu,
    /// `memory`: the hard limit (MiB).
    Memory,
    /// `memoryReservation`: the soft limit (MiB).
    MemoryReservation,
}

fn bracket<'a>(segment: &'a str, name: &str) -> Option<&'a str> {
    segment
        .strip_prefix(name)?
        .strip_prefix('[')?
        .strip_suffix(']')
}

/// Reads a binding path such as `services[api].desiredCount`; the error names the path.
pub fn parse(path: &str) -> Result<Target, String> {
    let bad = || {
        format!("binding \"{path}\" does not name a plan field Berth can bind (see the CloudFormation section of the README)")
    };
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["cluster", g, field] => {
            let group = bracket(g, "instanceGroups").ok_or_else(bad)?.to_string();
            match *field {
                "count" => Ok(Target::GroupCount(group)),
                "instanceType" => Ok(Target::GroupInstanceType(group)),
                _ => Err(bad()),
            }
        }
        [s, "desiredCount"] => Ok(Target::ServiceDesiredCount(
            bracket(s, "services").ok_or_else(bad)?.to_string(),
        )),
        [t, c, field] => {
            let family = bracket(t, "taskDefinitions").ok_or_else(bad)?.to_string();
            let container = bracket(c, "containerDefinitions")
                .ok_or_else(bad)?
                .to_string();
            let field = match *field {
                "image" => ContainerField::Image,
                "image:tag" => ContainerField::ImageTag,
                "cpu" => ContainerField::Cpu,
                "memory" => ContainerField::Memory,
                "memoryReservation" => ContainerField::MemoryReservation,
                _ => return Err(bad()),
            };
            Ok(Target::Container {
                family,
                container,
                field,
            })
        }
        _ => Err(bad()),
    }
}

/// Splits an image into (repository, tag); the tag is after the last colon
/// that comes after the last slash (a registry port is not a tag).
pub fn split_image(image: &str) -> (&str, Option<&str>) {
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].rfind(':') {
        Some(i) => (&image[..slash + i], Some(&image[slash + i + 1..])),
        None => (image, None),
    }
}

fn container<'a>(
    plan: &'a Plan,
    family: &str,
    name: &str,
) -> Result<&'a ContainerDefinition, String> {
    let td = plan
        .task_definition(family)
        .ok_or_else(|| format!("binding names unknown task definition \"{family}\""))?;
    td.container_definitions
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("task definition {family} has no container \"{name}\""))
}

/// Reads a bound field's value, as a CloudFormation parameter string.
pub fn read(plan: &Plan, path: &str) -> Result<String, String> {
    let group = |g: &str| {
        plan.cluster
            .instance_groups
            .iter()
            .find(|x| x.name == g)
            .ok_or_else(|| format!("binding names unknown instance group \"{g}\""))
    };
    match parse(path)? {
        Target::GroupCount(g) => Ok(group(&g)?.count.to_string()),
        Target::GroupInstanceType(g) => Ok(group(&g)?.instance_type.clone()),
        Target::ServiceDesiredCount(s) => plan
            .service(&s)
            .map(|s| s.desired_count.to_string())
            .ok_or_else(|| format!("binding names unknown service \"{s}\"")),
        Target::Container {
            family,
            container: name,
            field,
        } => {
            let c = container(plan, &family, &name)?;
            match field {
                ContainerField::Image => Ok(c.image.clone()),
                ContainerField::ImageTag => split_image(&c.image)
                    .1
                    .map(str::to_string)
                    .ok_or_else(|| format!("image \"{}\" has no tag to bind", c.image)),
                ContainerField::Cpu => Ok(c.cpu.to_string()),
                ContainerField::Memory => c
                    .memory
                    .map(|m| m.to_string())
                    .ok_or_else(|| format!("container {name} has no memory to bind")),
                ContainerField::MemoryReservation => c
                    .memory_reservation
                    .map(|m| m.to_string())
                    .ok_or_else(|| format!("container {name} has no memoryReservation to bind")),
            }
        }
    }
}

/// Sets a bound field to a parameter's value, as CloudFormation would
/// when the stack is deployed with it; the error names what cannot be set.
pub fn write(plan: &mut Plan, path: &str, value: &str) -> Result<(), String> {
    let number = || {
        value
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("\"{value}\" is not a whole number for {path}"))
    };
    match parse(path)? {
        Target::GroupCount(g) => group_mut(plan, &g)?.count = number()?,
        Target::GroupInstanceType(g) => group_mut(plan, &g)?.instance_type = value.to_string(),
        Target::ServiceDesiredCount(s) => {
            let n = number()?;
            plan.services
                .iter_mut()
                .find(|x| x.service_name == s)
                .ok_or_else(|| format!("binding names unknown service \"{s}\""))?
                .desired_count = n;
        }
        Target::Container {
            family,
            container: name,
            field,
        } => {
            let n = if matches!(field, ContainerField::Image | ContainerField::ImageTag) {
                0
            } else {
                number()?
            };
            let c = container_mut(plan, &family, &name)?;
            match field {
                ContainerField::Image => c.image = value.to_string(),
                ContainerField::ImageTag => {
                    c.image = format!("{}:{value}", split_image(&c.image).0);
                }
                ContainerField::Cpu => c.cpu = n,
                ContainerField::Memory => c.memory = Some(n),
                ContainerField::MemoryReservation => c.memory_reservation = Some(n),
            }
        }
    }
    Ok(())
}

fn group_mut<'a>(
    plan: &'a mut Plan,
    name: &str,
) -> Result<&'a mut crate::model::InstanceGroup, String> {
    plan.cluster
        .instance_groups
        .iter_mut()
        .find(|g| g.name == name)
        .ok_or_else(|| format!("binding names unknown instance group \"{name}\""))
}

fn container_mut<'a>(
    plan: &'a mut Plan,
    family: &str,
    name: &str,
) -> Result<&'a mut ContainerDefinition, String> {
    // The revision `read` finds (a family alone names its highest).
    let td = plan
        .task_definition(family)
        .ok_or_else(|| format!("binding names unknown task definition \"{family}\""))?;
    let key = (td.family.clone(), td.revision);
    plan.task_definitions
        .iter_mut()
        .find(|td| (td.family.as_str(), td.revision) == (key.0.as_str(), key.1))
        .and_then(|td| td.container_definitions.iter_mut().find(|c| c.name == name))
        .ok_or_else(|| format!("task definition {family} has no container \"{name}\""))
}

/// A bound field in words: "group app's count", "service web's desiredCount".
pub fn describe(path: &str) -> String {
    match parse(path) {
        Ok(Target::GroupCount(g)) => format!("group {g}'s count"),
        Ok(Target::GroupInstanceType(g)) => format!("group {g}'s instance type"),
        Ok(Target::ServiceDesiredCount(s)) => format!("service {s}'s desiredCount"),
        Ok(Target::Container {
            family,
            container,
            field,
        }) => {
            let field = match field {
                ContainerField::Image => "image",
                ContainerField::ImageTag => "image tag",
                ContainerField::Cpu => "cpu",
                ContainerField::Memory => "memory",
                ContainerField::MemoryReservation => "memoryReservation",
            };
            format!("container {container}'s {field} in {family}")
        }
        Err(_) => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(
            split_image("dockerproductionaws/microtrader-quote:1.4"),
            ("dockerproductionaws/microtrader-quote", Some("1.4"))
        );
        assert_eq!(
            split_image("registry:5000/app"),
            ("registry:5000/app", None)
        );
        assert_eq!(
            split_image("registry:5000/app:2"),
            ("registry:5000/app", Some("2"))
        );
        assert_eq!(split_image("nginx"), ("nginx", None));
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse("cluster.instanceGroups[app].count"),
            Ok(Target::GroupCount("app".into()))
        );
        assert!(matches!(
            parse("taskDefinitions[quote].containerDefinitions[quote].image:tag"),
            Ok(Target::Container {
                field: ContainerField::ImageTag,
                ..
            })
        ));
        assert!(parse("services[quote].nope").is_err());
        assert!(parse("cluster.instanceGroups.count").is_err());
    }
}
