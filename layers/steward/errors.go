package steward

// Kind classifies a refused change; the API maps it to a status.
type Kind int

// Kinds of refusal.
const (
	Malformed Kind = iota + 1 // the body is not a readable entry (400)
	Invalid                   // the entry reads but is invalid, or stored features cannot satisfy it (422)
	NotFound                  // no such layer (404)
	Exists                    // a layer with the id exists already (409)
	Conflict                  // the layer holds features, or an indicator reads it (409)
)

// Error is a refused change: nothing was stored and nothing changed.
type Error struct {
	Kind Kind
	Msg  string
	// Feature names the first stored feature that cannot satisfy the
	// change, when that is the reason.
	Feature string
	Err     error
}

func (e *Error) Error() string { return "steward: " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }
