package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// PrivatePostgres is a PostgreSQL server of the test's own (initdb in a
// temporary directory, its own port), for tests that stop and restart the
// database under load: doing that to the shared server would break the
// tests of other packages running at the same time. PostGIS comes from the
// machine's installation.
type PrivatePostgres struct {
	DSN    string // postgres://postgres@127.0.0.1:PORT/postgres
	Port   int
	dir    string
	bin    string
	asUser []string // runuser prefix when running as root (postgres refuses root)
	t      testing.TB
}

// StartPrivatePostgres initialises and starts a server, stopped at the end
// of the test. It skips loudly (fails in CI) without PostgreSQL's binaries.
func StartPrivatePostgres(t testing.TB) *PrivatePostgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		Missing(t, "PostgreSQL's initdb (/usr/lib/postgresql/*/bin; apt-get install postgresql)")
	}
	p := &PrivatePostgres{bin: filepath.Dir(bins[len(bins)-1]), t: t}
	p.dir = filepath.Join(os.TempDir(), fmt.Sprintf("bando-pg-%d-%s", os.Getpid(), filepath.Base(t.TempDir())))
	if os.Geteuid() == 0 {
		p.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if p.asUser != nil {
		if out, err := exec.Command("chown", "postgres:postgres", p.dir).CombinedOutput(); err != nil {
			t.Fatalf("chown %s: %v %s", p.dir, err, out)
		}
	}
	t.Cleanup(func() {
		p.run("pg_ctl", "-D", p.dir, "-m", "immediate", "stop")
		os.RemoveAll(p.dir)
	})
	if out, err := p.run("initdb", "-D", p.dir, "-A", "trust", "-U", "postgres", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.Port)
	p.Start()
	return p
}

// Start starts the server and waits until it accepts connections.
func (p *PrivatePostgres) Start() {
	p.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.Port, p.dir)
	if out, err := p.run("pg_ctl", "-D", p.dir, "-o", opts, "-l", filepath.Join(p.dir, "log"), "-w", "start"); err != nil {
		p.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// Stop stops the server at once, dropping every connection (as a crash
// or an operator's restart does).
func (p *PrivatePostgres) Stop() {
	p.t.Helper()
	if out, err := p.run("pg_ctl", "-D", p.dir, "-m", "fast", "-w", "stop"); err != nil {
		p.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (p *PrivatePostgres) run(tool string, args ...string) ([]byte, error) {
	argv := append(append(append([]string{}, p.asUser...), filepath.Join(p.bin, tool)), args...)
	return exec.Command(argv[0], argv[1:]...).CombinedOutput()
}
