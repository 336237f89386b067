package layers

import (
	"fmt"
	"strings"
)

// validateQuality checks what the data-quality figures read from a layer's
// declaration: its update interval and its steward.
func (l *Layer) validateQuality() error {
	if l.Update < 0 {
		return fmt.Errorf("update_interval %s is negative", l.Update)
	}
	st := l.Steward
	if st.Department != strings.TrimSpace(st.Department) || st.Contact != strings.TrimSpace(st.Contact) {
		return fmt.Errorf("steward: department and contact must not start or end with spaces")
	}
	if st.Department == "" && st.Contact != "" {
		return fmt.Errorf("steward: contact %q without a department", st.Contact)
	}
	return nil
}

// Expected returns the indexes into Fields of the expected fields, in
// schema order (the bit order of quality's missing-field masks).
func (l *Layer) Expected() []int {
	var out []int
	for i := range l.Fields {
		if l.Fields[i].Expected {
			out = append(out, i)
		}
	}
	return out
}
