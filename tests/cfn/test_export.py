"""Every export format read back the way its consumer reads it (§6.2), and
every exported template linted by cfn-lint with zero errors."""

import copy
import json
import os
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


class Templates(unittest.TestCase):
    def lint(self, path):
        proc = subprocess.run([CFN_LINT, "--format", "parseable", path], capture_output=True, text=True)
        # parseable lines: path:line:col:endline:endcol:RULE:message
        errors = [line for line in proc.stdout.splitlines() if line.split(":")[5:6] and line.split(":")[5].startswith("E")]
        # cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 notes; 1 is
        # cfn-lint itself failing, which must not pass as a clean template.
        self.assertEqual(proc.returncode & (1 | 2), 0, proc.stdout + proc.stderr)
        self.assertEqual(errors, [], proc.stdout)

    def test_exported_templates_pass_cfn_lint(self):
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
        # awsvpc services need subnets: the template asks for them, so the plan must give them.
        variant["cloudFormation"]["values"]["AwsvpcSubnets"] = "subnet-0a1b2c3d,subnet-4e5f6a7b"
        plans.append(write(tmp, "variant.json", json.dumps(variant)))
        for p in plans:
            for fmt in (["--format", "template"], ["--format", "template", "--json"]):
                out = berth("export", p, *fmt).stdout
                path = write(tmp, "t.json" if "--json" in fmt else "t.yaml", out)
                with self.subTest(plan=os.path.basename(p), json="--json" in fmt):
                    self.lint(path)


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
