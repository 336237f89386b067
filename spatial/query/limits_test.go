package query

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"bando/layers"
)

func TestLimits(t *testing.T) {
	e := testEngine(t)
	e.lim.MaxZoneVertices = 8
	e.lim.MaxRadiusM = 1000
	e.lim.MaxK = 5
	e.lim.MaxGroups = 2
	e.lim.MaxLimit = 50
	e.lim.MaxWhere = 2
	// A radius, k or reach beyond its bound is a bad value (400), as a
	// negative one is; the other limits are 422.
	tests := []struct {
		body, path, msg string
		code            Code
	}{
		{`{"layer":"houses","where":[{"zone":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,0.5],[1,1],[0.5,1],[0,1],[0,0.5],[0.2,0.2],[0,0]]]}}]}`, "where[0].zone", "9 positions, at most 8", CodeLimit},
		{`{"layer":"houses","where":[{"radius":{"lon":0,"lat":0,"m":1001}}]}`, "where[0].radius.m", "outside [0, 1000]", CodeInvalid},
		{`{"layer":"houses","where":[{"nearest":{"lon":0,"lat":0,"k":6}}]}`, "where[0].nearest.k", "outside [1, 5]", CodeInvalid},
		{`{"layer":"houses","where":[{"nearest":{"lon":0,"lat":0,"k":1,"max_m":5000}}]}`, "where[0].nearest.max_m", "outside", CodeInvalid},
		{`{"layer":"houses","where":[{"point":{"lon":0,"lat":0,"tolerance_m":5000}}]}`, "where[0].point.tolerance_m", "over the maximum", CodeInvalid},
		{`{"layer":"houses","group_by":["field:status"]}`, "group_by", "more than 2 groups", CodeLimit},
		{`{"layer":"houses","limit":51}`, "limit", "over the maximum page of 50", CodeLimit},
		{`{"layer":"houses","where":[{"bbox":[0,0,1,1]},{"bbox":[0,0,1,1]},{"bbox":[0,0,1,1]}]}`, "where", "at most 2", CodeLimit},
	}
	for _, tt := range tests {
		_, err := run(t, e, layers.Anonymous, tt.body)
		qe, ok := AsError(err)
		status := map[Code]int{CodeInvalid: 400, CodeLimit: 422}[tt.code]
		if !ok || qe.Code != tt.code || qe.Path != tt.path || !strings.Contains(qe.Message, tt.msg) || qe.Status() != status {
			t.Errorf("%s: %v (%+v), want %s at %s: %s", tt.body, err, qe, tt.code, tt.path, tt.msg)
		}
	}
}

// TestTimeout: a question past its time limit stops with a timeout error,
// in every kind of scan; a cancelled caller gets its own error back.
func TestTimeout(t *testing.T) {
	e := testEngine(t)
	e.lim.Timeout = time.Nanosecond
	for _, body := range []string{
		`{"layer":"houses","filter":{"field":"floors","op":">","value":1}}`,
		`{"layer":"houses","where":[{"bbox":[0,0,3,1]}]}`,
		`{"layer":"houses","where":[{"nearest":{"lon":1,"lat":0.5,"k":3}}]}`,
		`{"layer":"houses","group_by":["admin:units"]}`,
	} {
		_, err := run(t, e, layers.Anonymous, body)
		if qe, ok := AsError(err); !ok || qe.Code != CodeTimeout || qe.Status() != 422 {
			t.Errorf("%s: %v, want a timeout", body, err)
		}
	}
	e.lim.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q, _ := Parse([]byte(`{"layer":"houses","where":[{"bbox":[0,0,3,1]}]}`))
	if _, err := e.Run(ctx, layers.Anonymous, q); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled: %v", err)
	}
	if _, ok := AsError(fmt.Errorf("x")); ok {
		t.Error("AsError on a plain error")
	}
}
