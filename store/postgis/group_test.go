package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"bando/store"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "57P01"}, true},
		{fmt.Errorf("begin: %w", io.ErrUnexpectedEOF), true},
		{syscall.ECONNREFUSED, true},
		{context.DeadlineExceeded, true},
		{&pgconn.PgError{Code: "23505"}, false}, // unique violation: about the data
		{errors.New("store: feature id twice"), false},
	} {
		if got := errors.Is(unavailable(c.err), store.ErrUnavailable); got != c.want {
			t.Errorf("%v: unavailable = %v, want %v", c.err, got, c.want)
		}
	}
}
