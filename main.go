package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

// version is set by goreleaser (-X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		// The provider runs in the developer's terminal, which shows its log lines.
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		provider.SilenceLogsTheEngineDrops()
	}
	// What providerserver.Serve does, with the server that releases each
	// RPC's context (see provider.NewProtocol6Server).
	err := tf6server.Serve(provider.Address, provider.NewProtocol6Server(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
