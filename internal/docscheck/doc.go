// Package docscheck finds names in the project's documentation that the code
// does not have: a make target, a repository path, a flag of one of the
// project's commands, a provider or resource argument, an environment
// variable. Its test runs in the unit phase of `make test`, so a doc that
// drifts from the code fails the build at the line that drifted.
//
// The package reads Markdown without a Markdown library: only code spans,
// fenced code blocks, links and the templates' file references matter, and
// words in plain prose are never taken for references. What it compares
// against (Repo) is read from the repository itself: the GNUmakefile, the
// commands' flag definitions in Go source, the provider's schemas, the
// example modules' variables.
package docscheck
