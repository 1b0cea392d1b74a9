//go:build tools

// Package docs pins tfplugindocs in a module of its own, so documentation
// tooling stays out of the provider's dependency graph.
package docs

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
