package provider

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/service/mqtt"
)

// NewProtocol6Server is the provider's protocol 6 server: the framework's,
// with apsaramq_mqtt_device_access's fleet-sized RPCs answered at the
// protocol level (mqtt.ServeDeviceAccessAtProtocolLevel), and every
// per-resource RPC given a context that lets go of the request when the RPC
// returns.
//
// terraform-plugin-framework (v1.19.0, internal/proto6server/serve.go
// registerContext) keeps the cancel func of every RPC's context until
// StopProvider, and with it the whole context chain: per-request loggers,
// fields and gRPC metadata, about 30 KB per RPC. At fleet scale (several RPCs
// per resource instance) that held 165 MB after 1000 certificates; detached,
// the provider stays between 29 and 45 MB from N = 100 to N = 5000 (measured;
// see docs/guides/performance.md).
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	p := &apsaramqProvider{version: version}
	framework := providerserver.NewProtocol6(p)
	return func() tfprotov6.ProviderServer {
		return detachingServer{mqtt.ServeDeviceAccessAtProtocolLevel(framework(), p.configured.Load)}
	}
}

type detachingServer struct {
	tfprotov6.ProviderServer
}

// The list resource RPCs are not in tfprotov6.ProviderServer yet: without
// these methods the embedding would hide the framework's, and the engine
// would be told that the provider has no list resources.
var _ tfprotov6.ListResourceServer = detachingServer{}

func (s detachingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return detached(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s detachingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return detached(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s detachingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return detached(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s detachingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return detached(ctx, req, s.ProviderServer.ReadResource)
}

func (s detachingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return detached(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s detachingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return detached(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s detachingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return detached(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s detachingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return detached(ctx, req, s.ProviderServer.ReadDataSource)
}

func (s detachingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	lister, ok := s.ProviderServer.(tfprotov6.ListResourceServer)
	if !ok {
		return nil, errNoListResources
	}
	return detached(ctx, req, lister.ValidateListResourceConfig)
}

// ListResource answers with a stream the engine reads after the call
// returns, so the request's context is let go of once the stream ends.
func (s detachingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	lister, ok := s.ProviderServer.(tfprotov6.ListResourceServer)
	if !ok {
		return nil, errNoListResources
	}
	d := detach(ctx)
	stream, err := lister.ListResource(d, req)
	if err != nil || stream == nil || stream.Results == nil {
		d.release()
		return stream, err
	}
	results := stream.Results
	stream.Results = func(push func(tfprotov6.ListResourceResult) bool) {
		defer d.release()
		for r := range results {
			if !push(r) {
				return
			}
		}
	}
	return stream, nil
}

// detached calls rpc with a context that lets go of the request when rpc
// returns.
func detached[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	d := detach(ctx)
	defer d.release()
	return rpc(d, req)
}

var errNoListResources = errors.New("the wrapped provider server does not serve list resources")

// detachedContext forwards to the request's context until released, then
// behaves like context.Background, so a reference kept past the RPC keeps
// only this small value alive.
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
