// Package benchmark measures the provider at fleet scale: it drives a real
// engine binary (Terraform or OpenTofu, through internal/engine) against an
// in-process emulator with N seeded device certificates, and compares every
// step with the same steps on N terraform_data resources, the engine's own
// cost. scenario.go says what each scenario runs, runner.go runs it,
// report.go is the record (the JSON), targets.go judges it and markdown.go
// renders its tables. cmd/bench is the command behind `make bench`;
// README.md says how to run it, and the guide
// templates/guides/performance.md.tmpl reads the figures.
package benchmark
