package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type ctxKey struct{}

// recordingServer keeps the context of the last RPC, like the framework's
// registerContext keeps a cancel func (and so the context) of every RPC.
type recordingServer struct {
	tfprotov6.ProviderServer
	kept    context.Context
	cancels []context.CancelFunc
	inRPC   any
}

func (s *recordingServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	kept, cancel := context.WithCancel(ctx)
	s.kept, s.cancels = kept, append(s.cancels, cancel)
	s.inRPC = ctx.Value(ctxKey{})
	return &tfprotov6.ReadResourceResponse{}, nil
}

func TestDetachingServerLetsGoOfTheRequest(t *testing.T) {
	inner := &recordingServer{}
	srv := detachingServer{inner}
	big := make([]byte, 1<<20)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, big))
	defer cancel()

	if _, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := inner.inRPC.([]byte); len(v) != len(big) {
		t.Fatal("during the RPC the request's values were not visible")
	}
	if inner.kept.Value(ctxKey{}) != nil {
		t.Fatal("a context kept past the RPC still reaches the request's values (and keeps them alive)")
	}
}

func TestDetachedContextForwardsUntilReleased(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), ctxKey{}, "v"), deadline)
	d := detach(parent)
	if got, ok := d.Deadline(); !ok || !got.Equal(deadline) {
		t.Fatalf("Deadline = %v, %v", got, ok)
	}
	if d.Value(ctxKey{}) != "v" || d.Err() != nil {
		t.Fatal("value or error not forwarded")
	}
	// Cancellation reaches children derived from the detached context.
	child, stop := context.WithCancel(d)
	defer stop()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a child of the detached context was not cancelled with the request")
	}
	if !errors.Is(d.Err(), context.Canceled) {
		t.Fatalf("Err = %v", d.Err())
	}

	d.release()
	if d.Value(ctxKey{}) != nil || d.Err() != nil || d.Done() != nil {
		t.Fatal("a released context still forwards to the request")
	}
	if _, ok := d.Deadline(); ok {
		t.Fatal("a released context still has the request's deadline")
	}
}

// Readers racing a release (the framework may read a kept context while
// the RPC returns) see the request or Background, never the request again
// once they saw the release, and Background after it; -race checks the
// lock itself.
func TestDetachedContextConcurrentRelease(t *testing.T) {
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), ctxKey{}, "v"), time.Now().Add(time.Hour))
	defer cancel()
	d := detach(parent)
	if d.Value(ctxKey{}) != "v" {
		t.Fatal("the request's value is not visible before the release")
	}
	released := make(chan struct{})
	problems := make(chan string, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			sawRelease := false
			for range 1000 {
				v := d.Value(ctxKey{})
				_, _ = d.Deadline()
				switch {
				case v != "v" && v != nil:
					problems <- fmt.Sprintf("a reader saw %v, neither the request's value nor Background's", v)
					return
				case v == "v" && sawRelease:
					problems <- "a reader saw the request again after seeing the release"
					return
				}
				sawRelease = sawRelease || v == nil
			}
			<-released
			if _, ok := d.Deadline(); ok || d.Value(ctxKey{}) != nil {
				problems <- "after the release a reader still sees the request"
			}
		})
	}
	d.release()
	close(released)
	wg.Wait()
	close(problems)
	for p := range problems {
		t.Error(p)
	}
}

func TestNewProtocol6ServerServesTheProvider(t *testing.T) {
	srv := NewProtocol6Server("test")()
	if _, ok := srv.(detachingServer); !ok {
		t.Fatalf("server is %T, want the detaching wrapper", srv)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || resp.ResourceSchemas["apsaramq_mqtt_device_certificate_state"] == nil {
		t.Fatalf("GetProviderSchema through the wrapper: %v, %v", err, resp)
	}
}

// listingServer answers ListResource with a stream that reads the request's
// context while the engine reads the stream, and keeps that context.
type listingServer struct {
	tfprotov6.ProviderServer
	kept          context.Context
	seenInResults []any
}

func (s *listingServer) ValidateListResourceConfig(context.Context, *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return &tfprotov6.ValidateListResourceConfigResponse{}, nil
}

func (s *listingServer) ListResource(ctx context.Context, _ *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	s.kept = ctx
	return &tfprotov6.ListResourceServerStream{Results: func(push func(tfprotov6.ListResourceResult) bool) {
		for i := range 3 {
			s.seenInResults = append(s.seenInResults, ctx.Value(ctxKey{}))
			if !push(tfprotov6.ListResourceResult{DisplayName: string(rune('a' + i))}) {
				return
			}
		}
	}}, nil
}

// The list RPC streams after it returns: the request's context stays
// visible while the engine reads the results, and is let go of once the
// stream ends (also when the engine stops reading early).
func TestDetachingServerListsThroughTheStream(t *testing.T) {
	for _, stopAfter := range []int{0, 1} {
		inner := &listingServer{}
		srv := tfprotov6.ProviderServer(detachingServer{inner})
		ctx := context.WithValue(context.Background(), ctxKey{}, "request")
		stream, err := srv.(tfprotov6.ListResourceServer).ListResource(ctx, &tfprotov6.ListResourceRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for r := range stream.Results {
			names = append(names, r.DisplayName)
			if len(names) == stopAfter {
				break
			}
		}
		want := map[int]int{0: 3, 1: 1}[stopAfter]
		if len(names) != want || len(inner.seenInResults) != want {
			t.Fatalf("stop after %d: results %v, %d read by the provider; want %d", stopAfter, names, len(inner.seenInResults), want)
		}
		for _, v := range inner.seenInResults {
			if v != "request" {
				t.Fatalf("while streaming, the provider saw %v instead of the request's values", v)
			}
		}
		if inner.kept.Value(ctxKey{}) != nil {
			t.Fatal("after the stream, a context kept by the provider still reaches the request")
		}
	}
}

// Without the wrapper's list methods the engine would be told that the
// provider serves no list resources; through it, their schemas and a
// validation answer arrive.
func TestNewProtocol6ServerServesListResources(t *testing.T) {
	srv := NewProtocol6Server("test")()
	lister, ok := srv.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatalf("%T does not serve list resources", srv)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"apsaramq_mqtt_device_certificate_state", "apsaramq_mqtt_device_access", "apsaramq_mqtt_ca_certificate"} {
		if resp.ListResourceSchemas[name] == nil {
			t.Errorf("no list resource schema for %s (have %d)", name, len(resp.ListResourceSchemas))
		}
	}
	if _, err := lister.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{TypeName: "apsaramq_mqtt_ca_certificate"}); err != nil {
		t.Fatalf("ValidateListResourceConfig through the wrapper: %v", err)
	}
}
