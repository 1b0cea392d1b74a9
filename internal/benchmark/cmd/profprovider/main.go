// Command profprovider is the provider binary with profiling hooks, for the
// benchmark only: the released provider carries no profiling code. With
// APSARAMQ_PROFILE_DIR set it writes a CPU profile of the whole process life
// and a heap profile at exit (cpu-<pid>.pprof, heap-<pid>.pprof); with
// APSARAMQ_PPROF_ADDR set it also serves net/http/pprof there. Build it as
// terraform-provider-apsaramq into its own directory and point dev_overrides
// at that directory (tools/bench.sh -profile does this). With
// APSARAMQ_BENCH_BARE_FRAMEWORK set it serves the framework's server without
// provider.NewProtocol6Server's context release, to measure what that saves;
// with APSARAMQ_BENCH_ALL_LOGS set it keeps the SDK's default TRACE loggers
// (no provider.SilenceLogsTheEngineDrops), to measure what silencing saves.
package main

import (
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof" // only in this benchmark build
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

func main() {
	stop := startProfiles()
	if os.Getenv("APSARAMQ_BENCH_ALL_LOGS") == "" {
		provider.SilenceLogsTheEngineDrops() // as main.go does
	}
	factory := provider.NewProtocol6Server("bench-profile")
	if os.Getenv("APSARAMQ_BENCH_BARE_FRAMEWORK") != "" {
		// A/B: the framework's server without the provider's context release.
		factory = providerserver.NewProtocol6(provider.New("bench-profile")())
	}
	err := tf6server.Serve(provider.Address, factory)
	stop()
	if err != nil {
		log.Fatal(err.Error())
	}
}

func startProfiles() func() {
	if addr := os.Getenv("APSARAMQ_PPROF_ADDR"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }() // a second process finds the port taken: fine
	}
	dir := os.Getenv("APSARAMQ_PROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		_ = cpu.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = cpu.Close()
		if heap, err := os.Create(name("heap")); err == nil {
			runtime.GC()
			_ = pprof.Lookup("allocs").WriteTo(heap, 0) // alloc_space and inuse_space at exit
			_ = heap.Close()
		}
	}
}
