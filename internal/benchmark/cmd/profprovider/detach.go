package main

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Experiment (APSARAMQ_BENCH_DETACH_CONTEXTS=1): terraform-plugin-framework
// v1.19.0 keeps the cancel func of every RPC's context until StopProvider
// (internal/proto6server/serve.go registerContext), and with it the whole
// context chain: per-request loggers, fields, gRPC metadata. detachingServer
// hands the framework a small context that drops its parent when the RPC
// returns, so what stays behind is a few hundred bytes per RPC.
type detachingServer struct {
	tfprotov6.ProviderServer
}

func (s detachingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	d := detach(ctx)
	defer d.release()
	return s.ProviderServer.ValidateResourceConfig(d, req)
}

func (s detachingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	d := detach(ctx)
	defer d.release()
	return s.ProviderServer.UpgradeResourceState(d, req)
}

func (s detachingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	d := detach(ctx)
	defer d.release()
	return s.ProviderServer.UpgradeResourceIdentity(d, req)
}

func (s detachingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	d := detach(ctx)
	defer d.release()
	return s.ProviderServer.ReadResource(d, req)
}

func (s detachingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	d := detach(ctx)
	defer d.release()
	return s.ProviderServer.PlanResourceChange(d, req)
}

func (s detachingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	d := detach(ctx)
	defer d.release()
	return s.ProviderServer.ApplyResourceChange(d, req)
}

// detachedContext forwards to its parent until released, then behaves like
// context.Background.
type detachedContext struct {
	mu     sync.RWMutex
	parent context.Context
}

func detach(parent context.Context) *detachedContext { return &detachedContext{parent: parent} }

func (c *detachedContext) release() {
	c.mu.Lock()
	c.parent = context.Background()
	c.mu.Unlock()
}

func (c *detachedContext) get() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.parent
}

func (c *detachedContext) Deadline() (time.Time, bool) { return c.get().Deadline() }
func (c *detachedContext) Done() <-chan struct{}       { return c.get().Done() }
func (c *detachedContext) Err() error                  { return c.get().Err() }
func (c *detachedContext) Value(key any) any           { return c.get().Value(key) }
