package docscheck

// The tables below are the check's only exceptions. Each entry says why it is
// not drift; LoadRepo fails when an entry that points into the repository
// (a make variable, a script) no longer matches it.

// makeFlagVariables are the make variables that pass flags to a command:
// `make bench BENCH_FLAGS="-quick"` gives -quick to the bench command.
var makeFlagVariables = map[string]string{
	"EMULATOR_FLAGS": "onsmqtt-emulator", // make emulator: go run ./internal/emulator/cmd/onsmqtt-emulator $(EMULATOR_FLAGS)
	"BENCH_FLAGS":    "bench",            // make bench: tools/bench.sh passes them to internal/benchmark/cmd/bench
}

// scriptFlags are flags a wrapper script takes out before it starts the
// command, so they are in no flag set: command -> flag -> the script.
var scriptFlags = map[string]map[string]string{
	"bench": {"profile": "tools/bench.sh"}, // builds the provider with pprof hooks and adds -profile-dir
}

// engineFlags are Terraform and OpenTofu CLI flags that guides recommend in
// prose (`-refresh=false`), where no command name on the line says whose
// flag it is. Flags on a line that runs terraform or tofu are never checked.
var engineFlags = map[string]bool{
	"refresh":             true, // terraform apply -refresh=false
	"detailed-exitcode":   true, // terraform plan -detailed-exitcode
	"auto-approve":        true, // terraform apply -auto-approve
	"parallelism":         true, // terraform apply -parallelism=N
	"generate-config-out": true, // terraform query -generate-config-out=FILE (Terraform 1.14)
}

// languageNames are names of the Terraform language, not of this
// provider's schemas: meta-arguments, lifecycle settings, and the
// arguments of terraform, import, removed, moved and module blocks.
var languageNames = map[string]bool{
	"alias": true, "count": true, "depends_on": true, "for_each": true, "provider": true, "providers": true,
	"lifecycle": true, "ignore_changes": true, "prevent_destroy": true, "create_before_destroy": true,
	"replace_triggered_by": true, "precondition": true, "postcondition": true, "condition": true,
	"error_message": true, "destroy": true, "source": true, "version": true, "to": true, "from": true,
	"id": true, "identity": true, "required_providers": true, "required_version": true,
	"terraform_data": true, // the engine's built-in resource type, the benchmark's baseline
	// Arguments of a query file's list block (Terraform 1.14), beside its config block.
	"limit": true, "include_resource": true,
	"dev_overrides": true, // the CLI configuration's provider_installation setting
	// Other blocks of the CLI configuration's provider_installation setting.
	"filesystem_mirror": true,
	"network_mirror":    true,
}

// cliConfigurationBlocks start a CLI configuration file (~/.terraformrc,
// TF_CLI_CONFIG_FILE), which is HCL but no module: its blocks are not
// checked against the provider's schemas.
var cliConfigurationBlocks = map[string]bool{
	"provider_installation": true, "host": true, "credentials": true, "plugin_cache_dir": true,
	"disable_checkpoint": true,
}

// notAttributes look like schema attributes (snake_case in backticks) but
// name something else.
var notAttributes = map[string]string{
	"device_access": "the performance guide's short name for apsaramq_mqtt_device_access in its tables, as the benchmark reports it",
	"region_id":     "a key of an aliyun CLI profile in ~/.aliyun/config.json, named in the region argument's description",
	// Keys of aliyun CLI profiles the provider honours, named in the profile argument's description.
	"expired_seconds": "a key of an aliyun CLI RamRoleArn profile: the role session's lifetime",
	"sts_region":      "a key of an aliyun CLI role profile: the region of its STS endpoint",
	"process_command": "a key of an aliyun CLI External profile: the command that prints credentials",
}

// notRepositoryPaths look like repository paths but are paths in another
// project, named as the source of a fact.
var notRepositoryPaths = map[string]string{
	"internal/proto6server/serve.go": "terraform-plugin-framework's file that keeps every RPC's context (performance guide)",
}

// machinePaths start absolute paths of one machine, which a document of the
// project must not name: a reader elsewhere has none of them.
var machinePaths = []string{"/work/", "/home/", "/Users/", "/root/", "/tmp/", "/mnt/", "/opt/"}
