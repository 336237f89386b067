package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"bando/layers"
)

// The data steward's commands talk to a running server over HTTP: the
// server holds the data directory (its store is locked while it runs), and
// a change must take effect in the server that serves the layer. With no
// server running, start one (bando serve) and use these commands against it.
const layersUsage = `usage:
  bando layers [--config FILE]                    the built-in and configured catalog
  bando layers ls  [--url URL] [--token T]        the running server's catalog and its version
  bando layers add [--url URL] --token T FILE     create a layer from its entry (YAML or JSON; - for stdin)
  bando layers set [--url URL] --token T FILE     change a layer to the entry (its id names the layer)
  bando layers rm  [--url URL] --token T [--purge] ID
                                                  retire a layer; --purge deletes its features too
  URL defaults to BANDO_URL or http://localhost:8080, T to BANDO_TOKEN; the token needs manage: true.
`

// stewardFlags are the flags of ls, add, set and rm.
type stewardFlags struct {
	url, token string
	purge      bool
}

func parseStewardFlags(name string, args []string, stderr io.Writer) (stewardFlags, []string, error) {
	var f stewardFlags
	fs := flag.NewFlagSet("layers "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, layersUsage) }
	base := os.Getenv("BANDO_URL")
	if base == "" {
		base = "http://localhost:8080"
	}
	fs.StringVar(&f.url, "url", base, "base URL of the running bando (env BANDO_URL)")
	fs.StringVar(&f.token, "token", os.Getenv("BANDO_TOKEN"), "bearer token with manage: true (env BANDO_TOKEN)")
	if name == "rm" {
		fs.BoolVar(&f.purge, "purge", false, "delete the layer's features too (a layer with features is refused without it)")
	}
	if err := fs.Parse(args); err != nil {
		return f, nil, err
	}
	return f, fs.Args(), nil
}

// layersCmd is `bando layers`: the local listing, or a steward's command.
func layersCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return layersLocal(args, stdout)
	}
	name := args[0]
	switch name {
	case "ls", "add", "set", "rm":
	default:
		fmt.Fprint(stderr, layersUsage)
		return fmt.Errorf("layers: unknown command %q", name)
	}
	f, rest, err := parseStewardFlags(name, args[1:], stderr)
	if err != nil {
		return err
	}
	if name == "ls" {
		return layersList(ctx, f, stdout)
	}
	if len(rest) != 1 {
		fmt.Fprint(stderr, layersUsage)
		return fmt.Errorf("layers %s: want exactly one %s", name, map[bool]string{true: "layer id", false: "entry file"}[name == "rm"])
	}
	var out []byte
	switch name {
	case "add", "set":
		out, err = layersSend(ctx, f, name, rest[0])
	case "rm":
		q := ""
		if f.purge {
			q = "?purge=true"
		}
		out, err = stewardCall(ctx, f, http.MethodDelete, "/collections/"+url.PathEscape(rest[0])+q, "", nil)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", bytes.TrimSpace(out))
	return err
}

// layersSend posts (add) or puts (set) an entry file. The entry is read
// and validated here first, so a typo is reported before any request, and
// set learns the layer's id from it.
func layersSend(ctx context.Context, f stewardFlags, name, file string) ([]byte, error) {
	var body []byte
	var err error
	if file == "-" {
		body, err = io.ReadAll(os.Stdin)
	} else {
		body, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, fmt.Errorf("layers %s: %w", name, err)
	}
	l, err := layers.ParseEntry(body, "")
	if err != nil {
		return nil, fmt.Errorf("layers %s: %s: %w", name, file, err)
	}
	ctype := "application/yaml"
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		ctype = "application/json"
	}
	if name == "add" {
		return stewardCall(ctx, f, http.MethodPost, "/collections", ctype, body)
	}
	return stewardCall(ctx, f, http.MethodPut, "/collections/"+url.PathEscape(l.ID), ctype, body)
}

// stewardCall makes one request and returns the body of a 2xx answer; any
// other answer is an error that carries the server's message.
func stewardCall(ctx context.Context, f stewardFlags, method, path, ctype string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // a purge of a big layer takes a while
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(f.url, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w (is bando serve running at %s? set --url)", err, f.url)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		if json.Unmarshal(out, &e) == nil && e.Error.Message != "" {
			return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, e.Error.Message)
		}
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(out))
	}
	return out, nil
}

// layersList prints the running server's catalog as the token sees it.
func layersList(ctx context.Context, f stewardFlags, stdout io.Writer) error {
	out, err := stewardCall(ctx, f, http.MethodGet, "/collections?f=json", "", nil)
	if err != nil {
		return err
	}
	var c struct {
		Version     uint64 `json:"catalog_version"`
		Collections []struct {
			ID    string `json:"id"`
			Bando struct {
				Kind     string       `json:"kind"`
				Geometry string       `json:"geometry"`
				Access   string       `json:"access"`
				Zoom     layers.Zoom  `json:"zoom"`
				Fields   []any        `json:"fields"`
				Count    int          `json:"count"`
				Title    layers.Title `json:"title"`
			} `json:"bando"`
		} `json:"collections"`
	}
	if err := json.Unmarshal(out, &c); err != nil {
		return fmt.Errorf("layers ls: %s: %w", f.url, err)
	}
	fmt.Fprintf(stdout, "catalog version %d\n", c.Version)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tGEOMETRY\tACCESS\tZOOM\tFIELDS\tFEATURES\tTITLE")
	for _, l := range c.Collections {
		b := l.Bando
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d-%d\t%d\t%d\t%s / %s\n", l.ID, b.Kind, b.Geometry, b.Access,
			b.Zoom.Min, b.Zoom.Max, len(b.Fields), b.Count, b.Title.VI, b.Title.EN)
	}
	return tw.Flush()
}
