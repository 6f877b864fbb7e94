"""Every export format read back the way its consumer reads it (§6.2), and
every exported template linted by cfn-lint with zero errors."""

import copy
import json
import os
import re
import shlex
import subprocess
import tempfile
import unittest

import yaml
from awscli.argprocess import unpack_argument, unpack_cli_arg
from awscli.clidriver import create_clidriver
from awscli.paramfile import URIArgumentHandler
from botocore.validate import validate_parameters

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(ROOT, "public", "examples", "microtrader.json")
CFN_LINT = os.path.join(ROOT, ".venv", "bin", "cfn-lint")


def berth(*args, check=True):
    proc = subprocess.run(
        ["cargo", "run", "--quiet", "-p", "berth-cli", "--", *args],
        cwd=ROOT, capture_output=True, text=True,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"berth {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class AwsCli:
    """aws-cli's own argument processing: file:// loading and JSON unpacking."""

    def __init__(self):
        self.driver = create_clidriver()
        # The CLI registers its file:// loader when its session initialises.
        self.driver.session.register("load-cli-arg", URIArgumentHandler())
        self.cfn = self.driver._get_command_table()["cloudformation"]._get_command_table()

    def arg(self, command, name, path):
        argument = self.cfn[command].arg_table[name]
        # argparse hands list-valued options over as a list of words.
        raw = unpack_argument(self.driver.session, "cloudformation", command, argument, ["file://" + path], None)
        return unpack_cli_arg(argument, raw)


def expected_values():
    """What the example's parameters resolve to (value, else binding, else Default)."""
    with open(EXAMPLE) as f:
        plan = json.load(f)
    cfn = plan["cloudFormation"]
    return plan, cfn


class ExportFormats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.cli = AwsCli()
        cls.plan, cls.cfn = expected_values()

    def given_at_deploy(self):
        """NoEcho parameters the plan has no value for: left to deploy time."""
        return [k for k, p in self.cfn["parameters"].items()
                if p.get("NoEcho") and k not in self.cfn.get("values", {})]

    def written(self):
        """Every parameter an export writes, in template order."""
        return [k for k in self.cfn["parameters"] if k not in self.given_at_deploy()]

    def test_cfn_parameters_are_what_create_stack_accepts(self):
        proc = berth("export", EXAMPLE, "--format", "cfn-parameters")
        out = proc.stdout
        path = write(self.tmp, "params.json", out)
        params = self.cli.arg("create-stack", "parameters", path)
        # botocore validates it against CreateStack's own input shape.
        model = self.cli.driver.session.get_service_model("cloudformation")
        validate_parameters({"StackName": "microtrader-dev", "Parameters": params},
                            model.operation_model("CreateStack").input_shape)
        got = {p["ParameterKey"]: p["ParameterValue"] for p in params}
        # Every parameter in template order, but the NoEcho one the plan has
        # no value for: never written with a made-up value (issue 23).
        self.assertEqual(self.given_at_deploy(), ["DatabasePassword"])
        self.assertEqual(list(got), self.written())
        self.assertEqual(got["ApplicationImageId"], "ami-12341234")  # explicit value
        self.assertEqual(got["ApplicationDesiredCount"], str(self.plan["cluster"]["instanceGroups"][0]["count"]))  # binding
        self.assertEqual(got["VpcName"], "Development")  # default
        self.assertEqual(got["QuoteImageTag"], "1.4")  # image:tag binding
        self.assertIn('"ParameterKey": "DatabasePassword", "UsePreviousValue": true', proc.stderr,
                      "how to give it at deploy time, beside the output")

    def test_deploy_overrides_file_and_inline(self):
        out = berth("export", EXAMPLE, "--format", "deploy-overrides").stdout
        path = write(self.tmp, "overrides.json", out)
        values = self.cli.arg("deploy", "parameter-overrides", path)
        deploy = self.cli.cfn["deploy"]
        parsed = deploy.parse_key_value_arg(values, "parameter-overrides")
        self.assertEqual(parsed["ApplicationInstanceType"], "t2.micro")
        self.assertEqual(parsed["DatabaseUser"], "microtrader")
        inline = berth("export", EXAMPLE, "--format", "deploy-overrides", "--inline").stdout
        parsed_inline = deploy.parse_key_value_arg(shlex.split(inline), "parameter-overrides")
        self.assertEqual(parsed_inline, parsed, "the shell reads the inline form back to the same values")

    def test_codepipeline_configuration(self):
        out = json.loads(berth("export", EXAMPLE, "--format", "codepipeline").stdout)
        # aws-cli v2's CodePipelineLikeParameterOverrideParser: {"Parameters": {K: V}}, values str().
        self.assertEqual(set(out), {"Parameters"})
        self.assertTrue(all(isinstance(v, str) for v in out["Parameters"].values()))
        self.assertEqual(list(out["Parameters"]), self.written())

    def test_ansible_group_vars(self):
        out = berth("export", EXAMPLE, "--format", "ansible").stdout
        doc = yaml.safe_load(out)
        self.assertEqual(doc["config_application_image_id"], "ami-12341234")
        self.assertEqual(doc["config_application_desired_count"], 2)
        self.assertEqual(doc["config_quote_image_tag"], "1.4", "a tag that looks like a number stays a string")
        self.assertNotIn("config_vpc_name", doc, "a default is left to the template, as in the seed")

    def test_a_missing_database_user_is_cloudformations_message(self):
        plan = copy.deepcopy(self.plan)
        del plan["cloudFormation"]["values"]["DatabaseUser"]
        del plan["cloudFormation"]["values"]["ApplicationImageId"]
        path = write(self.tmp, "missing.json", json.dumps(plan))
        proc = berth("export", path, "--format", "cfn-parameters", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn("Parameters: [ApplicationImageId, DatabaseUser] must have values", proc.stderr)


CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "templates")

# Values for a corpus template's parameters without a Default, by Type: any
# value of the right shape imports (the plans are linted, not deployed).
VALUE_BY_TYPE = {
    "Number": "1", "AWS::EC2::VPC::Id": "vpc-0a1b2c3d", "AWS::EC2::Subnet::Id": "subnet-0a1b2c3d",
    "List<AWS::EC2::Subnet::Id>": "subnet-0a1b2c3d,subnet-4e5f6a7b", "AWS::EC2::SecurityGroup::Id": "sg-0a1b2c3d",
    "AWS::EC2::KeyPair::KeyName": "key", "AWS::EC2::Image::Id": "ami-12341234",
}


def import_with_any_values(path):
    """A corpus template as a plan: the parameters `berth import` asks for
    (one line each: NAME (TYPE): description; one of A, B) get a value of
    their type, the first allowed one, or 1 for a String named as a count."""
    proc = berth("import", path, check=False)
    if proc.returncode == 2:
        args = []
        for m in re.finditer(r"^  (\w+) \(([^)]*)\):(.*)$", proc.stderr, re.M):
            one_of = re.search(r"; one of ([^,]+)", m.group(3))
            numeric = re.search(r"(Number|Count|Adjustment|Port|Size)$", m.group(1))
            value = one_of.group(1).strip() if one_of else VALUE_BY_TYPE.get(m.group(2), "1" if numeric else "x")
            args += ["--param", f"{m.group(1)}={value}"]
        proc = berth("import", path, *args)
    if proc.returncode != 0:
        raise AssertionError(f"berth import {path}: {proc.stderr}")
    return proc.stdout


def walkthrough_plans(tmp):
    """Every distinct plan of Berth's walkthroughs, as files."""
    subprocess.run(["cargo", "run", "--quiet", "-p", "berth-core", "--example", "walkthrough_plans", "--", tmp],
                   cwd=ROOT, check=True, capture_output=True)
    return sorted(os.path.join(tmp, f) for f in os.listdir(tmp))


SHAPES = (["--shape", "stack"], ["--shape", "services"])


class Templates(unittest.TestCase):
    """Issue 23, item 3: both shapes of the template pass cfn-lint with zero
    errors and zero warnings, for the example, every walkthrough's plan and
    every corpus template imported as a plan."""

    def lint(self, *paths):
        """cfn-lint on every path at once (its start-up is most of its time)."""
        proc = subprocess.run([CFN_LINT, "--format", "parseable", *paths], capture_output=True, text=True)
        # parseable lines: path:line:col:endline:endcol:RULE:message
        findings = [line for line in proc.stdout.splitlines()
                    if line.split(":")[5:6] and line.split(":")[5][:1] in ("E", "W")]
        # cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 notes; 1 is
        # cfn-lint itself failing, which must not pass as a clean template.
        self.assertEqual(proc.returncode & (1 | 2 | 4), 0, proc.stdout + proc.stderr)
        self.assertEqual(findings, [], proc.stdout)

    def lint_plans(self, plans, formats=([], ["--json"])):
        """Both shapes of each plan's template, named PLAN.SHAPE.yaml|json."""
        tmp = tempfile.mkdtemp()
        paths = []
        for p in plans:
            for shape in SHAPES:
                for fmt in formats:
                    text = berth("export", p, "--format", "template", *shape, *fmt).stdout
                    name = f"{os.path.basename(p)}.{shape[1]}.{'json' if fmt else 'yaml'}"
                    paths.append(write(tmp, name, text))
        self.lint(*paths)

    def test_the_example_and_its_variants_lint_clean(self):
        tmp = tempfile.mkdtemp()
        plans = [EXAMPLE]
        # The same plan in other shapes: host and awsvpc modes, task-level sizes, strategies.
        plan, _ = expected_values()
        variant = copy.deepcopy(plan)
        variant["taskDefinitions"][1]["networkMode"] = "host"
        variant["taskDefinitions"][1]["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 8001
        variant["taskDefinitions"][2]["networkMode"] = "awsvpc"
        variant["taskDefinitions"][2]["containerDefinitions"][0]["portMappings"][0].pop("hostPort")
        variant["taskDefinitions"][3]["cpu"] = "512"
        variant["taskDefinitions"][3]["memory"] = "1 GB"
        variant["services"][1]["placementStrategy"] = [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                                                      {"type": "binpack", "field": "memory"}]
        variant["services"][1]["placementConstraints"] = [{"type": "distinctInstance"},
                                                         {"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t2.*"}]
        variant["services"][1]["healthCheckGracePeriodSeconds"] = 60
        # A plan parameter named as a resource Berth writes.
        variant["cloudFormation"]["parameters"]["LoadBalancer"] = {"Type": "String", "Default": "x"}
        variant["cloudFormation"]["bindings"]["LoadBalancer"] = "taskDefinitions[quote].containerDefinitions[quote].image"
        variant["cloudFormation"]["values"]["LoadBalancer"] = "dockerproductionaws/microtrader-quote:1.4"
        plans.append(write(tmp, "variant.json", json.dumps(variant)))
        self.lint_plans(plans)

    def test_every_walkthrough_plan_lints_clean(self):
        plans = walkthrough_plans(tempfile.mkdtemp())
        self.assertGreaterEqual(len(plans), 12, plans)
        # YAML only: the JSON of the same template is linted for the example.
        self.lint_plans(plans, formats=([],))

    def test_every_corpus_template_imported_lints_clean(self):
        tmp = tempfile.mkdtemp()
        plans = []
        for name in sorted(os.listdir(CORPUS)):
            plans.append(write(tmp, name + ".plan.json", import_with_any_values(os.path.join(CORPUS, name))))
        self.assertGreaterEqual(len(plans), 12)
        self.lint_plans(plans, formats=([],))


def parsed(text):
    """A template as CloudFormation reads it (cfn-lint's own reader: YAML's
    short forms as their long-form maps)."""
    from cfnlint.decode import decode_str
    doc, problems = decode_str(text)
    assert not problems, problems
    return json.loads(json.dumps(doc, default=str))


def leaves(v, path="$"):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from leaves(x, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from leaves(x, f"{path}[{i}]")
    else:
        yield path, v


def same_scalar(a, b):
    """Equal, or the one YAML 1.1/1.2 disagreement: a leading-zero scalar
    (a file mode, 000400) that one reader takes as octal and the other as text."""
    if a == b:
        return True
    for n, s in ((a, b), (b, a)):
        if isinstance(n, int) and isinstance(s, str) and s.isdigit() and s.startswith("0") and int(s, 8) == n:
            return True
    return False


def field(plan, path):
    """(object, key) of a count a binding path names: cluster.instanceGroups[N].count
    or services[N].desiredCount; None for other fields."""
    m = re.fullmatch(r"cluster\.instanceGroups\[(.+)\]\.count", path)
    if m:
        return next(g for g in plan["cluster"]["instanceGroups"] if g["name"] == m.group(1)), "count"
    m = re.fullmatch(r"services\[(.+)\]\.desiredCount", path)
    if m:
        return next(s for s in plan["services"] if s["serviceName"] == m.group(1)), "desiredCount"
    return None


def same_for_each_parameter(plan):
    """Counts one parameter sets, made equal to its first: the values set."""
    out = set()
    for paths in plan.get("cloudFormation", {}).get("bindings", {}).values():
        fields = [f for f in map(lambda p: field(plan, p), paths if isinstance(paths, list) else [paths]) if f]
        for obj, key in fields[1:]:
            obj[key] = fields[0][0][fields[0][1]]
            out |= {obj[key], str(obj[key])}
    return out


def lint_rules(*paths):
    """File → the cfn-lint rules it breaks, once per finding."""
    proc = subprocess.run([CFN_LINT, "--format", "parseable", *paths], capture_output=True, text=True)
    out = {}
    for line in proc.stdout.splitlines():
        parts = line.rsplit(":", 0)[0].split(":")
        # parseable: path:line:col:endline:endcol:RULE:message (the path has no colon here)
        if len(parts) > 5:
            out.setdefault(parts[0], []).append(parts[5])
    return out


class OwnTemplateRoundTrip(unittest.TestCase):
    """Issue 23, item 4: every corpus template, imported, edited (each
    service runs 3 more tasks, each group one more instance, each image
    takes the tag berth-rt; fields one parameter sets kept equal, as the
    board's edits keep them) and written back, differs from the original only where
    the edit put a new value, and what the template has no place for is
    named; cfn-lint finds nothing the original did not have."""

    def test_only_what_the_edit_changed(self):
        tmp = tempfile.mkdtemp()
        pairs = []
        for name in sorted(os.listdir(CORPUS)):
            path = os.path.join(CORPUS, name)
            with self.subTest(template=name):
                plan = json.loads(import_with_any_values(path))
                new_values = set()
                for s in plan["services"]:
                    s["desiredCount"] += 3
                    new_values |= {s["desiredCount"], str(s["desiredCount"])}
                for g in plan["cluster"]["instanceGroups"]:
                    g["count"] += 1
                    new_values |= {g["count"], str(g["count"])}
                new_values |= same_for_each_parameter(plan)
                edited_images = []
                for td in plan["taskDefinitions"]:
                    for c in td["containerDefinitions"]:
                        repo = c["image"].rsplit(":", 1)[0] if ":" in c["image"].split("/")[-1] else c["image"]
                        c["image"] = repo + ":berth-rt"
                        new_values |= {c["image"], "berth-rt"}
                        edited_images.append(f"taskDefinitions[{td['family']}].containerDefinitions[{c['name']}].image")
                plan_path = write(tmp, name + ".edited.json", json.dumps(plan))
                out = berth("export", plan_path, "--format", "own-template")
                exported = write(tmp, name + ".yaml", out.stdout)
                with open(path) as f:
                    before = dict(leaves(parsed(f.read())))
                after = dict(leaves(parsed(out.stdout)))
                changed = [(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
                           if not same_scalar(before.get(k), after.get(k))]
                for at, old, new in changed:
                    self.assertIn(new, new_values, f"{at}: {old!r} → {new!r} is not a value the edit set")
                    self.assertTrue(at.startswith("$.Resources.") or (at.startswith("$.Parameters.") and at.endswith(".Default")), at)
                # Each edited image is either in the template now or said not to be.
                written = {str(new) for _, _, new in changed}
                for field in edited_images:
                    in_template = any(v.endswith("berth-rt") for v in written)
                    self.assertTrue(in_template or f"Not written (your template has no value of its own for it; Berth's template has): {field}" in out.stderr,
                                    f"{field}: {out.stderr}")
                self.assertTrue(changed, "the edit shows")
                pairs.append((path, exported))
        # One cfn-lint run for the originals and one for the written-back
        # (its start-up is most of its time).
        originals = lint_rules(*[p for p, _ in pairs])
        written_back = lint_rules(*[e for _, e in pairs])
        for (path, exported) in pairs:
            with self.subTest(template=os.path.basename(path)):
                had, has = originals.get(path, []), written_back.get(exported, [])
                for rule in set(has):
                    self.assertLessEqual(has.count(rule), had.count(rule), f"{rule}: {has} (the original: {had})")


class WholeStack(unittest.TestCase):
    """What makes the whole stack deploy, read from the template as
    CloudFormation reads it (cfn-lint does not know ECS needs them)."""

    @classmethod
    def setUpClass(cls):
        cls.plan, _ = expected_values()
        out = berth("export", EXAMPLE, "--format", "template", "--json")
        cls.t = json.loads(out.stdout)
        cls.notes = out.stderr
        cls.r = cls.t["Resources"]

    def of_type(self, kind):
        return {k: v for k, v in self.r.items() if v["Type"] == kind}

    def test_instances_join_the_cluster(self):
        (lt,) = self.of_type("AWS::EC2::LaunchTemplate").values()
        data = lt["Properties"]["LaunchTemplateData"]
        profile = data["IamInstanceProfile"]["Arn"]["Fn::GetAtt"][0]
        role = self.r[profile]["Properties"]["Roles"][0]["Ref"]
        self.assertIn("AmazonEC2ContainerServiceforEC2Role", json.dumps(self.r[role]))
        self.assertIn("ECS_CLUSTER=${EcsCluster}", data["UserData"]["Fn::Base64"]["Fn::Sub"])
        (asg,) = self.of_type("AWS::AutoScaling::AutoScalingGroup").values()
        subnets = asg["Properties"]["VPCZoneIdentifier"]
        self.assertEqual(len(subnets), len(self.plan["cluster"]["instanceGroups"][0]["availabilityZones"]))
        for s in subnets:
            self.assertEqual(self.r[s["Ref"]]["Properties"]["AvailabilityZone"]["Fn::Select"][1], {"Fn::GetAZs": ""})

    def test_each_load_balanced_service_has_its_target_group_and_listener(self):
        services = self.of_type("AWS::ECS::Service")
        self.assertEqual(len(services), len(self.plan["services"]))
        for svc in self.plan["services"]:
            (res,) = [v for v in services.values() if v["Properties"]["ServiceName"] == svc["serviceName"]]
            (lb,) = res["Properties"]["LoadBalancers"]
            tg = self.r[lb["TargetGroupArn"]["Ref"]]
            delay = {a["Key"]: a["Value"] for a in tg["Properties"]["TargetGroupAttributes"]}
            self.assertEqual(delay["deregistration_delay.timeout_seconds"],
                             str(svc["loadBalancer"]["deregistrationDelaySeconds"]))
            listener = self.r[res["DependsOn"]]
            self.assertEqual(listener["Properties"]["DefaultActions"][0]["TargetGroupArn"], lb["TargetGroupArn"])
            self.assertEqual(res["Properties"]["DeploymentConfiguration"]["MaximumPercent"],
                             svc["deploymentConfiguration"]["maximumPercent"])
        ports = [l["Properties"]["Port"] for l in self.of_type("AWS::ElasticLoadBalancingV2::Listener").values()]
        self.assertEqual(len(ports), len(set(ports)), "one listener per port")

    def test_the_plans_deploy_overrides_give_every_parameter_but_those_the_note_names(self):
        """aws cloudformation deploy reads the plan's overrides for the
        parameters this template declares and passes over the rest."""
        from awscli.customizations.cloudformation.deploy import DeployCommand
        tmp = tempfile.mkdtemp()
        overrides = write(tmp, "o.json", berth("export", EXAMPLE, "--format", "deploy-overrides").stdout)
        cli = AwsCli()
        values = cli.cfn["deploy"].parse_key_value_arg(cli.arg("deploy", "parameter-overrides", overrides),
                                                        "parameter-overrides")
        merged = DeployCommand.merge_parameters(None, self.t, values)
        without = [p["ParameterKey"] for p in merged if "ParameterValue" not in p
                   and "Default" not in self.t["Parameters"][p["ParameterKey"]]]
        self.assertEqual(without, [], "every parameter without a Default has the plan's value")
        self.assertIn("Not declared: VpcName, DatabaseUser, DatabasePassword", self.notes)


class ServicesIntoACluster(unittest.TestCase):
    def test_no_cluster_or_network_and_parameters_for_what_exists(self):
        t = json.loads(berth("export", EXAMPLE, "--format", "template", "--json", "--shape", "services").stdout)
        kinds = {v["Type"] for v in t["Resources"].values()}
        for absent in ("AWS::ECS::Cluster", "AWS::EC2::VPC", "AWS::AutoScaling::AutoScalingGroup",
                       "AWS::ElasticLoadBalancingV2::LoadBalancer"):
            self.assertNotIn(absent, kinds)
        self.assertIn("AWS::ElasticLoadBalancingV2::ListenerRule", kinds)
        params = t["Parameters"]
        self.assertEqual(params["ClusterName"]["Default"], "microtrader")
        self.assertEqual(params["VpcId"]["Type"], "AWS::EC2::VPC::Id")
        self.assertNotIn("Default", params["ListenerArn"])
        # Only the plan's parameters a resource uses: the image tag, not the instances'.
        self.assertIn("QuoteImageTag", params)
        self.assertNotIn("ApplicationInstanceType", params)


if __name__ == "__main__":
    unittest.main()


class RealStacks(unittest.TestCase):
    """Issue 16, item 6: the seed's microtrader stack (../shared/corpus), imported
    with its playbook's development values from a group_vars file, gives the same
    values back in cfn-parameters, and the template exported from it passes cfn-lint."""

    STACK = os.path.join(ROOT, "..", "shared", "corpus", "templates",
                         "jmenga__microtrader-deploy__templates__stack.yml.j2")
    DEVELOPMENT = {
        "MicrotraderQuoteHttpPort": "8000", "MicrotraderAuditHttpPort": "8001",
        "MicrotraderDashboardHttpPort": "8002", "DatabaseName": "audit", "DatabaseUsername": "audit",
        "DatabasePassword": "AQICAHj7MfbzqIkL206z", "ApplicationDnsName": "dev-microtrader",
        "ApplicationImageId": "ami-17ad6d6f", "ApplicationKeyName": "docker-production-aws",
    }

    def test_values_come_back_and_the_exported_template_lints_clean(self):
        tmp = tempfile.mkdtemp()
        group_vars = "Stack.Name: microtrader-development\n" + "".join(
            f"Stack.Inputs.{k}: {v}\n" for k, v in self.DEVELOPMENT.items())
        vars_path = write(tmp, "vars.yml", group_vars)
        plan = berth("import", self.STACK, "--ansible-vars", vars_path).stdout
        plan_path = write(tmp, "plan.json", plan)
        params = json.loads(berth("export", plan_path, "--format", "cfn-parameters").stdout)
        given = {p["ParameterKey"]: p["ParameterValue"] for p in params}
        for key, value in self.DEVELOPMENT.items():
            self.assertEqual(given.get(key), value, key)
        # And the template's own Defaults for the rest.
        self.assertEqual(given["ApplicationInstanceType"], "t2.micro")
        for fmt in (["--format", "template"], ["--format", "template", "--json"]):
            out = berth("export", plan_path, *fmt).stdout
            path = write(tmp, "t.json" if "--json" in fmt else "t.yaml", out)
            with self.subTest(json="--json" in fmt):
                Templates.lint(self, path)
