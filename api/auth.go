package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"bando/layers"
)

var (
	// errUnauthorized answers a token that was sent but is not known, or an
	// Authorization header that is not a bearer token.
	errUnauthorized = errors.New("api: invalid or unknown bearer token")
	errForbidden    = errors.New("api: this token may not write")
)

// errTokenRequired answers a write sent without credentials: nothing was
// wrong with a token, there was none. It is a 401, so the response carries
// WWW-Authenticate: Bearer like every 401.
var errTokenRequired = &Error{Status: http.StatusUnauthorized, Code: "token_required",
	Message: "a bearer token is required to write (Authorization: Bearer <token>)"}

// Token is a configured credential. Only the SHA-256 of the secret is kept,
// so a leaked config file does not leak the tokens.
type Token struct {
	Name      string        `yaml:"name"`
	SHA256    string        `yaml:"sha256"`
	Clearance layers.Access `yaml:"clearance"`
	Write     bool          `yaml:"write"`
	// Manage is the data steward's right: create, change and retire layers
	// of the catalog (POST, PUT, DELETE /collections).
	Manage bool `yaml:"manage"`
}

// Tokens authenticates bearer tokens.
type Tokens struct {
	list []tokenEntry
}

type tokenEntry struct {
	Token
	sum [32]byte
}

// NewTokens validates the configured tokens.
func NewTokens(ts []Token) (*Tokens, error) {
	out := &Tokens{}
	for _, t := range ts {
		sum, err := hex.DecodeString(t.SHA256)
		if err != nil || len(sum) != 32 {
			return nil, fmt.Errorf("api: token %q: sha256 must be 64 hex digits", t.Name)
		}
		switch t.Clearance {
		case layers.Public, layers.Internal, layers.Restricted:
		default:
			return nil, fmt.Errorf("api: token %q: unknown clearance %q", t.Name, t.Clearance)
		}
		if t.Name == "" || t.Name == layers.Anonymous.Name {
			return nil, fmt.Errorf("api: a token needs a name other than %q", layers.Anonymous.Name)
		}
		e := tokenEntry{Token: t}
		copy(e.sum[:], sum)
		out.list = append(out.list, e)
	}
	return out, nil
}

// HashToken returns the hex SHA-256 of a token secret, as the config stores it.
func HashToken(secret string) string {
	s := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(s[:])
}

// Principal resolves an Authorization header. No header is anonymous; a
// header with an unknown token is an error, never a silent downgrade.
func (t *Tokens) Principal(header string) (layers.Principal, error) {
	p, _, err := t.resolve(header)
	return p, err
}

// CanWrite reports whether the header's token may write.
func (t *Tokens) CanWrite(header string) bool {
	_, w, err := t.resolve(header)
	return err == nil && w
}

// CanManage reports whether the header's token may change the catalog.
func (t *Tokens) CanManage(header string) bool {
	e, err := t.entry(header)
	return err == nil && e != nil && e.Manage
}

func (t *Tokens) resolve(header string) (layers.Principal, bool, error) {
	e, err := t.entry(header)
	if err != nil || e == nil {
		return layers.Anonymous, false, err
	}
	return layers.Principal{Name: e.Name, Clearance: e.Clearance}, e.Write, nil
}

// entry finds the header's token: nil for no header, an error for a
// header that is not a known bearer token.
func (t *Tokens) entry(header string) (*tokenEntry, error) {
	if header == "" {
		return nil, nil
	}
	secret, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || secret == "" {
		return nil, errUnauthorized
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	for i := range t.list {
		if subtle.ConstantTimeCompare(sum[:], t.list[i].sum[:]) == 1 {
			return &t.list[i], nil
		}
	}
	return nil, errUnauthorized
}
