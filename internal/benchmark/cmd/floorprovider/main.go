// Command floorprovider serves the benchmark's floors of
// apsaramq_mqtt_device_access (see internal/benchmark/floor): with
// APSARAMQ_BENCH_FLOOR=framework a do-nothing framework resource with the
// real schema, with APSARAMQ_BENCH_FLOOR=protocol the same answered at the
// protocol level. Build it as terraform-provider-apsaramq into a directory of
// its own (tools/bench.sh does) and point dev_overrides there.
package main

import (
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/benchmark/floor"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

func main() {
	provider.SilenceLogsTheEngineDrops() // as main.go does
	server, err := floor.Server()
	if err != nil {
		log.Fatal(err.Error())
	}
	if err := tf6server.Serve(provider.Address, server); err != nil {
		log.Fatal(err.Error())
	}
}
